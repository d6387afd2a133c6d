"""Who in a school (and its bureau) is told about what: the responsible people of safety."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import ROLE_CAPABILITIES, SCHOOL_ROLES, Capability, Role
from eduplatform.checklists.refusals import refusal


def school_people(school, roles) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.active().filter(school=school, role__in=list(roles)),
        ).distinct()
    )


def bureau_people(school, roles=(Role.BUREAU_INSPECTOR, Role.BUREAU_ADMIN)) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.active().filter(
                district_id__in=school.district.ancestor_ids(), role__in=list(roles)
            ),
        ).distinct()
    )


def safety_officers(school) -> list[User]:
    return school_people(school, (Role.SAFETY_OFFICER,))


def school_leaders(school) -> list[User]:
    return school_people(school, (Role.PRINCIPAL, Role.SAFETY_OFFICER))


def school_staff(school):
    """Active people with a role in the school (for choosing a responsible person)."""
    return (
        User.objects.filter(is_active=True, memberships__school=school, memberships__is_active=True)
        .filter(~Q(memberships__role=""))
        .distinct()
        .order_by("name", "username")
    )


def staff_member(school, user_id, field: str) -> User | None:
    """The active member of the school with this id (None for none), or a refusal on `field`:
    a responsible person is always someone of this school."""
    if user_id in (None, ""):
        return None
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        pk = None
    person = school_staff(school).filter(pk=pk).first() if pk is not None else None
    if person is None:
        raise refusal(field, _("请选择本校的教职工。"), "invalid_person")
    return person


def check_staff_member(school, person, field: str) -> None:
    """Refuse a person who is not (or no longer) an active member of the school."""
    if person is not None and not school_staff(school).filter(pk=person.pk).exists():
        raise refusal(field, _("请选择本校的教职工。"), "invalid_person")


# The school roles that may record inspections: the people an inspection can be given to.
INSPECTION_ROLES = tuple(
    sorted(role for role in SCHOOL_ROLES if Capability.SAFETY_RECORD in ROLE_CAPABILITIES[role])
)


def inspection_people(school):
    """Who in the school may be made responsible for a required inspection: the members
    whose role lets them fill one in (a teacher named here could not start it)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.active().filter(school=school, role__in=INSPECTION_ROLES),
        )
        .distinct()
        .order_by("name", "username")
    )


def _refuse_inspection_person(field: str):
    return refusal(field, _("请选择本校能填写安全检查的人员（校长、总务主任或安全专干）。"), "invalid_person")


def check_inspection_person(school, person, field: str = "person") -> None:
    if person is not None and not inspection_people(school).filter(pk=person.pk).exists():
        raise _refuse_inspection_person(field)


def inspection_person(school, user_id, field: str = "person") -> User | None:
    """The person with this id if they may be made responsible for an inspection here (None
    for none), or a refusal on `field`."""
    if user_id in (None, ""):
        return None
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise _refuse_inspection_person(field) from None
    person = inspection_people(school).filter(pk=pk).first()
    if person is None:
        raise _refuse_inspection_person(field)
    return person


def names_of(user_ids) -> dict[int, str]:
    """Display names of a few people by id (one query), e.g. who is responsible for what."""
    wanted = {pk for pk in user_ids if pk}
    if not wanted:
        return {}
    return {person.pk: person.name or person.username for person in User.objects.filter(pk__in=wanted)}

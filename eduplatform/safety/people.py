"""Who in a school (and its bureau) is told about what: the responsible people of safety."""

from __future__ import annotations

from django.db.models import Q

from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Role


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

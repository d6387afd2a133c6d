"""Who may manage which accounts, memberships, schools and API keys.

Two questions, answered here and nowhere else:

* Where is a manager looking? A bureau admin on the district portal looks at the
  districts they administer (with their child districts) and every school in them; a
  school leader, or a bureau admin under /s/<code>/, looks at that one school. That is a
  `PeopleArea`; an account without a membership inside it is a 404.
* What may they change? A membership can be granted, changed or removed by someone whose
  own role there manages that role (`grantable_roles`). The account itself (name, phone,
  password, deactivation) only by someone who manages every membership it has, so that a
  school cannot take over an account that also belongs to another school or the bureau.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from eduplatform.accounts.access import district_roles, school_capabilities, school_roles
from eduplatform.accounts.models import ApiKey, Membership, User
from eduplatform.accounts.principals import api_key_of
from eduplatform.accounts.roles import (
    DISTRICT_ROLES,
    ROLE_CAPABILITIES,
    SCHOOL_ROLES,
    Capability,
    Role,
)
from eduplatform.district.models import District
from tenants.models import School

# Which roles a manager's own role lets them grant and remove. A logistics director runs
# the staff accounts but may not make or unmake the principal.
GRANTABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.BUREAU_ADMIN: frozenset(Role),
    Role.PRINCIPAL: SCHOOL_ROLES,
    Role.LOGISTICS_DIRECTOR: SCHOOL_ROLES - {Role.PRINCIPAL},
}
# Roles whose holders manage accounts: losing the last of these locks a manager out.
MANAGING_ROLES = frozenset(
    role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.USERS_MANAGE in capabilities
)


def _is_person(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and api_key_of(user) is None)


def _grantable(roles) -> frozenset[Role]:
    granted: set[Role] = set()
    for role in roles:
        if role in MANAGING_ROLES:
            granted |= GRANTABLE_ROLES.get(role, frozenset())
    return frozenset(granted)


class Grants:
    """What one manager may grant where, remembered per school and district.

    Bulk actions ask about many memberships in the same few places; this keeps it to a
    couple of queries per place instead of per row.
    """

    def __init__(self, actor) -> None:
        self.actor = actor
        self._roles: dict[tuple[str, int], frozenset[Role]] = {}

    def roles(self, *, school: School | None = None, district: District | None = None) -> frozenset[Role]:
        """The roles the manager may grant, change or remove in this school or this district."""
        if (school is None) == (district is None):
            raise ValueError("ask about exactly one school or one district")
        where = ("school", school.pk) if school is not None else ("district", district.pk)
        if where not in self._roles:
            if not _is_person(self.actor):
                granted: frozenset[Role] = frozenset()
            elif school is not None:
                granted = _grantable(school_roles(self.actor, school)) & SCHOOL_ROLES
            else:
                granted = _grantable(district_roles(self.actor, district)) & DISTRICT_ROLES
            self._roles[where] = granted
        return self._roles[where]

    def membership(self, membership: Membership) -> bool:
        """May the manager change or remove this membership?"""
        if membership.school_id:
            return Role(membership.role) in self.roles(school=membership.school)
        return Role(membership.role) in self.roles(district=membership.district)

    def account(self, user: User) -> bool:
        """May the manager change the account itself? Only if they manage every membership it has."""
        memberships = list(user.memberships.select_related("school__district", "district"))
        return bool(memberships) and all(self.membership(membership) for membership in memberships)


def grantable_roles(
    actor, *, school: School | None = None, district: District | None = None
) -> frozenset[Role]:
    """The roles `actor` may grant, change or remove in this school or this district."""
    return Grants(actor).roles(school=school, district=district)


def may_manage_membership(actor, membership: Membership) -> bool:
    return Grants(actor).membership(membership)


def may_manage_account(actor, user: User) -> bool:
    return Grants(actor).account(user)


def managed_district_ids(user, capability: Capability) -> list[int]:
    """Districts where `user` holds a bureau role granting `capability`, with their child districts."""
    if not _is_person(user):
        return []
    roles = [role for role in DISTRICT_ROLES if capability in ROLE_CAPABILITIES[role]]
    roots = District.objects.filter(
        memberships__user=user, memberships__is_active=True, memberships__role__in=roles
    ).distinct()
    reachable: set[int] = set()
    for district in roots:
        reachable.update(district.descendant_ids())
    return sorted(reachable)


# --- People ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PeopleArea:
    """Where a manager is looking: one school, or the schools and districts of a bureau."""

    actor: User
    school: School | None = None
    district_ids: tuple[int, ...] = ()

    @property
    def is_school(self) -> bool:
        return self.school is not None

    def memberships(self) -> QuerySet[Membership]:
        """Memberships inside the area, active or not."""
        if self.school is not None:
            return Membership.objects.filter(school=self.school)
        return Membership.objects.filter(
            Q(district_id__in=self.district_ids) | Q(school__district_id__in=self.district_ids)
        )

    def schools(self) -> QuerySet[School]:
        if self.school is not None:
            return School.objects.filter(pk=self.school.pk).select_related("district")
        return School.objects.filter(district_id__in=self.district_ids).select_related("district")

    def districts(self) -> QuerySet[District]:
        if self.school is not None:
            return District.objects.none()
        return District.objects.filter(pk__in=self.district_ids)


def people_area(user, *, school: School | None = None) -> PeopleArea:
    """The area `user` manages people in: the school of the page, or their bureau's districts.

    Refused (403) when they manage no one there; a school leader on the district portal
    has no bureau area.
    """
    if school is not None:
        if Capability.USERS_MANAGE not in school_capabilities(user, school):
            raise PermissionDenied
        return PeopleArea(actor=user, school=school)
    district_ids = managed_district_ids(user, Capability.USERS_MANAGE)
    if not district_ids:
        raise PermissionDenied
    return PeopleArea(actor=user, district_ids=tuple(district_ids))


def accounts_in_area(area: PeopleArea) -> QuerySet[User]:
    return User.objects.filter(pk__in=area.memberships().values("user_id"))


def account_for_manager(area: PeopleArea, user_id: int) -> User:
    """An account with a membership inside the area; any other account is a 404."""
    user = accounts_in_area(area).filter(pk=user_id).first()
    if user is None:
        raise Http404("No such account")
    return user


def membership_for_manager(area: PeopleArea, user: User, membership_id: int) -> Membership:
    membership = (
        area.memberships()
        .select_related("school__district", "district", "user")
        .filter(pk=membership_id, user=user)
        .first()
    )
    if membership is None:
        raise Http404("No such membership")
    return membership


def school_in_area(area: PeopleArea, school_id) -> School:
    school = area.schools().filter(pk=school_id).first()
    if school is None:
        raise Http404("No such school")
    return school


def district_in_area(area: PeopleArea, district_id) -> District:
    district = area.districts().filter(pk=district_id).first()
    if district is None:
        raise Http404("No such district")
    return district


# --- Schools -------------------------------------------------------------------------


def managed_schools(user) -> QuerySet[School]:
    """Every school, archived ones too, of the districts `user` manages schools in."""
    district_ids = managed_district_ids(user, Capability.SCHOOLS_MANAGE)
    return School.objects.filter(district_id__in=district_ids).select_related("district")


def school_for_manager(user, code: str) -> School:
    school = managed_schools(user).filter(code=code).first()
    if school is None:
        raise Http404("No such school")
    return school


def districts_for_school_manager(user) -> QuerySet[District]:
    return District.objects.filter(pk__in=managed_district_ids(user, Capability.SCHOOLS_MANAGE))


# --- API keys ------------------------------------------------------------------------


def api_key_districts(user) -> QuerySet[District]:
    """Districts whose keys `user` manages on the district portal; empty refuses the pages."""
    return District.objects.filter(pk__in=managed_district_ids(user, Capability.API_KEYS_MANAGE))


def api_keys_for_manager(user, *, school: School | None = None) -> QuerySet[ApiKey]:
    """Keys of the school of the page, or (district portal) of the bureau's districts and their schools."""
    keys = ApiKey.objects.select_related("school", "district", "created_by")
    if school is not None:
        if Capability.API_KEYS_MANAGE not in school_capabilities(user, school):
            return keys.none()
        return keys.filter(school=school)
    district_ids = managed_district_ids(user, Capability.API_KEYS_MANAGE)
    return keys.filter(Q(district_id__in=district_ids) | Q(school__district_id__in=district_ids))


def api_key_for_manager(user, key_id: int, *, school: School | None = None) -> ApiKey:
    key = api_keys_for_manager(user, school=school).filter(pk=key_id).first()
    if key is None:
        raise Http404("No such API key")
    return key

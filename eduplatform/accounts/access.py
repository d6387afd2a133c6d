"""Who may reach which school, and with which capabilities.

Every page and API view decides it through here. A principal is a signed-in user or an
API key; both answer the same questions.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from eduplatform.accounts.models import Membership
from eduplatform.accounts.principals import api_key_of
from eduplatform.accounts.roles import (
    API_KEY_READ_CAPABILITIES,
    API_KEY_WRITE_CAPABILITIES,
    Capability,
    Role,
    capabilities_of,
)
from eduplatform.district.models import District
from tenants.models import School


def _is_active_principal(principal) -> bool:
    return bool(principal is not None and principal.is_authenticated and principal.is_active)


def _key_capabilities(key) -> frozenset[Capability]:
    return API_KEY_READ_CAPABILITIES | (API_KEY_WRITE_CAPABILITIES if key.is_read_write else frozenset())


MembershipRow = tuple[str, int | None, int | None]  # role, school_id, district_id


def memberships_of(user) -> tuple[MembershipRow, ...]:
    """A person's active memberships, in one small query; a page reads them once and derives
    both the roles it needs (school_roles) and the school switcher (switchable_schools)."""
    if not _is_active_principal(user) or api_key_of(user) is not None:
        return ()
    return tuple(
        Membership.objects.active().filter(user=user).values_list("role", "school_id", "district_id")
    )


def school_roles(
    user, school: School, memberships: tuple[MembershipRow, ...] | None = None
) -> frozenset[Role]:
    """The roles a user holds in a school: their own there, and their bureau's over it."""
    if not _is_active_principal(user) or api_key_of(user) is not None:
        return frozenset()
    rows = memberships_of(user) if memberships is None else memberships
    held = {district_id for _role, _school_id, district_id in rows if district_id is not None}
    # Walking up the districts costs a query per level: only for someone with a bureau role.
    over = held.intersection(school.district.ancestor_ids()) if held else set()
    return frozenset(
        Role(role) for role, school_id, district_id in rows if school_id == school.pk or district_id in over
    )


def school_capabilities(principal, school: School) -> frozenset[Capability]:
    """What the principal may do in this school; empty means the school does not exist for them."""
    if not _is_active_principal(principal):
        return frozenset()
    key = api_key_of(principal)
    if key is not None:
        in_scope = key.school_id == school.pk or (
            key.district_id is not None and key.district_id in school.district.ancestor_ids()
        )
        return _key_capabilities(key) if in_scope else frozenset()
    return capabilities_of(school_roles(principal, school))


def district_capabilities(principal) -> frozenset[Capability]:
    """What the principal may do on the district portal and API: their bureau roles' capabilities.

    A school role counts only inside its school; on the district side it grants nothing, so
    a principal cannot reach a bureau page by holding the same capability name. Objects
    are still scoped by the helpers below.
    """
    if not _is_active_principal(principal):
        return frozenset()
    key = api_key_of(principal)
    if key is not None:
        return _key_capabilities(key)
    roles = (
        Membership.objects.active()
        .filter(user=principal, district__isnull=False)
        .values_list("role", flat=True)
    )
    return capabilities_of(frozenset(roles))


def districts_for_user(principal) -> QuerySet[District]:
    """Districts the principal's bureau memberships (or district key) reach, with child districts."""
    if not _is_active_principal(principal):
        return District.objects.none()
    key = api_key_of(principal)
    if key is not None:
        roots = District.objects.filter(pk=key.district_id) if key.district_id else District.objects.none()
    else:
        roots = District.objects.filter(memberships__user=principal, memberships__is_active=True).distinct()
    reachable: set[int] = set()
    for district in roots:
        reachable.update(district.descendant_ids())
    return District.objects.filter(pk__in=reachable)


def schools_for_user(principal) -> QuerySet[School]:
    """Active schools the principal may open: by school membership or key, or through a bureau."""
    if not _is_active_principal(principal):
        return School.objects.none()
    key = api_key_of(principal)
    if key is not None and key.school_id is not None:
        own = Q(pk=key.school_id)
    elif key is not None:
        own = Q(pk__in=[])
    else:
        own = Q(
            pk__in=Membership.objects.active()
            .filter(user=principal, school__isnull=False)
            .values("school_id")
        )
    return (
        School.objects.active()
        .filter(own | Q(district__in=districts_for_user(principal)))
        .select_related("district")
    )


def switchable_schools(user, memberships: tuple[MembershipRow, ...]) -> list[School]:
    """The schools the page frame offers to switch to; empty when there is nothing to switch
    between. Someone whose memberships are all in one school (most staff) costs no query."""
    in_schools = {school_id for _role, school_id, _district_id in memberships if school_id is not None}
    in_bureaus = any(district_id is not None for _role, _school_id, district_id in memberships)
    if not in_bureaus and len(in_schools) < 2:
        return []
    return list(schools_for_user(user).only("code", "name", "district_id")[:50])


def school_for_user(principal, code: str) -> School:
    """The school with this code if the principal may open it; otherwise 404, never 403."""
    school = schools_for_user(principal).filter(code=code).first()
    if school is None:
        raise Http404("No such school")
    return school


def district_roles(user, district: District) -> frozenset[Role]:
    """Bureau roles reaching a district: on it or on a district above it."""
    if not _is_active_principal(user) or api_key_of(user) is not None:
        return frozenset()
    roles = (
        Membership.objects.active()
        .filter(user=user, district_id__in=district.ancestor_ids())
        .values_list("role", flat=True)
    )
    return frozenset(Role(role) for role in roles)

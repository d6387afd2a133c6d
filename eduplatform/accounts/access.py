"""Who may reach which school. Every page and API view decides it through here."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Capability, Role, capabilities_of
from eduplatform.district.models import District
from tenants.models import School


def school_roles(user: User, school: School) -> frozenset[Role]:
    """The roles a user holds in a school: their own there, and their bureau's over it."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    district_ids = school.district.ancestor_ids()
    roles = (
        Membership.objects.active()
        .filter(Q(school=school) | Q(district_id__in=district_ids), user=user)
        .values_list("role", flat=True)
    )
    return frozenset(Role(role) for role in roles)


def school_capabilities(user: User, school: School) -> frozenset[Capability]:
    return capabilities_of(school_roles(user, school))


def district_roles(user: User, district: District) -> frozenset[Role]:
    """Bureau roles reaching a district: on it or on a district above it."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    roles = (
        Membership.objects.active()
        .filter(user=user, district_id__in=district.ancestor_ids())
        .values_list("role", flat=True)
    )
    return frozenset(Role(role) for role in roles)


def districts_for_user(user: User) -> QuerySet[District]:
    """Districts the user's bureau memberships reach, with their child districts."""
    if not user.is_authenticated:
        return District.objects.none()
    reachable: set[int] = set()
    for district in District.objects.filter(memberships__user=user, memberships__is_active=True).distinct():
        reachable.update(district.descendant_ids())
    return District.objects.filter(pk__in=reachable)


def schools_for_user(user: User) -> QuerySet[School]:
    """Active schools the user may open: by school membership or through their bureau."""
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    own = Membership.objects.active().filter(user=user, school__isnull=False).values("school_id")
    return (
        School.objects.active()
        .filter(Q(pk__in=own) | Q(district__in=districts_for_user(user)))
        .select_related("district")
    )


def school_for_user(user: User, code: str) -> School:
    """The school with this code if the user may open it; otherwise 404, never 403."""
    school = schools_for_user(user).filter(code=code).first()
    if school is None:
        raise Http404("No such school")
    return school

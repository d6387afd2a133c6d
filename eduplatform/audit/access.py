"""Which audit events a person may read: school leaders their school's, the bureau its schools'."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from eduplatform.accounts.access import districts_for_user, school_capabilities, schools_for_user
from eduplatform.accounts.models import Membership
from eduplatform.accounts.roles import Capability
from eduplatform.audit.models import AuditEvent


def audit_events_for_school(principal, school) -> QuerySet[AuditEvent]:
    if Capability.AUDIT_VIEW not in school_capabilities(principal, school):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(school=school)


def audit_events_for_district(principal) -> QuerySet[AuditEvent]:
    """Events of the schools the principal's bureau reaches, and the district-side events of
    the people who belong to those districts and schools (their sign-ins, for instance)."""
    districts = districts_for_user(principal)
    if not districts.exists():
        return AuditEvent.objects.none()
    schools = schools_for_user(principal).filter(district__in=districts)
    people = Membership.objects.filter(Q(district__in=districts) | Q(school__district__in=districts)).values(
        "user_id"
    )
    return AuditEvent.objects.filter(Q(school__in=schools) | Q(school__isnull=True, actor_id__in=people))

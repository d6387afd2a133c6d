"""Removing the schools a benchmark made, so that a rerun starts clean."""

from __future__ import annotations

from django.db import connection, transaction

from eduplatform.accounts.models import Membership
from eduplatform.audit.models import AuditEvent
from eduplatform.checklists.models import HazardEscalation
from eduplatform.compliance.models import ComplianceFact
from eduplatform.notifications.models import Notification
from tenants.models import Domain, School


def remove_schools(code_prefix: str) -> None:
    """Drop every school whose code starts with `code_prefix`: public rows first, then each schema.

    Each school's audit events are a chain of their own, removed whole: the append-only
    trigger lets a transaction that sets audit_purge delete (as the retention purge does);
    other chains are untouched. One DROP per schema, in autocommit: dropping hundreds of
    schemas in one transaction can exhaust max_locks_per_transaction.
    """
    connection.set_schema_to_public()
    schools = School.objects.filter(code__startswith=code_prefix)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('eduplatform.audit_purge', 'on', true)")
        AuditEvent.objects.filter(school__in=schools).delete()
    for model in (ComplianceFact, Notification, HazardEscalation, Membership):
        model.objects.filter(school__in=schools).delete()
    Domain.objects.filter(tenant__in=schools).delete()
    schools.delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
            [School.schema_name_for(code_prefix).replace("_", r"\_") + "%"],
        )
        for (schema_name,) in cursor.fetchall():
            cursor.execute(f"DROP SCHEMA {connection.ops.quote_name(schema_name)} CASCADE")

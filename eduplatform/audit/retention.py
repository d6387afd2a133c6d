"""Removing old audit events without breaking the chains.

The only sanctioned delete. Events are kept at least MINIMUM_RETENTION_DAYS; a purge
removes the oldest events of a chain and appends a "purge" event holding the hash the
first remaining event links to, so verification knows where the chain now starts.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from eduplatform.audit.models import AuditEvent
from eduplatform.audit.trail import append_events, lock_chain
from eduplatform.audit.verification import PURGE_ACTION

MINIMUM_RETENTION_DAYS = 180


def purge_older_than(*, days: int) -> int:
    if days < MINIMUM_RETENTION_DAYS:
        raise ValueError(f"audit events are kept at least {MINIMUM_RETENTION_DAYS} days")
    cutoff = timezone.now() - timedelta(days=days)
    removed = 0
    for chain in AuditEvent.objects.order_by().values_list("chain", flat=True).distinct():
        with transaction.atomic():
            lock_chain(chain)
            old = AuditEvent.objects.filter(chain=chain, created_at__lt=cutoff).exclude(action=PURGE_ACTION)
            last_old = old.order_by("-sequence").first()
            if last_old is None:
                continue
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL eduplatform.audit_purge = 'on'")
            count, _ = AuditEvent.objects.filter(chain=chain, sequence__lte=last_old.sequence).delete()
            removed += count
            school = AuditEvent.objects.filter(chain=chain).exclude(school=None).values("school").first()
            append_events(
                [
                    AuditEvent(
                        actor_label="system",
                        school_id=school["school"] if school else None,
                        action=PURGE_ACTION,
                        object_type="audit.auditevent",
                        after={"anchor_hash": last_old.hash, "removed": count, "before": cutoff.isoformat()},
                    )
                ],
                chain,
            )
    return removed

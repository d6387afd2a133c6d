"""Sending in-app notifications. Delivery channels (SMS, WeCom) come later, behind this."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from eduplatform.notifications.models import Notification


def notify(
    *,
    users: Iterable,
    kind: str,
    title: str,
    dedupe_key: str,
    body: str = "",
    url: str = "",
    severity: str = "info",
    school=None,
) -> int:
    """Tell each user once per dedupe_key; returns how many were newly told.

    Choose a dedupe_key that names the occasion, e.g. f"hazard-overdue:{school.code}:{hazard.pk}:{date}"
    for a daily reminder, so the same reminder is not repeated within the day.
    """
    rows = [
        Notification(
            user=user,
            school=school,
            kind=kind,
            title=title[:200],
            body=body,
            url=url[:500],
            severity=severity,
            dedupe_key=dedupe_key[:200],
        )
        for user in {getattr(user, "pk", user): user for user in users}.values()
    ]
    if not rows:
        return 0
    # Ask who was told already, insert only the others: one query when everyone was (the
    # daily jobs' usual case), two otherwise. The unique (user, dedupe_key) constraint
    # still decides: a concurrent run inserting the same rows first is ignored, not doubled.
    told_already = set(
        Notification.objects.filter(
            user__in=[row.user for row in rows], dedupe_key=dedupe_key[:200]
        ).values_list("user_id", flat=True)
    )
    new_rows = [row for row in rows if row.user_id not in told_already]
    if new_rows:
        Notification.objects.bulk_create(new_rows, ignore_conflicts=True)
    return len(new_rows)


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    unread = Notification.objects.unread().filter(user=user)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())

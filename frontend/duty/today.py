"""Duty's entries on the school's "today" page (frontend.today).

For this person: the shift they are on today or tonight, handovers waiting for them to
confirm, and their own ended shifts whose log is not submitted. For those who record
safety: shifts that ended since yesterday without a submitted log.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.accounts.roles import Capability
from eduplatform.duty.models import Handover, Shift, ShiftKind
from eduplatform.duty.roster import day_bounds, with_people
from frontend import today
from frontend.access import page_capabilities

# How far back a person is reminded of their own shift's missing log.
OWN_LOG_DAYS = 7


def _url(shift) -> str:
    return reverse("frontend:duty:shift", kwargs={"pk": shift.pk})


def _span(shift) -> str:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    return f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"


def _names(shift) -> str:
    return str(_("、")).join(person.name or person.username for person in shift.people())


@today.provider("duty.shifts", scope=today.SCHOOL)
def duty_items(request):
    capabilities = page_capabilities(request)
    if Capability.SCHOOL_VIEW not in capabilities:
        return []
    now = timezone.now()
    local_today = timezone.localdate()
    today_start, today_end = day_bounds(local_today)
    mine = Shift.objects.scheduled().of_person(request.user.pk)
    items = []
    for shift in mine.filter(starts_at__lt=today_end, ends_at__gt=now).order_by("starts_at"):
        if shift.is_on_duty_at(now):
            title = _("您正在值班：%(kind)s")
        elif shift.kind == ShiftKind.NIGHT:
            title = _("今晚您值班：%(kind)s")
        else:
            title = _("今天您值班：%(kind)s")
        items.append(
            today.TodayItem(
                title=title % {"kind": shift.get_kind_display()},
                due=max(shift.starts_at, today_start),
                url=_url(shift),
                severity=today.Severity.WARNING,
                detail=_span(shift),
            )
        )
    waiting = Handover.objects.filter(
        received_at__isnull=True, to_shift__in=mine.values("pk"), to_shift__starts_at__lt=today_end
    ).select_related("to_shift")
    for handover in waiting:
        items.append(
            today.TodayItem(
                title=_("待确认接班"),
                due=handover.handed_over_at,
                url=_url(handover.to_shift),
                severity=today.Severity.WARNING,
                detail=_span(handover.to_shift),
            )
        )
    own_unlogged = mine.filter(ends_at__lte=now, ends_at__gt=now - timedelta(days=OWN_LOG_DAYS))
    for shift in own_unlogged.without_submitted_log().order_by("ends_at"):
        items.append(
            today.TodayItem(
                title=_("请提交值班日志：%(kind)s") % {"kind": shift.get_kind_display()},
                due=shift.ends_at,
                url=_url(shift),
                severity=today.Severity.WARNING,
                detail=_span(shift),
            )
        )
    if Capability.SAFETY_RECORD in capabilities:
        since = today_start - timedelta(days=1)
        unlogged = (
            Shift.objects.scheduled()
            .filter(ends_at__lte=now, ends_at__gt=since)
            .without_submitted_log()
            .exclude(members__person_id=request.user.pk)
            .order_by("ends_at")
        )
        for shift in with_people(unlogged)[:20]:
            items.append(
                today.TodayItem(
                    title=_("值班日志未提交：%(kind)s") % {"kind": shift.get_kind_display()},
                    due=shift.ends_at,
                    url=_url(shift),
                    severity=today.Severity.WARNING,
                    detail=f"{_span(shift)} {_names(shift)}",
                )
            )
    return items

"""The daily duty reminder, sent by eduplatform.safety.tasks.remind_school.

Everyone on a shift that starts tomorrow is told today. The key names the shift and the
day it starts, so a person is told once however often the job runs; a shift moved to
another day is a new occasion, and someone added to a shift is told on the next run.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.duty import facts
from eduplatform.duty.models import Shift
from eduplatform.duty.roster import day_bounds, with_people
from eduplatform.notifications.actions import notify
from tenants.routing import school_reverse


def shift_url(school, shift: Shift) -> str:
    try:
        return school_reverse(school, "frontend:duty:shift", pk=shift.pk)
    except NoReverseMatch:
        return ""


def remind_duty(school, today: date) -> int:
    """Tell tomorrow's people; refresh the duty facts that move with the clock. Returns how many were told."""
    tomorrow = today + timedelta(days=1)
    start, end = day_bounds(tomorrow)
    told = 0
    for shift in with_people(Shift.objects.scheduled().filter(starts_at__gte=start, starts_at__lt=end)):
        begins = timezone.localtime(shift.starts_at)
        told += notify(
            users=shift.people(),
            kind="duty.shift_tomorrow",
            title=_("明天您值班：%(kind)s %(start)s 起")
            % {"kind": shift.get_kind_display(), "start": f"{begins:%H:%M}"},
            body=_("%(start)s 至 %(end)s")
            % {
                "start": f"{begins:%Y-%m-%d %H:%M}",
                "end": f"{timezone.localtime(shift.ends_at):%Y-%m-%d %H:%M}",
            },
            url=shift_url(school, shift),
            dedupe_key=f"duty-tomorrow:{school.code}:{shift.pk}:{tomorrow.isoformat()}",
            school=school,
        )
    facts.refresh_current_facts(school, today)
    return told

"""Reading the roster: days and weeks in local time, shifts with their people, who may be on one."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from eduplatform.duty.models import Shift, ShiftMember
from eduplatform.safety.people import school_staff


def local_moment(day: date, at: time = time.min) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[00:00 of the day, 00:00 of the next day), in the school's time zone."""
    return local_moment(day), local_moment(day + timedelta(days=1))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(day: date) -> tuple[datetime, datetime]:
    monday = monday_of(day)
    return local_moment(monday), local_moment(monday + timedelta(days=7))


def with_people(shifts: QuerySet[Shift]) -> QuerySet[Shift]:
    """Shifts with their members and each member's account in two queries, not one per shift."""
    return shifts.prefetch_related(
        Prefetch(
            "members", queryset=ShiftMember.objects.select_related("person").order_by("-is_leader", "id")
        )
    )


def eligible_people(school):
    """Who may be put on a shift: the school's own active members (never a bureau account)."""
    return school_staff(school)


def months_touched(*spans: tuple[datetime, datetime]) -> set[date]:
    """The first day of every month that any [start, end) span touches, in local time."""
    months: set[date] = set()
    for start, end in spans:
        day = timezone.localtime(start).date().replace(day=1)
        last = timezone.localtime(end - timedelta(microseconds=1)).date()
        while day <= last:
            months.add(day)
            day = (day + timedelta(days=32)).replace(day=1)
    return months

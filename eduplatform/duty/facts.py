"""Compliance facts of duty (eduplatform.compliance).

    duty.shifts_without_log         month   shifts of the month that have ended without a
                                            submitted log, of the shifts that have ended
    duty.holiday_guarding_covered   month   percent of the month's holiday days with a
                                            holiday-guarding shift; detail: the days uncovered

Holiday days come from the district's calendar (eduplatform.district.calendar): a run of
consecutive days without school that holds at least one weekday, i.e. a marked holiday
with the weekend around it, or a vacation. An ordinary weekend is not a holiday.

Actions refresh the months their shifts touch, in their transaction. Whether a shift has
ended changes with the clock, so the daily safety job also refreshes that fact for this
month and the last (eduplatform.duty.reminders); the nightly recompute heals the hours in
between.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from eduplatform.compliance.facts import FactSource, FactValue, refresh_fact, register
from eduplatform.compliance.periods import month_bounds, month_key
from eduplatform.district.calendar import school_days
from eduplatform.duty.models import Shift, ShiftKind
from eduplatform.duty.roster import day_bounds, local_moment

SHIFTS_WITHOUT_LOG = "duty.shifts_without_log"
HOLIDAY_GUARDING_COVERED = "duty.holiday_guarding_covered"
KEYS = (SHIFTS_WITHOUT_LOG, HOLIDAY_GUARDING_COVERED)


def parse_month(period: str) -> date:
    year, _, month = period.partition("-")
    return date(int(year), int(month), 1)


def _previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def shifts_without_log(first_day: date, now) -> tuple[int, int]:
    """(ended shifts of the month without a submitted log, ended shifts of the month)."""
    first, last = month_bounds(first_day)
    ended = Shift.objects.scheduled().filter(
        starts_at__gte=local_moment(first),
        starts_at__lt=local_moment(last + timedelta(days=1)),
        ends_at__lte=now,
    )
    return ended.without_submitted_log().count(), ended.count()


def _without_log(school, period: str) -> FactValue:
    missing, ended = shifts_without_log(parse_month(period), timezone.now())
    return FactValue(missing, missing, ended)


def holiday_days(district, first: date, last: date) -> list[date]:
    """The holiday days from first to last (see the module docstring)."""
    # Look a week beyond each end: a weekend at the edge belongs to a holiday next to it.
    start, end = first - timedelta(days=7), last + timedelta(days=7)
    open_days = set(school_days(district, start, end))
    holidays: list[date] = []
    run: list[date] = []
    day = start
    while day <= end + timedelta(days=1):
        if day <= end and day not in open_days:
            run.append(day)
        else:
            if any(item.weekday() < 5 for item in run):
                holidays.extend(item for item in run if first <= item <= last)
            run = []
        day += timedelta(days=1)
    return holidays


def uncovered_holidays(school, first: date, last: date) -> tuple[list[date], list[date]]:
    """(holiday days from first to last, those without a scheduled holiday-guarding shift)."""
    days = holiday_days(school.district, first, last)
    if not days:
        return [], []
    spans = list(
        Shift.objects.scheduled()
        .filter(kind=ShiftKind.HOLIDAY)
        .overlapping(day_bounds(days[0])[0], day_bounds(days[-1])[1])
        .values_list("starts_at", "ends_at")
    )
    uncovered = []
    for day in days:
        start, end = day_bounds(day)
        if not any(shift_start < end and shift_end > start for shift_start, shift_end in spans):
            uncovered.append(day)
    return days, uncovered


def _guarding(school, period: str) -> FactValue:
    first, last = month_bounds(parse_month(period))
    days, uncovered = uncovered_holidays(school, first, last)
    covered = len(days) - len(uncovered)
    rate = Decimal(100) if not days else Decimal(covered * 100) / Decimal(len(days))
    return FactValue(rate, covered, len(days), detail={"uncovered": [day.isoformat() for day in uncovered]})


register(
    FactSource(
        SHIFTS_WITHOUT_LOG, "值班未提交日志班次数", _without_log,
        lambda school, today: [month_key(_previous_month(today)), month_key(today)],
    )
)  # fmt: skip
register(
    FactSource(
        HOLIDAY_GUARDING_COVERED, "节假日护校排班覆盖率", _guarding,
        lambda school, today: [month_key(today), month_key(_next_month(today))],
    )
)  # fmt: skip


def refresh_duty_facts(school, months) -> None:
    """Refresh both facts for each month given (dates, any day of the month)."""
    if school is None:
        return
    for period in sorted({month_key(month) for month in months}):
        for key in KEYS:
            refresh_fact(school=school, key=key, period=period)


def refresh_current_facts(school, today: date) -> None:
    """What the daily job keeps fresh: the fact that moves with the clock (shifts end), for
    last month and this month. Holiday coverage moves only with the roster (the actions
    refresh it) and the district's calendar (the nightly recompute heals that)."""
    if school is None:
        return
    for month in (_previous_month(today), today):
        refresh_fact(school=school, key=SHIFTS_WITHOUT_LOG, period=month_key(month))

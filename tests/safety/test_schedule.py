"""Due and overdue inspections across school days, weekends, holidays and make-up days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from eduplatform.checklists.models import Frequency, TemplateCategory
from eduplatform.district.models import CalendarDay, CalendarDayKind
from eduplatform.safety import schedule
from eduplatform.safety.models import Inspection, InspectionStatus
from tests.safety.conftest import make_template


@pytest.fixture
def national_day(world):
    """2026: 1-7 October off (Thursday to Wednesday); Saturday 10 October a make-up school day."""
    for offset in range(7):
        CalendarDay.objects.create(
            district=world.district,
            date=date(2026, 10, 1) + timedelta(days=offset),
            kind=CalendarDayKind.HOLIDAY,
        )
    CalendarDay.objects.create(
        district=world.district, date=date(2026, 10, 10), kind=CalendarDayKind.MAKEUP_SCHOOL_DAY
    )


def done(template, *days, inspector=None):
    for day in days:
        Inspection.objects.create(
            template_id=template.pk, template_version_id=template.current_version_id, title=template.name,
            category=template.category, frequency=template.frequency, status=InspectionStatus.SUBMITTED,
            performed_on=day, inspector_id=template.current_version.published_by_id,
        )  # fmt: skip


def requirement(school, template, today):
    found = [r for r in schedule.requirements(school, today) if r.template_id == template.pk]
    return found[0] if found else None


def test_a_daily_patrol_is_not_missed_over_a_holiday(
    world, bureau_admin, school_a, national_day, in_school_a
):
    patrol = make_template(world.district, bureau_admin)
    done(patrol, date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30))
    today = date(2026, 10, 8)  # the first school day after the holiday
    due = requirement(school_a, patrol, today)
    assert due.due_on == today and due.is_due_today(today) and not due.is_overdue(today)


def test_a_daily_patrol_missed_before_a_holiday_is_overdue(
    world, bureau_admin, school_a, national_day, in_school_a
):
    patrol = make_template(world.district, bureau_admin)
    done(patrol, date(2026, 9, 28), date(2026, 9, 29))
    today = date(2026, 10, 8)
    due = requirement(school_a, patrol, today)
    assert due.due_on == date(2026, 9, 30) and due.is_overdue(today) and due.missed == 1


def test_nothing_is_due_on_a_holiday_and_a_make_up_saturday_is_a_school_day(
    world, bureau_admin, school_a, national_day, in_school_a
):
    patrol = make_template(world.district, bureau_admin)
    done(patrol, date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30))
    assert requirement(school_a, patrol, date(2026, 10, 5)) is None
    done(patrol, date(2026, 10, 8), date(2026, 10, 9))
    saturday = date(2026, 10, 10)
    assert requirement(school_a, patrol, saturday).is_due_today(saturday)
    done(patrol, saturday)
    assert requirement(school_a, patrol, saturday).is_done
    # Sunday the 11th is a weekend day: nothing due, nothing missed.
    assert requirement(school_a, patrol, date(2026, 10, 11)) is None


def test_a_weekly_check_is_due_by_the_last_school_day_of_the_week(
    world, bureau_admin, school_a, national_day, in_school_a
):
    weekly = make_template(world.district, bureau_admin, name="每周检查", frequency=Frequency.WEEKLY,
                           category=TemplateCategory.WEEKLY_CHECK)  # fmt: skip
    done(weekly, date(2026, 9, 29))
    # The week of 5 October is a school week only from Thursday, and ends on the make-up Saturday.
    due = requirement(school_a, weekly, date(2026, 10, 8))
    assert due.due_on == date(2026, 10, 10) and not due.is_overdue(date(2026, 10, 8))
    overdue = requirement(school_a, weekly, date(2026, 10, 12))
    assert overdue.due_on == date(2026, 10, 10) and overdue.is_overdue(date(2026, 10, 12))


def test_a_week_without_school_days_asks_for_no_weekly_check(world, bureau_admin, school_a, in_school_a):
    weekly = make_template(world.district, bureau_admin, name="每周检查", frequency=Frequency.WEEKLY)
    for offset in range(5):
        CalendarDay.objects.create(
            district=world.district,
            date=date(2026, 10, 12) + timedelta(days=offset),
            kind=CalendarDayKind.HOLIDAY,
        )
    done(weekly, date(2026, 10, 9))
    assert requirement(school_a, weekly, date(2026, 10, 14)) is None
    # The week after asks again, and the holiday week is not counted as missed.
    due = requirement(school_a, weekly, date(2026, 10, 20))
    assert due.due_on == date(2026, 10, 23) and not due.is_overdue(date(2026, 10, 20))


def test_a_monthly_check_missed_last_month_is_overdue(world, bureau_admin, school_a, in_school_a):
    monthly = make_template(world.district, bureau_admin, name="月度消防", frequency=Frequency.MONTHLY)
    due = requirement(school_a, monthly, date(2026, 11, 3))
    assert due.due_on == date(2026, 10, 30) and due.is_overdue(date(2026, 11, 3))
    done(monthly, date(2026, 10, 20))
    due = requirement(school_a, monthly, date(2026, 11, 3))
    assert due.due_on == date(2026, 11, 30) and not due.is_overdue(date(2026, 11, 3))


def test_twice_a_term_is_spread_over_the_term(world, bureau_admin, school_a, in_school_a):
    sweep = make_template(world.district, bureau_admin, name="安全大排查", frequency=Frequency.PER_TERM,
                          times_per_term=2)  # fmt: skip
    first = requirement(school_a, sweep, date(2026, 9, 10))
    assert date(2026, 11, 1) <= first.due_on <= date(2026, 11, 30) and first.required == 2
    done(sweep, date(2026, 10, 15))
    second = requirement(school_a, sweep, date(2026, 12, 1))
    assert (
        second.done == 1 and second.due_on == date(2027, 1, 29) and not second.is_overdue(date(2026, 12, 1))
    )

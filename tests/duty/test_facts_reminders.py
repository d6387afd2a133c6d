"""Duty's compliance facts (recorded by the actions, equal to a recompute) and the daily reminder."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.compliance.facts import recompute_school
from eduplatform.compliance.models import ComplianceFact
from eduplatform.compliance.periods import month_key
from eduplatform.district.models import CalendarDay, CalendarDayKind
from eduplatform.duty import facts
from eduplatform.duty.actions import add_round, cancel_shift, create_shift, submit_log
from eduplatform.duty.facts import holiday_days
from eduplatform.duty.models import Shift
from eduplatform.duty.roster import local_moment
from eduplatform.notifications.models import Notification
from eduplatform.safety import tasks
from tests.duty.conftest import hours, make_shift


def _fact(school, key, period):
    return ComplianceFact.objects.get(school=school, key=key, period=period)


def _next_month_wednesday(today: date) -> date:
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first + timedelta(days=(2 - first.weekday()) % 7 + 7)


def test_holiday_days_are_runs_without_school_that_hold_a_weekday(world):
    # 2031-10-01 (Wed) to 10-07 (Tue) off, 10-11 (Sat) a make-up school day.
    for offset in (0, 1, 2, 5, 6):
        CalendarDay.objects.create(district=world.district, date=date(2031, 10, 1) + timedelta(days=offset),
                                   kind=CalendarDayKind.HOLIDAY)  # fmt: skip
    CalendarDay.objects.create(
        district=world.district, date=date(2031, 10, 11), kind=CalendarDayKind.MAKEUP_SCHOOL_DAY
    )
    days = holiday_days(world.district, date(2031, 10, 1), date(2031, 10, 31))
    assert days == [date(2031, 10, 1) + timedelta(days=offset) for offset in range(7)]
    # September ends with an ordinary weekend: not a holiday.
    assert holiday_days(world.district, date(2031, 9, 27), date(2031, 9, 30)) == []


def test_holiday_guarding_coverage_is_recorded_and_agrees_with_a_recompute(
    world, officer, teacher, in_school_a
):
    wednesday = _next_month_wednesday(timezone.localdate())
    CalendarDay.objects.create(district=world.district, date=wednesday, kind=CalendarDayKind.HOLIDAY)
    period = month_key(wednesday)
    guarding = create_shift(kind="holiday", starts_at=local_moment(wednesday, time(8)),
                            ends_at=local_moment(wednesday + timedelta(days=1), time(8)), leader=teacher,
                            actor=officer)  # fmt: skip
    fact = _fact(in_school_a, facts.HOLIDAY_GUARDING_COVERED, period)
    assert (fact.value, fact.numerator, fact.denominator, fact.detail["uncovered"]) == (100, 1, 1, [])
    # A day shift is not guarding; cancelling the guarding shift leaves the holiday uncovered.
    create_shift(kind="day", starts_at=local_moment(wednesday, time(9)), ends_at=local_moment(wednesday, time(17)),
                 leader=officer, actor=officer)  # fmt: skip
    cancel_shift(shift=guarding, actor=officer)
    fact = _fact(in_school_a, facts.HOLIDAY_GUARDING_COVERED, period)
    assert (fact.value, fact.numerator, fact.detail["uncovered"]) == (0, 0, [wednesday.isoformat()])
    assert not recompute_school(in_school_a)


def test_shifts_without_a_log_are_counted_and_agree_with_a_recompute(
    officer, teacher, colleague, in_school_a
):
    ended = make_shift(officer, teacher, start=-10, length=8)
    make_shift(officer, colleague, start=-10, length=8)
    period = month_key(timezone.localdate(ended.starts_at))
    fact = _fact(in_school_a, facts.SHIFTS_WITHOUT_LOG, period)
    assert (fact.value, fact.denominator) == (2, 2)
    add_round(shift=ended, patrolled_at=ended.starts_at + hours(1), area="校门", actor=teacher)
    submit_log(shift=ended, summary="平安", actor=teacher)
    fact = _fact(in_school_a, facts.SHIFTS_WITHOUT_LOG, period)
    assert (fact.value, fact.denominator) == (1, 2)
    assert not recompute_school(in_school_a)


def test_the_daily_job_keeps_the_clock_dependent_fact_fresh(school_a, officer, teacher):
    with schema_context(school_a.schema_name):
        shift = make_shift(officer, teacher, start=-3, length=8)  # not ended yet: nothing missing
        period = month_key(timezone.localdate(shift.starts_at))
        assert _fact(school_a, facts.SHIFTS_WITHOUT_LOG, period).value == 0
        # Time passes: the shift ends without a log.
        Shift.objects.filter(pk=shift.pk).update(ends_at=timezone.now() - hours(1))
        tasks.send_safety_reminders.run(day=timezone.localdate().isoformat())
        assert _fact(school_a, facts.SHIFTS_WITHOUT_LOG, period).value == 1
        assert not recompute_school(school_a)


def test_tomorrows_people_are_told_once_in_the_right_school(
    school_a, school_b, officer, teacher, colleague, bystander
):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    with schema_context(school_a.schema_name):
        shift = create_shift(kind="night", starts_at=local_moment(tomorrow, time(18)),
                             ends_at=local_moment(tomorrow + timedelta(days=1), time(8)), leader=teacher,
                             members=[colleague], actor=officer)  # fmt: skip
        later = today + timedelta(days=2)
        create_shift(kind="day", starts_at=local_moment(later, time(8)), ends_at=local_moment(later, time(18)),
                     leader=bystander, actor=officer)  # fmt: skip
        tasks.send_safety_reminders.run(day=today.isoformat())
        tasks.send_safety_reminders.run(day=today.isoformat())
    told = Notification.objects.filter(kind="duty.shift_tomorrow")
    assert sorted(told.values_list("user_id", flat=True)) == sorted([teacher.pk, colleague.pk])
    reminder = told.get(user=teacher)
    assert reminder.school_id == school_a.pk and reminder.title == "明天您值班：夜间值班 18:00 起"
    assert reminder.url == f"/s/{school_a.code}/duty/shifts/{shift.pk}/"
    assert reminder.dedupe_key == f"duty-tomorrow:{school_a.code}:{shift.pk}:{tomorrow.isoformat()}"
    # School B's job runs in B's schema: A's roster is not there, nobody else is told.
    with schema_context(school_b.schema_name):
        tasks.send_safety_reminders.run(day=today.isoformat())
    assert Notification.objects.filter(kind="duty.shift_tomorrow").count() == 2
    assert not Notification.objects.filter(kind="duty.shift_tomorrow", school=school_b).exists()

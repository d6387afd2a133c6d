"""The roster's actions: add, change, cancel, copy a week, fill by rotation; and their refusals."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.audit.models import AuditEvent
from eduplatform.checklists.refusals import first_code
from eduplatform.district.models import CalendarDay, CalendarDayKind
from eduplatform.duty.actions import (
    cancel_shift,
    change_shift,
    copy_week,
    create_shift,
    fill_rotation,
    hand_over,
    save_log,
)
from eduplatform.duty.models import Shift, ShiftMember, ShiftStatus
from eduplatform.duty.roster import local_moment, monday_of
from tests.duty.conftest import hours, make_shift
from tests.world import make_user


def _values(**fields):
    """A day shift tomorrow, 10 hours long (from the given start, if any)."""
    starts_at = fields.get("starts_at") or timezone.now().replace(microsecond=0) + hours(24)
    values = {"kind": "day", "starts_at": starts_at, "ends_at": starts_at + hours(10), "members": []}
    values.update(fields)
    return values


def test_a_shift_has_a_leader_members_and_is_audited(officer, teacher, colleague, in_school_a):
    shift = create_shift(**_values(leader=teacher, members=[colleague, teacher]), phone="021-5555 1234",
                         actor=officer)  # fmt: skip
    assert shift.leader() == teacher
    assert [person.pk for person in shift.people()] == [teacher.pk, colleague.pk]
    assert shift.phone == "021-55551234" and shift.created_by_id == officer.pk
    event = AuditEvent.objects.get(object_type="duty.shift", object_id=str(shift.pk), action="create")
    assert event.after["leader"] == teacher.pk and event.after["members"] == [colleague.pk]


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"kind": "party"}, "kind", "invalid_kind"),
        ({"starts_at": None}, "starts_at", "required"),
        ({"ends_at": None}, "ends_at", "required"),
        ({"ends_at": "same"}, "ends_at", "end_not_after_start"),
        ({"ends_at": "before"}, "ends_at", "end_not_after_start"),
        ({"ends_at": "long"}, "ends_at", "shift_too_long"),
        ({"leader": None}, "leader", "required"),
        ({"phone": "12345"}, "phone", "invalid_phone"),
    ],
)
def test_bad_shift_fields_are_refused_beside_the_field(officer, teacher, in_school_a, fields, field, code):
    values = _values(leader=teacher)
    relative = {"same": timedelta(0), "before": -hours(1), "long": timedelta(days=32)}
    if fields.get("ends_at") in relative:
        fields = {"ends_at": values["starts_at"] + relative[fields["ends_at"]]}
    values.update(fields)
    with pytest.raises(ValidationError) as refused:
        create_shift(**values, actor=officer)
    assert refused.value.error_dict[field][0].code == code
    assert not Shift.objects.exists()


def test_only_members_of_this_school_are_put_on_a_shift(officer, teacher, school_b, world, in_school_a):
    other_school = make_user(Role.STAFF, school=school_b)
    bureau = make_user(Role.BUREAU_INSPECTOR, district=world.district)
    former = make_user(Role.STAFF, school=in_school_a)
    former.memberships.update(is_active=False)
    for fields, field in [
        ({"leader": other_school}, "leader"),
        ({"leader": bureau}, "leader"),
        ({"leader": former}, "leader"),
        ({"leader": "abc"}, "leader"),
        ({"leader": teacher, "members": [other_school]}, "members"),
    ]:
        with pytest.raises(ValidationError) as refused:
            create_shift(**_values(**fields), actor=officer)
        assert refused.value.error_dict[field][0].code == "not_a_member", fields
    assert not Shift.objects.exists()


def test_nobody_is_on_two_overlapping_shifts(officer, teacher, colleague, bystander, in_school_a):
    first = create_shift(**_values(leader=teacher, members=[colleague]), actor=officer)
    later = first.ends_at
    # Back to back is fine; overlapping by a minute is not, as leader or as member.
    create_shift(**_values(leader=teacher, starts_at=later, ends_at=later + hours(8)), actor=officer)
    with pytest.raises(ValidationError) as refused:
        create_shift(**_values(leader=bystander, members=[colleague], ends_at=first.starts_at + hours(0.02),
                               starts_at=first.starts_at - hours(2)), actor=officer)  # fmt: skip
    assert refused.value.error_dict["members"][0].code == "double_booked"
    assert "李老师" in refused.value.error_dict["members"][0].message
    with pytest.raises(ValidationError) as refused:
        create_shift(**_values(leader=colleague, starts_at=first.starts_at + hours(1)), actor=officer)
    assert refused.value.error_dict["leader"][0].code == "double_booked"
    # A cancelled shift frees its people.
    cancel_shift(shift=first, actor=officer)
    create_shift(**_values(leader=colleague, starts_at=first.starts_at + hours(1)), actor=officer)
    assert Shift.objects.scheduled().count() == 2


def test_change_a_shift_and_refuse_the_same_rules(officer, teacher, colleague, bystander, in_school_a):
    shift = create_shift(**_values(leader=teacher), actor=officer)
    other = create_shift(**_values(leader=bystander, starts_at=shift.ends_at + hours(1)), actor=officer)
    changed = change_shift(shift=shift, **_values(kind="night", leader=colleague, members=[teacher],
                                                  ends_at=shift.ends_at + hours(1)), actor=officer)  # fmt: skip
    assert changed.kind == "night" and changed.leader() == colleague
    assert set(ShiftMember.objects.filter(shift=shift).values_list("person_id", flat=True)) == {
        teacher.pk, colleague.pk,
    }  # fmt: skip
    event = AuditEvent.objects.get(object_type="duty.shift", object_id=str(shift.pk), action="update")
    assert event.before["leader"] == teacher.pk and event.after["leader"] == colleague.pk
    with pytest.raises(ValidationError) as refused:
        change_shift(
            shift=shift, **_values(leader=bystander, ends_at=other.starts_at + hours(1)), actor=officer
        )
    assert first_code(refused.value) == "double_booked"
    with pytest.raises(ValidationError) as refused:
        change_shift(shift=shift, **_values(leader=colleague, ends_at=shift.starts_at), actor=officer)
    assert first_code(refused.value) == "end_not_after_start"
    shift.refresh_from_db()
    assert shift.leader() == colleague


def test_a_past_shift_with_a_log_or_a_handover_is_no_longer_changed(officer, teacher, colleague, in_school_a):
    shift = make_shift(officer, teacher, start=-3, length=2)
    after = make_shift(officer, colleague, start=-1, length=8)
    save_log(shift=shift, summary="平安", actor=teacher)
    for attempt in (
        lambda: change_shift(shift=shift, **_values(leader=teacher), actor=officer),
        lambda: cancel_shift(shift=shift, actor=officer),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert first_code(refused.value) == "shift_has_log"
    # Handed over (without a log): the outgoing shift is settled, the incoming one cannot be cancelled.
    hand_over(shift=after, to_shift=make_shift(officer, teacher, start=7, length=8), actor=colleague)
    with pytest.raises(ValidationError) as refused:
        change_shift(shift=after, **_values(leader=colleague), actor=officer)
    assert first_code(refused.value) == "shift_has_handover"
    incoming = after.handover.to_shift
    with pytest.raises(ValidationError) as refused:
        cancel_shift(shift=incoming, actor=officer)
    assert first_code(refused.value) == "handover_pending"
    # A past shift without a log may still be corrected.
    past = make_shift(officer, colleague, start=-30, length=4)
    change_shift(shift=past, **_values(leader=teacher, starts_at=past.starts_at, ends_at=past.ends_at),
                 actor=officer)  # fmt: skip
    assert Shift.objects.get(pk=past.pk).leader() == teacher
    # ... but not moved or cancelled: its missing log stays counted.
    with pytest.raises(ValidationError) as refused:
        change_shift(shift=past, **_values(leader=teacher, starts_at=past.starts_at + hours(48),
                     ends_at=past.ends_at + hours(48)), actor=officer)  # fmt: skip
    assert first_code(refused.value) == "shift_ended"
    with pytest.raises(ValidationError) as refused:
        cancel_shift(shift=past, actor=officer)
    assert first_code(refused.value) == "shift_ended"
    assert Shift.objects.get(pk=past.pk).status != ShiftStatus.CANCELLED


def test_cancel_is_audited_and_refused_twice(officer, teacher, in_school_a):
    shift = create_shift(**_values(leader=teacher), actor=officer)
    cancel_shift(shift=shift, reason="调课", actor=officer)
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.CANCELLED and shift.cancel_reason == "调课"
    assert shift.cancelled_by_id == officer.pk
    assert AuditEvent.objects.filter(
        object_id=str(shift.pk), object_type="duty.shift", action="cancel"
    ).exists()
    with pytest.raises(ValidationError) as refused:
        cancel_shift(shift=shift, actor=officer)
    assert first_code(refused.value) == "shift_cancelled"
    with pytest.raises(ValidationError) as refused:
        change_shift(shift=shift, **_values(leader=teacher), actor=officer)
    assert first_code(refused.value) == "shift_cancelled"


def test_copy_last_week_to_this_week(officer, teacher, colleague, in_school_a):
    this_monday = monday_of(timezone.localdate())
    last_monday = this_monday - timedelta(days=7)
    night = create_shift(kind="night", starts_at=local_moment(last_monday, time(18)),
                         ends_at=local_moment(last_monday + timedelta(days=1), time(8)), leader=teacher,
                         members=[colleague], phone="13800138000", actor=officer)  # fmt: skip
    create_shift(kind="week", starts_at=local_moment(last_monday, time(7, 30)),
                 ends_at=local_moment(last_monday + timedelta(days=4), time(17, 30)), leader=officer, actor=officer)  # fmt: skip
    cancelled = create_shift(kind="day", starts_at=local_moment(last_monday + timedelta(days=2), time(8)),
                             ends_at=local_moment(last_monday + timedelta(days=2), time(18)), leader=colleague,
                             actor=officer)  # fmt: skip
    # Cancelled last Monday, before it was due (an ended shift can no longer be cancelled).
    with time_machine.travel(local_moment(last_monday, time(9)), tick=False):
        cancel_shift(shift=cancelled, actor=officer)

    copied = copy_week(
        source=last_monday + timedelta(days=3), target=this_monday + timedelta(days=5), actor=officer
    )
    assert len(copied) == 2
    copy = next(shift for shift in copied if shift.kind == "night")
    assert timezone.localtime(copy.starts_at) == timezone.localtime(night.starts_at) + timedelta(days=7)
    assert copy.leader() == teacher and [p.pk for p in copy.people()] == [teacher.pk, colleague.pk]
    assert copy.phone == "13800138000"

    for source, target, field, code in [
        (last_monday, this_monday, "target", "week_not_empty"),
        (this_monday, this_monday + timedelta(days=1), "target", "same_week"),
        (this_monday - timedelta(days=70), this_monday + timedelta(days=70), "source", "nothing_to_copy"),
        (None, this_monday, "source", "required"),
    ]:
        with pytest.raises(ValidationError) as refused:
            copy_week(source=source, target=target, actor=officer)
        assert refused.value.error_dict[field][0].code == code
    assert Shift.objects.count() == 5


def test_copying_a_week_is_all_or_nothing(officer, teacher, colleague, in_school_a):
    this_monday = monday_of(timezone.localdate())
    last_monday = this_monday - timedelta(days=7)
    for offset, person in ((0, teacher), (1, colleague)):
        day = last_monday + timedelta(days=offset)
        create_shift(kind="day", starts_at=local_moment(day, time(8)), ends_at=local_moment(day, time(18)),
                     leader=person, actor=officer)  # fmt: skip
    colleague.memberships.update(is_active=False)  # left the school since
    with pytest.raises(ValidationError) as refused:
        copy_week(source=last_monday, target=this_monday, actor=officer)
    assert first_code(refused.value) == "not_a_member"
    assert Shift.objects.count() == 2


def test_a_rotation_fills_the_holiday_days_in_turn(
    world, officer, teacher, colleague, bystander, in_school_a
):
    # A Thursday-Friday holiday next to a weekend: four days without school, then a school Monday.
    thursday = date(2031, 10, 2)
    for day in (thursday, thursday + timedelta(days=1)):
        CalendarDay.objects.create(
            district=world.district, date=day, kind=CalendarDayKind.HOLIDAY, name="国庆"
        )
    shifts = fill_rotation(kind="holiday", first_day=thursday - timedelta(days=1), last_day=thursday + timedelta(days=4),
                           start_time=time(8), end_time=time(8), people=[teacher, colleague, bystander],
                           holidays_only=True, actor=officer)  # fmt: skip
    assert [timezone.localtime(shift.starts_at).date() for shift in shifts] == [
        thursday + timedelta(days=offset) for offset in range(4)
    ]
    assert [shift.leader() for shift in shifts] == [teacher, colleague, bystander, teacher]
    # 08:00 to 08:00 the next day.
    assert all(shift.ends_at - shift.starts_at == timedelta(hours=24) for shift in shifts)


def test_a_rotation_of_week_duty_and_its_refusals(officer, teacher, colleague, in_school_a):
    monday = monday_of(timezone.localdate()) + timedelta(days=21)
    weeks = fill_rotation(kind="week", first_day=monday, last_day=monday + timedelta(days=13),
                          start_time=time(7, 30), end_time=time(17, 30), people=[teacher, colleague],
                          actor=officer)  # fmt: skip
    assert len(weeks) == 2 and weeks[1].leader() == colleague
    assert timezone.localtime(weeks[0].ends_at).date() == monday + timedelta(days=4)
    base = {"kind": "day", "first_day": monday, "last_day": monday, "start_time": time(8), "end_time": time(18),
            "people": [teacher]}  # fmt: skip
    for fields, field, code in [
        ({"last_day": monday - timedelta(days=1)}, "last_day", "end_before_start"),
        ({"last_day": monday + timedelta(days=92)}, "last_day", "range_too_long"),
        ({"people": []}, "people", "required"),
        ({"kind": "x"}, "kind", "invalid_kind"),
        ({"start_time": None}, "start_time", "required"),
        ({"people": [teacher, colleague]}, "people", "double_booked"),  # on week duty already
        ({"holidays_only": True}, "first_day", "no_days"),  # a Monday is a school day
    ]:
        with pytest.raises(ValidationError) as refused:
            fill_rotation(**{**base, **fields}, actor=officer)
        assert refused.value.error_dict[field][0].code == code, fields
    assert Shift.objects.count() == 2


def test_another_schools_roster_is_not_touched(officer, teacher, school_b, in_school_a):
    shift = create_shift(**_values(leader=teacher), actor=officer)
    with schema_context(school_b.schema_name):
        assert not Shift.objects.filter(pk=shift.pk).exists()

"""Duty logs and handovers: what may be written when, by whom, and what is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from eduplatform.audit.models import AuditEvent
from eduplatform.checklists.refusals import first_code
from eduplatform.duty.actions import (
    HazardReport,
    add_event,
    add_round,
    cancel_shift,
    confirm_handover,
    hand_over,
    save_log,
    submit_log,
)
from eduplatform.duty.models import DutyEvent, DutyLog, DutyPhoto, Handover, PatrolRound
from eduplatform.safety.models import Hazard, HazardSource
from tests.duty.conftest import clean, hours, make_shift


def test_a_log_is_written_during_the_shift_and_submitted_once(officer, teacher, in_school_a):
    shift = make_shift(officer, teacher, start=-2, length=8)
    now = timezone.now()
    patrol = add_round(
        shift=shift, patrolled_at=now - hours(1), area="教学楼", photos=[clean()], actor=teacher
    )
    add_round(
        shift=shift,
        patrolled_at=now,
        area="配电房",
        is_normal=False,
        findings="门未锁，已锁好",
        actor=teacher,
    )
    add_event(shift=shift, occurred_at=now - hours(0.5), description="学生家长来校", handling="联系班主任后离开",
              actor=teacher)  # fmt: skip
    save_log(shift=shift, summary="草稿", actor=teacher)
    log = submit_log(shift=shift, summary="一切正常", report_up="无", actor=teacher)
    assert log.is_submitted and log.summary == "一切正常" and log.submitted_by_id == teacher.pk
    assert log.rounds.count() == 2 and log.events.count() == 1
    assert DutyPhoto.objects.get().patrol_round == patrol
    assert AuditEvent.objects.filter(
        object_type="duty.dutylog", object_id=str(log.pk), action="submit"
    ).exists()
    assert AuditEvent.objects.filter(object_type="duty.patrolround", action="create").count() == 2

    # Read-only from now on.
    for attempt in (
        lambda: save_log(shift=shift, summary="改", actor=teacher),
        lambda: add_round(shift=shift, patrolled_at=timezone.now(), area="操场", actor=teacher),
        lambda: add_event(shift=shift, occurred_at=timezone.now(), description="x", actor=teacher),
        lambda: submit_log(shift=shift, actor=officer),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert first_code(refused.value) == "log_submitted"
    log.refresh_from_db()
    assert log.summary == "一切正常" and log.rounds.count() == 2


def test_submitting_needs_a_summary_and_a_round(officer, teacher, in_school_a):
    shift = make_shift(officer, teacher, start=-2, length=8)
    with pytest.raises(ValidationError) as refused:
        submit_log(shift=shift, actor=teacher)
    assert refused.value.error_dict["summary"][0].code == "required"
    assert refused.value.error_dict["rounds"][0].code == "rounds_required"
    assert not DutyLog.objects.exists()  # nothing saved half-way


def test_log_times_and_fields_are_checked(officer, teacher, in_school_a):
    shift = make_shift(officer, teacher, start=-2, length=8)
    now = timezone.now()
    for kwargs, field, code in [
        ({"patrolled_at": now - hours(3)}, "patrolled_at", "outside_shift"),
        ({"patrolled_at": now + hours(1)}, "patrolled_at", "in_future"),
        ({"patrolled_at": None}, "patrolled_at", "required"),
        ({"area": " "}, "area", "required"),
        ({"is_normal": False, "findings": ""}, "findings", "required"),
    ]:
        values = {"patrolled_at": now, "area": "校门", **kwargs}
        with pytest.raises(ValidationError) as refused:
            add_round(shift=shift, **values, actor=teacher)
        assert refused.value.error_dict[field][0].code == code, kwargs
    with pytest.raises(ValidationError) as refused:
        add_event(shift=shift, occurred_at=now, description="", actor=teacher)
    assert first_code(refused.value) == "required"
    assert (
        not PatrolRound.objects.exists() and not DutyEvent.objects.exists() and not DutyLog.objects.exists()
    )


def test_no_log_before_the_shift_or_on_a_cancelled_one(officer, teacher, colleague, in_school_a):
    tomorrow = make_shift(officer, teacher, start=20, length=8)
    with pytest.raises(ValidationError) as refused:
        save_log(shift=tomorrow, summary="提前写", actor=teacher)
    assert first_code(refused.value) == "shift_not_started"
    cancelled = make_shift(officer, colleague, start=-2, length=8)
    cancel_shift(shift=cancelled, actor=officer)
    with pytest.raises(ValidationError) as refused:
        add_round(shift=cancelled, patrolled_at=timezone.now(), area="校门", actor=colleague)
    assert first_code(refused.value) == "shift_cancelled"
    assert not DutyLog.objects.exists()


def test_an_event_reported_up_opens_a_hazard_through_the_register(officer, teacher, in_school_a):
    shift = make_shift(officer, teacher, start=-2, length=8)
    event = add_event(
        shift=shift, occurred_at=timezone.now(), description="围墙西侧有裂缝", handling="已拉警戒线",
        photos=[clean()], hazard=HazardReport(category="building", severity="major", location="西围墙"),
        actor=teacher,
    )  # fmt: skip
    hazard = Hazard.objects.get()
    assert event.hazard == hazard and hazard.source == HazardSource.REPORT
    assert (hazard.location, hazard.description, hazard.reported_by_id) == (
        "西围墙",
        "围墙西侧有裂缝",
        teacher.pk,
    )
    assert hazard.photos.count() == 1 and event.photos.count() == 1
    # The register's own rules apply: a report needs a photo; nothing is saved without it.
    with pytest.raises(ValidationError) as refused:
        add_event(shift=shift, occurred_at=timezone.now(), description="灯坏了",
                  hazard=HazardReport(category="electrical", severity="minor", location="走廊"), actor=teacher)  # fmt: skip
    assert refused.value.error_dict["photos"][0].code == "photo_required"
    with pytest.raises(ValidationError) as refused:
        add_event(shift=shift, occurred_at=timezone.now(), description="灯坏了", photos=[clean()],
                  hazard=HazardReport(category="nonsense", severity="minor", location="走廊"), actor=teacher)  # fmt: skip
    assert refused.value.error_dict["category"][0].code == "invalid_category"
    assert Hazard.objects.count() == 1 and DutyEvent.objects.count() == 1


def test_a_handover_goes_from_the_outgoing_to_the_incoming_person(
    officer, teacher, colleague, bystander, in_school_a
):
    outgoing = make_shift(officer, teacher, start=-8, length=8)
    incoming = make_shift(officer, colleague, start=0, length=8)
    for actor, to_shift, field, code in [
        (bystander, incoming, "shift", "not_on_shift"),
        (officer, incoming, "shift", "not_on_shift"),  # not even the safety officer, for someone else
        (teacher, None, "to_shift", "required"),
        (teacher, outgoing, "to_shift", "invalid_next_shift"),
    ]:
        with pytest.raises(ValidationError) as refused:
            hand_over(shift=outgoing, to_shift=to_shift, actor=actor)
        assert refused.value.error_dict[field][0].code == code
    handover = hand_over(shift=outgoing, to_shift=incoming, open_matters="3 号楼水管待修",
                         keys_equipment="大门钥匙 2 把、对讲机 1 台", actor=teacher)  # fmt: skip
    assert handover.handed_over_by_id == teacher.pk and handover.handed_over_at is not None
    with pytest.raises(ValidationError) as refused:
        hand_over(shift=outgoing, to_shift=incoming, actor=teacher)
    assert first_code(refused.value) == "already_handed_over"

    for actor in (teacher, bystander, officer):
        with pytest.raises(ValidationError) as refused:
            confirm_handover(handover=handover, actor=actor)
        assert refused.value.error_dict["received_by"][0].code == "not_on_incoming_shift"
    confirmed = confirm_handover(handover=handover, notes="钥匙已收到", actor=colleague)
    assert confirmed.received_by_id == colleague.pk and confirmed.received_at >= confirmed.handed_over_at
    with pytest.raises(ValidationError) as refused:
        confirm_handover(handover=handover, actor=colleague)
    assert first_code(refused.value) == "already_confirmed"
    assert AuditEvent.objects.filter(object_type="duty.handover", object_id=str(handover.pk)).count() == 2
    assert Handover.objects.get().receipt_notes == "钥匙已收到"


def test_someone_on_both_shifts_does_not_confirm_their_own_handover(
    officer, teacher, colleague, bystander, in_school_a
):
    outgoing = make_shift(officer, teacher, start=-8, length=8)
    incoming = make_shift(officer, teacher, colleague, start=0, length=8)
    handover = hand_over(shift=outgoing, to_shift=incoming, keys_equipment="大门钥匙", actor=teacher)
    with pytest.raises(ValidationError) as refused:
        confirm_handover(handover=handover, actor=teacher)
    assert refused.value.error_dict["received_by"][0].code == "same_person"
    handover.refresh_from_db()
    assert not handover.is_confirmed
    assert confirm_handover(handover=handover, actor=colleague).received_by_id == colleague.pk
    # A next shift with nobody but the person handing over: nobody could ever confirm it.
    alone = make_shift(officer, bystander, start=-16, length=8)
    only_them = make_shift(officer, bystander, start=8, length=8)
    with pytest.raises(ValidationError) as refused:
        hand_over(shift=alone, to_shift=only_them, actor=bystander)
    assert refused.value.error_dict["to_shift"][0].code == "same_person"
    assert Handover.objects.count() == 1


def test_a_shift_not_started_is_not_handed_over(officer, teacher, colleague, in_school_a):
    later = make_shift(officer, teacher, start=2, length=8)
    after = make_shift(officer, colleague, start=10, length=8)
    with pytest.raises(ValidationError) as refused:
        hand_over(shift=later, to_shift=after, actor=teacher)
    assert first_code(refused.value) == "shift_not_started"
    assert not Handover.objects.exists()

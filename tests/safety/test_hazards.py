from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from eduplatform.checklists.models import EscalationReason, HazardEscalation, Severity
from eduplatform.checklists.refusals import first_code
from eduplatform.compliance.models import ComplianceFact
from eduplatform.district.settings import set_setting
from eduplatform.notifications.models import Notification
from eduplatform.safety import facts
from eduplatform.safety.actions import (
    assign_hazard,
    rectify_hazard,
    reopen_hazard,
    report_hazard,
    start_rectification,
    verify_hazard,
)
from eduplatform.safety.models import Hazard, HazardCategory, HazardPhotoKind, HazardStatus
from tests.safety.conftest import clean


def _report(actor, **fields):
    values = {
        "category": HazardCategory.FACILITIES, "severity": Severity.MINOR, "location": "操场东侧",
        "description": "篮球架底座螺丝松动", "photos": [clean()], "actor": actor,
    }  # fmt: skip
    values.update(fields)
    return report_hazard(**values)


def test_the_full_path_found_rectifying_rectified_verified(staff_a, safety_officer, principal, in_school_a):
    hazard = _report(staff_a)
    assert hazard.status == HazardStatus.FOUND and hazard.number.startswith("YH")
    hazard = start_rectification(hazard=hazard, actor=safety_officer)
    assert hazard.status == HazardStatus.RECTIFYING and hazard.responsible_id == safety_officer.pk
    hazard = rectify_hazard(hazard=hazard, notes="已紧固螺丝", photos=[clean()], actor=safety_officer)
    assert hazard.status == HazardStatus.RECTIFIED and hazard.rectified_by_id == safety_officer.pk
    hazard = verify_hazard(hazard=hazard, notes="复查合格", actor=principal)
    assert hazard.status == HazardStatus.VERIFIED and hazard.verified_by_id == principal.pk
    assert set(hazard.photos.values_list("kind", flat=True)) == {
        HazardPhotoKind.FOUND,
        HazardPhotoKind.EVIDENCE,
    }


def test_the_rectifier_cannot_verify_their_own_rectification(safety_officer, in_school_a):
    hazard = _report(safety_officer)
    rectify_hazard(hazard=hazard, notes="已处理", photos=[clean()], actor=safety_officer)
    for action in (verify_hazard, lambda **kw: reopen_hazard(reason="不行", **kw)):
        with pytest.raises(ValidationError) as refused:
            action(hazard=hazard, actor=safety_officer)
        assert first_code(refused.value) == "same_person"
        assert "整改人不能验收自己的整改" in refused.value.error_dict["verifier"][0].message
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED and hazard.verified_by_id is None


def test_rectifying_without_evidence_is_refused(safety_officer, in_school_a):
    hazard = _report(safety_officer)
    with pytest.raises(ValidationError) as refused:
        rectify_hazard(hazard=hazard, notes="已处理", photos=[], actor=safety_officer)
    assert first_code(refused.value) == "evidence_required"
    hazard.refresh_from_db()
    assert (
        hazard.status == HazardStatus.FOUND
        and not hazard.photos.filter(kind=HazardPhotoKind.EVIDENCE).exists()
    )


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (HazardStatus.FOUND, "verify"),
        (HazardStatus.VERIFIED, "rectify"),
        (HazardStatus.VERIFIED, "start"),
        (HazardStatus.RECTIFIED, "start"),
        (HazardStatus.FOUND, "reopen"),
    ],
)
def test_transitions_out_of_order_are_refused(safety_officer, principal, in_school_a, status, action):
    hazard = _report(safety_officer)
    Hazard.objects.filter(pk=hazard.pk).update(status=status)
    hazard.refresh_from_db()
    call = {
        "verify": lambda: verify_hazard(hazard=hazard, actor=principal),
        "rectify": lambda: rectify_hazard(hazard=hazard, notes="x", photos=[clean()], actor=safety_officer),
        "start": lambda: start_rectification(hazard=hazard, actor=safety_officer),
        "reopen": lambda: reopen_hazard(hazard=hazard, reason="x", actor=principal),
    }[action]
    with pytest.raises(ValidationError) as refused:
        call()
    assert first_code(refused.value) == "invalid_transition"
    hazard.refresh_from_db()
    assert hazard.status == status


def test_a_reopened_hazard_is_rectified_again_and_then_verified(safety_officer, principal, in_school_a):
    hazard = _report(safety_officer)
    rectify_hazard(hazard=hazard, notes="已处理", photos=[clean()], actor=safety_officer)
    hazard = reopen_hazard(hazard=hazard, reason="螺丝仍松动", actor=principal)
    assert hazard.status == HazardStatus.REOPENED and hazard.reopened_count == 1
    rectify_hazard(hazard=hazard, notes="更换底座", photos=[clean()], actor=safety_officer)
    assert verify_hazard(hazard=hazard, actor=principal).status == HazardStatus.VERIFIED


def test_a_deadline_before_the_report_date_is_refused(safety_officer, in_school_a):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        _report(safety_officer, deadline=today - timedelta(days=1))
    assert first_code(refused.value) == "deadline_before_report"
    assert not Hazard.objects.exists()
    hazard = _report(safety_officer)
    with pytest.raises(ValidationError):
        assign_hazard(hazard=hazard, deadline=hazard.reported_on - timedelta(days=1), actor=safety_officer)


def test_the_default_deadline_follows_the_district_setting(world, safety_officer, in_school_a):
    set_setting(district=world.district, key="safety.hazard_deadline_days",
                value={"minor": 10, "major": 4, "critical": 2}, actor=None)  # fmt: skip
    hazard = _report(safety_officer, severity=Severity.MAJOR)
    assert hazard.deadline == hazard.reported_on + timedelta(days=4)


def test_a_report_needs_a_photo(staff_a, in_school_a):
    with pytest.raises(ValidationError) as refused:
        _report(staff_a, photos=[])
    assert first_code(refused.value) == "photo_required"


def test_a_critical_hazard_is_escalated_to_the_bureau_and_the_responsible(
    school_a, inspector, principal, safety_officer, staff_a, in_school_a
):
    hazard = _report(staff_a, severity=Severity.CRITICAL, responsible=safety_officer,
                     description="教学楼外墙瓷砖大面积空鼓")  # fmt: skip
    escalation = HazardEscalation.objects.get(school=school_a, hazard_id=hazard.pk)
    assert escalation.reason == EscalationReason.CRITICAL and escalation.resolved_at is None
    told = set(Notification.objects.filter(kind="safety.hazard_escalated").values_list("user_id", flat=True))
    assert {inspector.pk, principal.pk, safety_officer.pk} <= told
    rectify_hazard(hazard=hazard, notes="已拆除空鼓瓷砖", photos=[clean()], actor=safety_officer)
    verify_hazard(hazard=hazard, actor=inspector)
    escalation.refresh_from_db()
    assert escalation.resolved_at is not None


def test_the_rectification_rate_of_a_period_16_found_11_rectified_is_69_percent(
    school_a, safety_officer, principal, in_school_a
):
    november = date(2026, 11, 2)
    hazards = [
        _report(safety_officer, reported_on=november + timedelta(days=n), photos=[clean()]) for n in range(16)
    ]
    for hazard in hazards[:11]:
        rectify_hazard(hazard=hazard, notes="已整改", photos=[clean()], actor=safety_officer)
    for hazard in hazards[:4]:
        verify_hazard(hazard=hazard, actor=principal)
    # One found in another month does not count for November.
    _report(safety_officer, reported_on=date(2026, 12, 1))

    counts = facts.rectification(date(2026, 11, 1), date(2026, 11, 30))
    assert counts == {"found": 16, "rectified": 11, "verified": 4}
    rate = facts.rectification_rate(counts["found"], counts["rectified"])
    assert rate == Decimal("68.75")
    assert facts.rate_label(rate) == "69%"
    fact = ComplianceFact.objects.get(school=school_a, key=facts.RECTIFICATION_RATE, period="2026-11")
    assert (fact.value, fact.numerator, fact.denominator) == (Decimal("68.75"), 11, 16)

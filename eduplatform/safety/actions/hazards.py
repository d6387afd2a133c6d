"""The hazard register: report, assign, rectify, verify or reopen.

found ──> rectifying ──> rectified ──> verified
  │                        ^   │
  └────────────────────────┘   └──> reopened ──> rectifying / rectified

Rules: a deadline never before the report date (default by severity, a district
setting); the responsible person is a member of the school; rectifying needs evidence
photos and notes; the verifier (or the one sending it back) is someone other than the
rectifier. A report by a bureau person is a finding of a bureau visit (督导检查), any
other is a report (随手拍, with a photo). Critical hazards go to the bureau at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.accounts.access import school_roles
from eduplatform.accounts.roles import DISTRICT_ROLES
from eduplatform.audit.trail import current_school, record_bulk_change, record_change, snapshot
from eduplatform.checklists.actions import escalate, resolve_escalations
from eduplatform.checklists.models import EscalationReason, Severity
from eduplatform.checklists.refusals import refusal, refusals
from eduplatform.safety import facts
from eduplatform.safety.models import (
    Hazard,
    HazardCategory,
    HazardPhoto,
    HazardPhotoKind,
    HazardSource,
    HazardStatus,
)
from eduplatform.safety.notices import tell_about_escalation
from eduplatform.safety.people import check_staff_member
from eduplatform.safety.settings import default_deadline_days


def default_deadline(school, severity: str, reported_on: date, days: int | None = None) -> date:
    if days is None:
        days = default_deadline_days(school.district, severity)
    return reported_on + timedelta(days=days)


def reporting_source(school, actor) -> str:
    """Who reports decides the source: a bureau person (inspector on a visit) or the school's own."""
    if getattr(actor, "pk", None) and school_roles(actor, school) & DISTRICT_ROLES:
        return HazardSource.BUREAU_VISIT
    return HazardSource.REPORT


def default_deadlines(school) -> dict[str, int]:
    """Days to rectify by severity, as the district set them (shown beside the deadline field)."""
    return {severity: default_deadline_days(school.district, severity) for severity in Severity.values}


def _check_fields(*, category, severity, location, description, source) -> dict:
    errors: dict[str, tuple[str, str]] = {}
    if category not in HazardCategory.values:
        errors["category"] = (_("请选择隐患类别。"), "invalid_category")
    if severity not in Severity.values:
        errors["severity"] = (_("请选择隐患等级。"), "invalid_severity")
    if not (location or "").strip():
        errors["location"] = (_("请填写隐患位置。"), "required")
    if not (description or "").strip():
        errors["description"] = (_("请描述隐患情况。"), "required")
    if source not in HazardSource.values:
        errors["source"] = (_("隐患来源无效。"), "invalid_source")
    if errors:
        raise refusals(errors)
    return {"location": location.strip()[:100], "description": description.strip()}


def _check_deadline(deadline: date, reported_on: date) -> None:
    if deadline < reported_on:
        raise refusal(
            "deadline",
            _("整改期限不能早于发现日期（%(date)s）。") % {"date": reported_on.isoformat()},
            "deadline_before_report",
        )


def open_hazard(
    *,
    school,
    source: str,
    category: str,
    severity: str,
    location: str,
    description: str,
    actor,
    reported_on: date,
    deadline: date | None = None,
    deadline_days: int | None = None,
    responsible=None,
    inspection_item=None,
    inspection=None,
    building=None,
    photo_names=(),
) -> Hazard:
    """Insert one hazard, with photos already stored (their names). Call inside a transaction;
    the caller audits, refreshes facts and escalates (so that many can be opened at once)."""
    deadline = deadline or default_deadline(school, severity, reported_on, deadline_days)
    _check_deadline(deadline, reported_on)
    hazard = Hazard.objects.create(
        source=source,
        category=category,
        severity=severity,
        location=location,
        description=description,
        inspection_item=inspection_item,
        inspection=inspection,
        building=building,
        reported_by=actor if getattr(actor, "pk", None) else None,
        reported_on=reported_on,
        responsible=responsible,
        deadline=deadline,
    )
    hazard.number = f"YH{reported_on:%Y%m%d}-{hazard.pk:05d}"
    hazard.save(update_fields=["number"])
    HazardPhoto.objects.bulk_create(
        HazardPhoto(hazard=hazard, kind=HazardPhotoKind.FOUND, image=name, uploaded_by=hazard.reported_by)
        for name in photo_names
    )
    return hazard


def after_opening(*, school, hazards: list[Hazard], actor, audited: bool = False) -> None:
    """Audit, facts and escalation for hazards just opened, in the same transaction.
    `audited`: the caller has recorded their "create" events with its own (one append)."""
    if not audited:
        record_bulk_change(
            actor=actor, action="create", changes=[(hazard, None) for hazard in hazards], school=school
        )
    for day in sorted({hazard.reported_on for hazard in hazards}):
        facts.refresh_hazard_facts(school, day)
    for hazard in hazards:
        if hazard.severity == Severity.CRITICAL:
            escalate_hazard(school=school, hazard=hazard, reason=EscalationReason.CRITICAL)


def escalate_hazard(*, school, hazard: Hazard, reason: str) -> bool:
    """Put the hazard on the bureau's list and tell the people concerned, once per reason."""
    _row, created = escalate(school=school, hazard=hazard, reason=reason)
    if created:
        Hazard.objects.filter(pk=hazard.pk, escalated_at__isnull=True).update(escalated_at=timezone.now())
        tell_about_escalation(school=school, hazard=hazard, reason=reason)
    return created


def report_hazard(
    *,
    category: str,
    severity: str,
    location: str,
    description: str,
    photos=(),
    actor,
    source: str | None = None,
    responsible=None,
    deadline: date | None = None,
    reported_on: date | None = None,
    building=None,
) -> Hazard:
    """Anyone's report (随手拍, with a photo) or a bureau inspector's finding on a visit
    (the source follows from who reports unless given)."""
    school = current_school()
    source = source or reporting_source(school, actor)
    values = _check_fields(
        category=category, severity=severity, location=location, description=description, source=source
    )
    if source == HazardSource.REPORT and not photos:
        raise refusal("photos", _("请拍摄或上传隐患照片。"), "photo_required")
    reported_on = reported_on or timezone.localdate()
    if deadline is not None:
        _check_deadline(deadline, reported_on)
    check_staff_member(school, responsible, "responsible")
    with transaction.atomic():
        stored = [_store(photo) for photo in photos]
        hazard = open_hazard(
            school=school, source=source, category=category, severity=severity, actor=actor,
            reported_on=reported_on, deadline=deadline, responsible=responsible, building=building,
            photo_names=stored, **values,
        )  # fmt: skip
        after_opening(school=school, hazards=[hazard], actor=actor)
    return hazard


def _store(photo) -> str:
    """Save a cleaned photo (a ContentFile) to storage and return its name."""
    field = HazardPhoto._meta.get_field("image")
    name = field.generate_filename(None, photo.name)
    return field.storage.save(name, photo, max_length=field.max_length)


def _locked(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_for_update().get(pk=hazard.pk)


def _refuse_transition(hazard: Hazard, verb: str):
    return refusal(
        "status",
        _("隐患当前为“%(status)s”，不能%(verb)s。") % {"status": hazard.get_status_display(), "verb": verb},
        "invalid_transition",
    )


def _refuse_own_work() -> Exception:
    return refusal("verifier", _("整改人不能验收自己的整改，请由其他人员验收。"), "same_person")


def assign_hazard(*, hazard: Hazard, responsible=None, deadline: date | None = None, actor) -> Hazard:
    if not hazard.can_be_reassigned:
        raise _refuse_transition(hazard, _("修改"))
    if deadline is not None:
        _check_deadline(deadline, hazard.reported_on)
    check_staff_member(current_school(), responsible, "responsible")
    with transaction.atomic():
        hazard = _locked(hazard)
        before = snapshot(hazard)
        if responsible is not None:
            hazard.responsible = responsible
        if deadline is not None:
            hazard.deadline = deadline
        hazard.save()
        record_change(actor=actor, action="assign", instance=hazard, before=before)
        facts.refresh_overdue_fact(current_school())
    return hazard


def start_rectification(*, hazard: Hazard, actor, notes: str = "") -> Hazard:
    with transaction.atomic():
        hazard = _locked(hazard)
        if not hazard.can_start_rectification:
            raise _refuse_transition(hazard, _("开始整改"))
        before = snapshot(hazard)
        hazard.status = HazardStatus.RECTIFYING
        hazard.rectification_started_at = timezone.now()
        if notes.strip():
            hazard.rectification_notes = notes.strip()
        if hazard.responsible_id is None and getattr(actor, "pk", None):
            hazard.responsible = actor
        hazard.save()
        record_change(actor=actor, action="start_rectification", instance=hazard, before=before)
    return hazard


def rectify_hazard(*, hazard: Hazard, notes: str, photos=(), actor) -> Hazard:
    """Rectified, with evidence: photos of the result and what was done."""
    errors: dict[str, tuple[str, str]] = {}
    if not photos:
        errors["photos"] = (_("请上传整改后的照片作为整改证据。"), "evidence_required")
    if not (notes or "").strip():
        errors["notes"] = (_("请填写整改措施。"), "required")
    with transaction.atomic():
        hazard = _locked(hazard)
        if not hazard.can_be_rectified:
            raise _refuse_transition(hazard, _("提交整改"))
        if errors:
            raise refusals(errors)
        before = snapshot(hazard)
        stored = [_store(photo) for photo in photos]
        HazardPhoto.objects.bulk_create(
            HazardPhoto(hazard=hazard, kind=HazardPhotoKind.EVIDENCE, image=name, uploaded_by=actor)
            for name in stored
        )
        hazard.status = HazardStatus.RECTIFIED
        hazard.rectified_by = actor
        hazard.rectified_at = timezone.now()
        hazard.rectification_notes = notes.strip()
        hazard.save()
        record_change(actor=actor, action="rectify", instance=hazard, before=before)
        facts.refresh_hazard_facts(current_school(), hazard.reported_on)
    return hazard


def verify_hazard(*, hazard: Hazard, actor, notes: str = "", photos=()) -> Hazard:
    """Accept a rectification: by someone other than the person who rectified it."""
    with transaction.atomic():
        hazard = _locked(hazard)
        if not hazard.is_awaiting_verification:
            raise _refuse_transition(hazard, _("验收"))
        if hazard.was_rectified_by(actor):
            raise _refuse_own_work()
        before = snapshot(hazard)
        stored = [_store(photo) for photo in photos]
        HazardPhoto.objects.bulk_create(
            HazardPhoto(hazard=hazard, kind=HazardPhotoKind.VERIFICATION, image=name, uploaded_by=actor)
            for name in stored
        )
        hazard.status = HazardStatus.VERIFIED
        hazard.verified_by = actor
        hazard.verified_at = timezone.now()
        hazard.verification_notes = (notes or "").strip()
        hazard.save()
        record_change(actor=actor, action="verify", instance=hazard, before=before)
        school = current_school()
        resolve_escalations(school=school, hazard=hazard)
        facts.refresh_hazard_facts(school, hazard.reported_on)
    return hazard


def reopen_hazard(*, hazard: Hazard, reason: str, actor, deadline: date | None = None) -> Hazard:
    """Send a rectification back: not good enough. The same person may not judge their own work."""
    with transaction.atomic():
        hazard = _locked(hazard)
        if not hazard.is_awaiting_verification:
            raise _refuse_transition(hazard, _("退回"))
        if hazard.was_rectified_by(actor):
            raise _refuse_own_work()
        if not (reason or "").strip():
            raise refusal("reason", _("请填写退回原因。"), "required")
        if deadline is not None:
            _check_deadline(deadline, hazard.reported_on)
        before = snapshot(hazard)
        hazard.status = HazardStatus.REOPENED
        hazard.verification_notes = reason.strip()
        hazard.reopened_count += 1
        if deadline is not None:
            hazard.deadline = deadline
        hazard.save()
        record_change(actor=actor, action="reopen", instance=hazard, before=before)
        facts.refresh_hazard_facts(current_school(), hazard.reported_on)
    return hazard

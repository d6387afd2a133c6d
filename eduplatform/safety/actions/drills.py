"""Drills (应急演练) and emergency plans (应急预案): record them, review a plan."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import current_school, record_change, snapshot
from eduplatform.checklists.refusals import refusals
from eduplatform.safety import campus_facts
from eduplatform.safety.actions.buildings import check_document
from eduplatform.safety.models import Drill, DrillKind, DrillPhoto, EmergencyPlan, PlanKind

MAX_EVACUATION_SECONDS = 24 * 60 * 60


def _count(value, field: str, label, errors, *, required: bool = True, maximum: int = 100_000):
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= maximum:
        errors[field] = (_("%(label)s应为 0 至 %(maximum)s 之间的整数。") % {"label": label, "maximum": maximum},
                         "invalid_number")  # fmt: skip
    return value


def record_drill(
    *,
    kind: str,
    title: str,
    held_on: date,
    students: int,
    staff: int,
    evacuation_seconds: int | None = None,
    evaluation: str = "",
    problems: str = "",
    photos=(),
    actor,
) -> Drill:
    """A drill held; photos are cleaned ContentFiles (eduplatform.safety.photos.clean_photo)."""
    errors: dict[str, tuple[str, str]] = {}
    if kind not in DrillKind.values:
        errors["kind"] = (_("请选择演练类型。"), "invalid_kind")
    if not (title or "").strip():
        errors["title"] = (_("请填写演练名称。"), "required")
    if held_on is None:
        errors["held_on"] = (_("请填写演练日期。"), "required")
    elif held_on > timezone.localdate():
        errors["held_on"] = (_("演练日期不能晚于今天。"), "date_in_future")
    _count(students, "students", _("参与学生人数"), errors)
    _count(staff, "staff", _("参与教职工人数"), errors)
    _count(evacuation_seconds, "evacuation_seconds", _("疏散用时"), errors, required=False,
           maximum=MAX_EVACUATION_SECONDS)  # fmt: skip
    if not errors and students + staff == 0:
        errors["students"] = (_("请填写参与演练的人数。"), "nobody_took_part")
    if errors:
        raise refusals(errors)
    with transaction.atomic():
        drill = Drill.objects.create(
            kind=kind, title=title.strip()[:100], held_on=held_on, students=students, staff=staff,
            evacuation_seconds=evacuation_seconds, evaluation=(evaluation or "").strip(),
            problems=(problems or "").strip(), recorded_by=actor if getattr(actor, "pk", None) else None,
        )  # fmt: skip
        for photo in photos:
            item = DrillPhoto(drill=drill, uploaded_by=drill.recorded_by)
            item.image.save(photo.name, photo, save=False)
            item.save()
        record_change(actor=actor, action="create", instance=drill, before=None)
        campus_facts.refresh_drill_facts(current_school(), held_on)
    return drill


def _plan_fields(*, version, approver, reviewed_on, errors) -> None:
    if not (version or "").strip():
        errors["version"] = (_("请填写预案版本。"), "required")
    if not (approver or "").strip():
        errors["approver"] = (_("请填写审批人。"), "required")
    if reviewed_on is None:
        errors["reviewed_on"] = (_("请填写审定日期。"), "required")
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = (_("审定日期不能晚于今天。"), "date_in_future")


def record_plan(
    *, kind: str, title: str, version: str, approver: str, reviewed_on: date, document=None, actor
) -> EmergencyPlan:
    errors: dict[str, tuple[str, str]] = {}
    if kind not in PlanKind.values:
        errors["kind"] = (_("请选择预案类型。"), "invalid_kind")
    if not (title or "").strip():
        errors["title"] = (_("请填写预案名称。"), "required")
    _plan_fields(version=version, approver=approver, reviewed_on=reviewed_on, errors=errors)
    if errors:
        raise refusals(errors)
    check_document(document, "document")
    with transaction.atomic():
        plan = EmergencyPlan(
            kind=kind, title=title.strip()[:100], version=version.strip()[:20], approver=approver.strip()[:50],
            reviewed_on=reviewed_on, recorded_by=actor if getattr(actor, "pk", None) else None,
        )  # fmt: skip
        if document is not None:
            plan.document.save(document.name, document, save=False)
        plan.save()
        record_change(actor=actor, action="create", instance=plan, before=None)
        campus_facts.refresh_plan_facts(current_school())
    return plan


def review_plan(
    *, plan: EmergencyPlan, version: str, approver: str, reviewed_on: date, document=None, actor
) -> EmergencyPlan:
    """The yearly review: a new version (or the same one confirmed), its approver and date."""
    errors: dict[str, tuple[str, str]] = {}
    _plan_fields(version=version, approver=approver, reviewed_on=reviewed_on, errors=errors)
    if not errors and reviewed_on < plan.reviewed_on:
        errors["reviewed_on"] = (
            _("审定日期不能早于上次审定（%(date)s）。") % {"date": plan.reviewed_on.isoformat()},
            "before_last_review",
        )
    if errors:
        raise refusals(errors)
    check_document(document, "document")
    with transaction.atomic():
        plan = EmergencyPlan.objects.select_for_update().get(pk=plan.pk)
        before = snapshot(plan)
        plan.version = version.strip()[:20]
        plan.approver = approver.strip()[:50]
        plan.reviewed_on = reviewed_on
        if document is not None:
            plan.document.save(document.name, document, save=False)
        plan.save()
        record_change(actor=actor, action="review", instance=plan, before=before)
        campus_facts.refresh_plan_facts(current_school())
    return plan

"""The building register (校舍): register a building, record an assessment.

Grade D (整体危险) seals the building at once and opens one critical hazard through the
hazard register (which escalates it to the bureau). A sealed building is unsealed only by
a later assessment graded A to C; an assessment is never dated before the last one, so the
register's current grade is always the latest assessment's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import current_school, record_change, snapshot
from eduplatform.checklists.models import Severity
from eduplatform.checklists.refusals import refusal, refusals
from eduplatform.safety import campus_facts
from eduplatform.safety.actions.hazards import after_opening, open_hazard
from eduplatform.safety.models import (
    Building,
    BuildingAssessment,
    BuildingStructure,
    DangerGrade,
    HazardCategory,
    HazardSource,
)

REPORT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx")
MAX_REPORT_BYTES = 20 * 1024 * 1024


def check_document(upload, field: str) -> None:
    """A report or plan file: a known document type, at most 20 MB."""
    if upload is None:
        return
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(REPORT_EXTENSIONS):
        raise refusal(field, _("请上传 PDF、Word 或图片格式的文件。"), "document_format")
    if (getattr(upload, "size", 0) or 0) > MAX_REPORT_BYTES:
        raise refusal(field, _("文件不能超过 20 MB。"), "document_too_large")


def _building_fields(*, name, built_year, structure, floors, area) -> dict:
    errors: dict[str, tuple[str, str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = (_("请填写校舍名称。"), "required")
    this_year = timezone.localdate().year
    if not isinstance(built_year, int) or not 1900 <= built_year <= this_year:
        errors["built_year"] = (
            _("建成年份应在 1900 至 %(year)s 之间。") % {"year": this_year},
            "invalid_year",
        )
    if structure not in BuildingStructure.values:
        errors["structure"] = (_("请选择结构类型。"), "invalid_structure")
    if not isinstance(floors, int) or not 1 <= floors <= 100:
        errors["floors"] = (_("层数应在 1 至 100 之间。"), "invalid_floors")
    try:
        area = Decimal(str(area))
        if not area.is_finite() or area <= 0 or area >= Decimal("100000000"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["area"] = (_("建筑面积应为大于 0 的数字。"), "invalid_area")
    if not errors and Building.objects.filter(name=name).exists():
        errors["name"] = (_("已有同名校舍。"), "duplicate_name")
    if errors:
        raise refusals(errors)
    return {"name": name[:100], "built_year": built_year, "structure": structure, "floors": floors,
            "area": area.quantize(Decimal("0.01"))}  # fmt: skip


def register_building(
    *, name: str, built_year: int, structure: str, floors: int, area, usage: str = "", actor
) -> Building:
    values = _building_fields(name=name, built_year=built_year, structure=structure, floors=floors, area=area)
    try:
        with transaction.atomic():
            building = Building.objects.create(**values, usage=(usage or "").strip()[:50])
            record_change(actor=actor, action="create", instance=building, before=None)
            campus_facts.refresh_building_facts(current_school())
    except IntegrityError:
        raise refusal("name", _("已有同名校舍。"), "duplicate_name") from None
    return building


def record_assessment(
    *,
    building: Building,
    grade: str,
    assessed_on: date,
    assessor: str,
    report=None,
    notes: str = "",
    actor,
) -> BuildingAssessment:
    """Record a danger-grade assessment (or six-monthly check) of a building."""
    errors: dict[str, tuple[str, str]] = {}
    if grade not in DangerGrade.values:
        errors["grade"] = (_("请选择危险性等级（A-D）。"), "invalid_grade")
    if not (assessor or "").strip():
        errors["assessor"] = (_("请填写鉴定单位或鉴定人。"), "required")
    if assessed_on is None:
        errors["assessed_on"] = (_("请填写鉴定日期。"), "required")
    elif assessed_on > timezone.localdate():
        errors["assessed_on"] = (_("鉴定日期不能晚于今天。"), "date_in_future")
    if errors:
        raise refusals(errors)
    check_document(report, "report")
    school = current_school()
    with transaction.atomic():
        building = Building.objects.select_for_update().get(pk=building.pk)
        if building.assessed_on is not None and assessed_on < building.assessed_on:
            raise refusal(
                "assessed_on",
                _("鉴定日期不能早于上次鉴定（%(date)s）。") % {"date": building.assessed_on.isoformat()},
                "before_last_assessment",
            )
        if building.is_sealed and grade != DangerGrade.D and assessed_on <= building.assessed_on:
            raise refusal(
                "assessed_on",
                _("该校舍已封闭停用，须有晚于 D 级鉴定（%(date)s）的新鉴定方可解除封闭。")
                % {"date": building.assessed_on.isoformat()},
                "unseal_needs_later_assessment",
            )
        before = snapshot(building)
        assessment = BuildingAssessment(
            building=building, grade=grade, assessed_on=assessed_on, assessor=assessor.strip()[:100],
            notes=(notes or "").strip(), recorded_by=actor if getattr(actor, "pk", None) else None,
        )  # fmt: skip
        if report is not None:
            assessment.report.save(report.name, report, save=False)
        assessment.save()
        record_change(actor=actor, action="create", instance=assessment, before=None)
        building.grade = grade
        building.assessed_on = assessed_on
        building.last_checked_on = assessed_on
        building.assessor = assessment.assessor
        if assessment.report:
            building.report = assessment.report.name
        becomes_sealed = grade == DangerGrade.D and not building.is_sealed
        if grade == DangerGrade.D:
            building.is_sealed = True
            building.sealed_at = building.sealed_at or timezone.now()
        else:
            building.is_sealed = False
            building.sealed_at = None
        building.save()
        record_change(
            actor=actor, action="seal" if becomes_sealed else "assess", instance=building, before=before
        )
        if becomes_sealed:
            _open_sealing_hazard(school=school, building=building, assessed_on=assessed_on, actor=actor)
        campus_facts.refresh_building_facts(school)
    return assessment


def _open_sealing_hazard(*, school, building: Building, assessed_on: date, actor) -> None:
    """One critical hazard per sealing: the building stays on the register until rectified."""
    reported_on = max(assessed_on, timezone.localdate())
    hazard = open_hazard(
        school=school,
        source=HazardSource.BUILDING,
        category=HazardCategory.BUILDING,
        severity=Severity.CRITICAL,
        location=building.name,
        description=_("%(name)s 经鉴定为 D 级危房（整体危险），已停止使用并封闭。") % {"name": building.name},
        actor=actor,
        reported_on=reported_on,
        building=building,
    )
    after_opening(school=school, hazards=[hazard], actor=actor)

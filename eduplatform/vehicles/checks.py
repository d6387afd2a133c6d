"""Pre-departure checks (出车前检查): which template, and whether a vehicle may leave today.

The check is a safety inspection started from the district's school-vehicle template (the
seeded library's "校车出车前安全检查", or another school-vehicle template in force for the
school). A vehicle may leave on a day when its latest check submitted that day has no
failed item that blocks departure: a failed item whose severity on failure is major or
critical. The bureau decides which items are that grave when it edits the template; a
minor failure still opens its hazard, as in any inspection, but does not keep the bus in.
"""

from __future__ import annotations

from datetime import date

from eduplatform.checklists.access import templates_for_school
from eduplatform.checklists.models import ChecklistTemplate, Severity, TemplateCategory
from eduplatform.safety.models import InspectionItem, InspectionStatus
from eduplatform.vehicles.models import Vehicle, VehicleCheck

LIBRARY_KEY = "vehicle-pre-departure"
BLOCKING_SEVERITIES = (Severity.MAJOR, Severity.CRITICAL)


def pre_departure_template(school) -> ChecklistTemplate | None:
    templates = templates_for_school(school).filter(category=TemplateCategory.VEHICLE)
    return (
        templates.filter(library_key=LIBRARY_KEY).order_by("id").first() or templates.order_by("id").first()
    )


def latest_check(vehicle: Vehicle, day: date) -> VehicleCheck | None:
    """The vehicle's check submitted last on `day`, if any."""
    return (
        VehicleCheck.objects.filter(
            vehicle=vehicle, inspection__status=InspectionStatus.SUBMITTED, inspection__performed_on=day
        )
        .select_related("inspection")
        .order_by("-inspection__submitted_at", "-id")
        .first()
    )


def blocking_items(check: VehicleCheck) -> list[InspectionItem]:
    return list(
        InspectionItem.objects.filter(
            inspection_id=check.inspection_id, is_failed=True, severity_on_failure__in=BLOCKING_SEVERITIES
        ).order_by("position")
    )


def checked_vehicle_ids(day: date) -> set[int]:
    """Vehicles with a check submitted on `day` (whatever its result)."""
    return set(
        VehicleCheck.objects.filter(
            inspection__status=InspectionStatus.SUBMITTED, inspection__performed_on=day
        ).values_list("vehicle_id", flat=True)
    )

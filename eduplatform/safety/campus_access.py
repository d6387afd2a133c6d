"""Who may see the school's buildings, drills, emergency plans and visitor log.

Buildings, drills and plans: whoever watches safety in the school (or its bureau). The
visitor log: the gate and the safety officer (Capability.VISITORS_RECORD); the full ID
number only to Capability.VISITORS_IDENTITY. Anything else is a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from eduplatform.accounts.roles import Capability
from eduplatform.safety.access import _one
from eduplatform.safety.models import (
    Agreement,
    Building,
    BuildingAssessment,
    Drill,
    DrillPhoto,
    EmergencyPlan,
    Visitor,
)


def buildings_for_user(user, capabilities) -> QuerySet[Building]:
    return Building.objects.all() if Capability.SAFETY_VIEW in capabilities else Building.objects.none()


def building_for_user(user, capabilities, pk) -> Building:
    return _one(buildings_for_user(user, capabilities), pk)


def assessment_for_user(user, capabilities, pk) -> BuildingAssessment:
    return _one(BuildingAssessment.objects.filter(building__in=buildings_for_user(user, capabilities)), pk)


def drills_for_user(user, capabilities) -> QuerySet[Drill]:
    return Drill.objects.all() if Capability.SAFETY_VIEW in capabilities else Drill.objects.none()


def drill_for_user(user, capabilities, pk) -> Drill:
    return _one(drills_for_user(user, capabilities), pk)


def drill_photo_for_user(user, capabilities, pk) -> DrillPhoto:
    return _one(DrillPhoto.objects.filter(drill__in=drills_for_user(user, capabilities)), pk)


def plans_for_user(user, capabilities) -> QuerySet[EmergencyPlan]:
    return (
        EmergencyPlan.objects.all()
        if Capability.SAFETY_VIEW in capabilities
        else EmergencyPlan.objects.none()
    )


def plan_for_user(user, capabilities, pk) -> EmergencyPlan:
    return _one(plans_for_user(user, capabilities), pk)


def visitors_for_user(user, capabilities) -> QuerySet[Visitor]:
    if Capability.VISITORS_RECORD not in capabilities:
        return Visitor.objects.none()
    # Whoever sees masked numbers never has the full one decrypted for them.
    return Visitor.objects.all() if may_see_identity(capabilities) else Visitor.objects.defer("id_number")


def visitor_for_user(user, capabilities, pk) -> Visitor:
    return _one(visitors_for_user(user, capabilities), pk)


def may_see_identity(capabilities) -> bool:
    return Capability.VISITORS_IDENTITY in capabilities


def shown_id_number(visitor: Visitor, capabilities) -> str:
    """The full number to the safety officer; to anyone else, masked but for the last four."""
    return visitor.id_number if may_see_identity(capabilities) else visitor.masked_id_number


def agreements_for_user(user, capabilities) -> QuerySet[Agreement]:
    return Agreement.objects.all() if Capability.SAFETY_VIEW in capabilities else Agreement.objects.none()


def agreement_for_user(user, capabilities, pk) -> Agreement:
    return _one(agreements_for_user(user, capabilities), pk)


def can_record_agreement(user, capabilities, *, signer=None, department=None, contractor: str = "") -> bool:
    """Anyone may sign their own agreement; recording one for someone else, a department or a
    contractor (an uploaded scan) is for those who record safety."""
    is_own = (
        signer is not None
        and signer.pk == getattr(user, "pk", None)
        and department is None
        and not contractor
    )
    return is_own or Capability.SAFETY_RECORD in capabilities


def department_for_school(pk, field: str = "department"):
    """A department of this school to sign for, or a refusal on `field`."""
    from eduplatform.checklists.refusals import refusal
    from eduplatform.organisation.access import departments_for_school

    department = departments_for_school().filter(pk=pk).first() if str(pk).isdigit() else None
    if department is None:
        raise refusal(field, _("请选择本校的部门。"), "invalid_department")
    return department

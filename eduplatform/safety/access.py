"""Who may see which safety records of the school whose schema the request is in.

The school itself was checked by routing and membership (or the API's permission class);
these helpers decide within it, from the person's capabilities there. Anything a person
may not see is a 404, the same as a record that does not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from eduplatform.accounts.roles import Capability
from eduplatform.safety.models import (
    Hazard,
    HazardPhoto,
    Inspection,
    InspectionItem,
    InspectionPhoto,
    InspectionResponsibility,
    LocalItem,
    LocalTemplate,
)


def _as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such object") from None


def _one(queryset, pk):
    found = queryset.filter(pk=_as_id(pk)).first()
    if found is None:
        raise Http404("No such object")
    return found


def inspections_for_user(user, capabilities) -> QuerySet[Inspection]:
    if Capability.SAFETY_VIEW in capabilities:
        return Inspection.objects.all()
    if Capability.SAFETY_RECORD in capabilities:
        return Inspection.objects.filter(inspector_id=getattr(user, "pk", None))
    return Inspection.objects.none()


def inspection_for_user(user, capabilities, pk) -> Inspection:
    return _one(inspections_for_user(user, capabilities), pk)


def inspection_item_for_user(user, capabilities, inspection: Inspection, pk) -> InspectionItem:
    return _one(InspectionItem.objects.filter(inspection=inspection).select_related("inspection"), pk)


def inspection_photo_for_user(user, capabilities, pk) -> InspectionPhoto:
    return _one(
        InspectionPhoto.objects.filter(
            item__inspection__in=inspections_for_user(user, capabilities)
        ).select_related("item__inspection"),
        pk,
    )


def signed_item_for_user(user, capabilities, pk) -> InspectionItem:
    return _one(InspectionItem.objects.filter(inspection__in=inspections_for_user(user, capabilities)), pk)


def hazards_for_user(user, capabilities) -> QuerySet[Hazard]:
    """Everything to those who watch safety; to anyone else, what they reported or must fix."""
    if Capability.SAFETY_VIEW in capabilities:
        return Hazard.objects.all()
    if Capability.HAZARDS_REPORT in capabilities:
        pk = getattr(user, "pk", None)
        return Hazard.objects.filter(Q(reported_by_id=pk) | Q(responsible_id=pk))
    return Hazard.objects.none()


def hazard_for_user(user, capabilities, pk) -> Hazard:
    return _one(hazards_for_user(user, capabilities), pk)


def hazard_photo_for_user(user, capabilities, pk) -> HazardPhoto:
    return _one(HazardPhoto.objects.filter(hazard__in=hazards_for_user(user, capabilities)), pk)


def can_rectify(user, capabilities, hazard: Hazard) -> bool:
    return Capability.SAFETY_RECORD in capabilities or hazard.responsible_id == getattr(user, "pk", None)


def can_verify(user, capabilities, hazard: Hazard) -> bool:
    """May judge a rectification (verify it or send it back); never one's own (the action refuses)."""
    return Capability.HAZARDS_VERIFY in capabilities


def can_assign(user, capabilities, hazard: Hazard) -> bool:
    """May change who is responsible and the deadline."""
    return Capability.SAFETY_RECORD in capabilities


def can_manage_templates(user, capabilities) -> bool:
    """May add the school's own templates and items and say who does which inspection."""
    return Capability.SAFETY_RECORD in capabilities


def local_templates_for_school() -> QuerySet[LocalTemplate]:
    return LocalTemplate.objects.all()


def local_template_for_school(pk) -> LocalTemplate:
    return _one(LocalTemplate.objects.all(), pk)


def local_item_for_school(pk) -> LocalItem:
    return _one(LocalItem.objects.all(), pk)


def local_items_for_school() -> QuerySet[LocalItem]:
    """The school's own items: of its templates, and those added after a district template's."""
    return LocalItem.objects.all()


def responsibilities_for_school() -> QuerySet[InspectionResponsibility]:
    return InspectionResponsibility.objects.select_related("template", "local_template", "person")


def responsibility_for_school(pk) -> InspectionResponsibility:
    return _one(responsibilities_for_school(), pk)

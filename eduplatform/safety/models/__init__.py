from eduplatform.safety.models.agreements import Agreement, AgreementParty, SignatureMethod
from eduplatform.safety.models.campus import Building, BuildingAssessment, BuildingStructure, DangerGrade
from eduplatform.safety.models.drills import Drill, DrillKind, DrillPhoto, EmergencyPlan, PlanKind
from eduplatform.safety.models.hazards import (
    OPEN_STATUSES,
    RECTIFIED_STATUSES,
    Hazard,
    HazardCategory,
    HazardPhoto,
    HazardPhotoKind,
    HazardSource,
    HazardStatus,
)
from eduplatform.safety.models.inspections import (
    Inspection,
    InspectionItem,
    InspectionPhoto,
    InspectionResponsibility,
    InspectionStatus,
    LocalItem,
    LocalTemplate,
)
from eduplatform.safety.models.visitors import Visitor

__all__ = [
    "OPEN_STATUSES",
    "RECTIFIED_STATUSES",
    "Agreement",
    "AgreementParty",
    "Building",
    "BuildingAssessment",
    "BuildingStructure",
    "DangerGrade",
    "Drill",
    "DrillKind",
    "DrillPhoto",
    "EmergencyPlan",
    "Hazard",
    "HazardCategory",
    "HazardPhoto",
    "HazardPhotoKind",
    "HazardSource",
    "HazardStatus",
    "Inspection",
    "InspectionItem",
    "InspectionPhoto",
    "InspectionResponsibility",
    "InspectionStatus",
    "LocalItem",
    "LocalTemplate",
    "PlanKind",
    "SignatureMethod",
    "Visitor",
]

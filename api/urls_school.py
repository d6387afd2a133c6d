from django.urls import path
from rest_framework.routers import SimpleRouter

from api import assets, duty, safety_templates, vehicles
from api.organisation import DepartmentViewSet
from api.safety import HazardViewSet, InspectionViewSet, SchoolTemplateViewSet
from api.safety_campus import (
    AgreementViewSet,
    BuildingViewSet,
    DrillViewSet,
    EmergencyPlanViewSet,
    VisitorViewSet,
)
from api.schools import CurrentSchoolView

app_name = "school-api"

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("assets/cards", assets.AssetViewSet, basename="asset")
router.register("assets/movements", assets.MovementViewSet, basename="asset-movement")
router.register("assets/damage-reports", assets.DamageReportViewSet, basename="asset-damage-report")
router.register("assets/disposal-requests", assets.DisposalRequestViewSet, basename="asset-disposal-request")
router.register("assets/consumables", assets.ConsumableViewSet, basename="asset-consumable")
router.register(
    "assets/consumable-movements", assets.ConsumableMovementViewSet, basename="asset-consumable-movement"
)
router.register("assets/stocktakes", assets.StocktakeViewSet, basename="asset-stocktake")
router.register("assets/locations", assets.LocationViewSet, basename="asset-location")
router.register("assets/classes", assets.SchoolClassViewSet, basename="asset-class")
router.register("assets/class-property-lists", assets.PropertyListViewSet, basename="asset-property-list")
router.register("assets/imports", assets.ImportJobViewSet, basename="asset-import")
router.register("assets/classification-codes", assets.SchoolCodeViewSet, basename="asset-classification-code")
router.register("safety/templates", SchoolTemplateViewSet, basename="safety-template")
router.register(
    "safety/local-templates", safety_templates.LocalTemplateViewSet, basename="safety-local-template"
)
router.register("safety/local-items", safety_templates.LocalItemViewSet, basename="safety-local-item")
router.register(
    "safety/responsibilities", safety_templates.ResponsibilityViewSet, basename="safety-responsibility"
)
router.register("safety/inspections", InspectionViewSet, basename="safety-inspection")
router.register("safety/hazards", HazardViewSet, basename="safety-hazard")
router.register("safety/buildings", BuildingViewSet, basename="safety-building")
router.register("safety/visitors", VisitorViewSet, basename="safety-visitor")
router.register("safety/drills", DrillViewSet, basename="safety-drill")
router.register("safety/plans", EmergencyPlanViewSet, basename="safety-plan")
router.register("safety/agreements", AgreementViewSet, basename="safety-agreement")
router.register("duty/shifts", duty.ShiftViewSet, basename="duty-shift")
router.register("duty/logs", duty.DutyLogViewSet, basename="duty-log")
router.register("duty/handovers", duty.HandoverViewSet, basename="duty-handover")
router.register("vehicles/vehicles", vehicles.VehicleViewSet, basename="vehicle")
router.register("vehicles/drivers", vehicles.DriverViewSet, basename="vehicle-driver")
router.register("vehicles/trips", vehicles.TripViewSet, basename="vehicle-trip")

urlpatterns = [
    path("school/", CurrentSchoolView.as_view(), name="current-school"),
    *router.urls,
]

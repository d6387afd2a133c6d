"""Who may see and do what with the school's vehicles, drivers and trips.

Vehicles, drivers and every trip: whoever watches safety in the school or its bureau
(Capability.SAFETY_VIEW); managing them: Capability.SAFETY_RECORD. A school member named
escort (照管员) on a trip sees that trip and records its headcounts. A driver's full ID and
licence numbers only to Capability.VISITORS_IDENTITY (the safety officer); to anyone else
they are never decrypted. Anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from eduplatform.accounts.roles import Capability
from eduplatform.safety.access import _one
from eduplatform.safety.models import InspectionItem
from eduplatform.vehicles.checks import BLOCKING_SEVERITIES
from eduplatform.vehicles.models import Driver, Trip, Vehicle, VehicleCheck

SECRET_FIELDS = ("id_number", "licence_number")


def vehicles_for_user(user, capabilities) -> QuerySet[Vehicle]:
    return Vehicle.objects.all() if Capability.SAFETY_VIEW in capabilities else Vehicle.objects.none()


def vehicle_for_user(user, capabilities, pk) -> Vehicle:
    return _one(vehicles_for_user(user, capabilities), pk)


def may_see_identity(capabilities) -> bool:
    return Capability.VISITORS_IDENTITY in capabilities


def drivers_for_user(user, capabilities) -> QuerySet[Driver]:
    if Capability.SAFETY_VIEW not in capabilities:
        return Driver.objects.none()
    return Driver.objects.all() if may_see_identity(capabilities) else Driver.objects.defer(*SECRET_FIELDS)


def driver_for_user(user, capabilities, pk) -> Driver:
    return _one(drivers_for_user(user, capabilities), pk)


def shown_id_number(driver: Driver, capabilities) -> str:
    return driver.id_number if may_see_identity(capabilities) else driver.masked_id_number


def shown_licence_number(driver: Driver, capabilities) -> str:
    return driver.licence_number if may_see_identity(capabilities) else driver.masked_licence_number


def trips_for_user(user, capabilities) -> QuerySet[Trip]:
    """Every trip to those who watch safety; to any other member, the trips they escort."""
    trips = Trip.objects.select_related("vehicle", "driver", "escort").defer(
        *(f"driver__{name}" for name in SECRET_FIELDS)
    )
    if Capability.SAFETY_VIEW in capabilities:
        return trips
    if Capability.SCHOOL_VIEW in capabilities and getattr(user, "pk", None):
        return trips.filter(escort_id=user.pk)
    return trips.none()


def trip_for_user(user, capabilities, pk) -> Trip:
    return _one(trips_for_user(user, capabilities), pk)


def may_manage(capabilities) -> bool:
    return Capability.SAFETY_RECORD in capabilities


def may_record_headcounts(user, capabilities, trip: Trip) -> bool:
    """The escort named on the trip, or whoever records safety."""
    return may_manage(capabilities) or (getattr(user, "pk", None) is not None and trip.escort_id == user.pk)


def checks_of(vehicle: Vehicle) -> QuerySet[VehicleCheck]:
    """The vehicle's checks, newest first, each with `is_blocking` (a failed item keeps it in)."""
    blocking = InspectionItem.objects.filter(
        inspection_id=OuterRef("inspection_id"), is_failed=True, severity_on_failure__in=BLOCKING_SEVERITIES
    )
    return (
        vehicle.checks.select_related("inspection", "inspection__inspector")
        .annotate(is_blocking=Exists(blocking))
        .order_by("-created_at", "-id")
    )

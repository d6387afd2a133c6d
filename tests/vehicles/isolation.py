"""School A's vehicle records for the isolation matrix (tests/isolation/test_matrix.py).

Every record is named with the matrix's marker, so that a page or endpoint showing it to
an outsider fails the matrix. Returns the ids the routes in tests/isolation/routes.py use.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.vehicles.models import Driver, HeadcountMismatch, Trip, Vehicle
from tests.world import make_user


def make_vehicle_records(school, marker: str) -> dict[str, int]:
    # No password: nobody logs in as the escort.
    escort = make_user(Role.STAFF, school=school, password=None, name=f"{marker}-escort")
    today = timezone.localdate()
    with schema_context(school.schema_name):
        vehicle = Vehicle.objects.create(
            plate="沪A54321", kind="school_bus", seats=19, make_model=marker, operator=marker,
            last_inspected_on=today, insurance_expires_on=today + timedelta(days=300),
        )  # fmt: skip
        driver = Driver.objects.create(
            name=marker, phone="13800138000", id_number="11010519800101123X", id_number_last4="123X",
            date_of_birth=date(1980, 1, 1), licence_number="11010519800101123X", licence_number_last4="123X",
            licence_class="B1", licence_expires_on=today + timedelta(days=300),
        )  # fmt: skip
        trip = Trip.objects.create(
            vehicle=vehicle, driver=driver, escort_id=escort.pk, route=marker, planned_departure_at=timezone.now(),
            status="under_way", boarding_count=10, departed_at=timezone.now(),
        )  # fmt: skip
        HeadcountMismatch.objects.create(trip=trip, boarding_count=10, leaving_count=9)
    return {"vehicle": vehicle.pk, "driver": driver.pk, "trip": trip.pk}

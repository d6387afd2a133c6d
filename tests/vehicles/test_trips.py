from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from eduplatform.notifications.models import Notification
from eduplatform.safety.models import Hazard, Inspection
from eduplatform.vehicles import checks
from eduplatform.vehicles.actions import (
    cancel_trip,
    close_trip,
    correct_boarding_count,
    start_trip,
    start_vehicle_check,
)
from eduplatform.vehicles.models import Driver, HeadcountMismatch, Trip, Vehicle, VehicleCheck
from tests.vehicles.conftest import (
    at,
    make_driver,
    make_vehicle,
    plan,
    submit_check,
    today,
    years_before,
)


def codes(error: ValidationError, field: str) -> list[str]:
    return [item.code for item in error.error_dict.get(field, [])]


def test_a_trip_is_planned_started_and_closed_when_the_headcounts_match(ready, safety_officer, escort):
    trip = start_trip(trip=ready["trip"], boarding_count=19, actor=escort)
    assert (trip.status, trip.boarding_count, trip.started_by_id) == ("under_way", 19, escort.pk)
    assert trip.vehicle_check.vehicle_id == ready["vehicle"].pk and trip.departed_at is not None
    trip = close_trip(trip=trip, leaving_count=19, actor=escort)
    trip.refresh_from_db()
    assert (trip.status, trip.leaving_count, trip.closed_by_id) == ("closed", 19, escort.pk)
    assert not HeadcountMismatch.objects.exists()


def test_a_headcount_mismatch_is_refused_the_trip_stays_open_and_the_officers_are_told_at_once(
    ready, safety_officer, principal, escort
):
    trip = start_trip(trip=ready["trip"], boarding_count=18, actor=escort)
    with pytest.raises(ValidationError) as refused:
        close_trip(trip=trip, leaving_count=17, actor=escort)
    assert codes(refused.value, "leaving_count") == ["headcount_mismatch"]
    trip.refresh_from_db()
    assert trip.status == "under_way" and trip.leaving_count is None and trip.closed_at is None
    mismatch = HeadcountMismatch.objects.get()
    assert (mismatch.boarding_count, mismatch.leaving_count, mismatch.resolved_at) == (18, 17, None)
    alarms = Notification.objects.filter(kind="vehicles.headcount_mismatch")
    assert {alarm.user_id for alarm in alarms} == {safety_officer.pk, principal.pk}
    assert all(
        alarm.severity == "danger" and alarm.url.endswith(f"/vehicles/trips/{trip.pk}/") for alarm in alarms
    )
    # The same count again is recorded, but nobody is told twice.
    with pytest.raises(ValidationError):
        close_trip(trip=trip, leaving_count=17, actor=escort)
    assert HeadcountMismatch.objects.count() == 2 and alarms.count() == 2

    # Every child found: the boarding count was wrong. Only with a reason.
    with pytest.raises(ValidationError) as refused:
        correct_boarding_count(trip=trip, boarding_count=17, reason=" ", actor=safety_officer)
    assert codes(refused.value, "reason") == ["required"]
    correct_boarding_count(
        trip=trip, boarding_count=17, reason="张同学上车前被家长接走，已电话核实", actor=safety_officer
    )
    closed = close_trip(trip=trip, leaving_count=17, actor=escort)
    assert closed.status == "closed" and closed.leaving_count == closed.boarding_count == 17
    assert HeadcountMismatch.objects.filter(resolved_at__isnull=True).count() == 0


def test_a_closed_trip_always_has_matching_headcounts_in_the_database(ready, escort):
    trip = start_trip(trip=ready["trip"], boarding_count=10, actor=escort)
    with pytest.raises(IntegrityError), transaction.atomic():
        Trip.objects.filter(pk=trip.pk).update(status="closed", leaving_count=9)


@pytest.mark.parametrize(("boarding", "allowed"), [(19, True), (20, False)])
def test_no_more_children_than_seats(ready, escort, boarding, allowed):
    if allowed:
        assert start_trip(trip=ready["trip"], boarding_count=boarding, actor=escort).status == "under_way"
    else:
        with pytest.raises(ValidationError) as refused:
            start_trip(trip=ready["trip"], boarding_count=boarding, actor=escort)
        assert codes(refused.value, "boarding_count") == ["seats_exceeded"]
        assert Trip.objects.get().status == "planned"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"last_inspected_on": -200}, "vehicle", "inspection_overdue"),
        ({"insurance_expires_on": -1}, "vehicle", "insurance_expired"),
        ({"status": "out_of_service"}, "vehicle", "vehicle_out_of_service"),
    ],
)
def test_the_vehicles_papers_are_checked_at_departure(ready, escort, change, field, code):
    values = {
        name: (today() + timedelta(days=value)) if isinstance(value, int) else value
        for name, value in change.items()
    }
    Vehicle.objects.filter(pk=ready["vehicle"].pk).update(**values)
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=ready["trip"], boarding_count=10, actor=escort)
    assert code in codes(refused.value, field)
    assert Trip.objects.get().status == "planned"


def test_papers_valid_through_their_last_day(ready, escort):
    # Inspected six months ago today: due today, still valid; insurance ends today: valid.
    from eduplatform.safety.buildings import add_months

    Vehicle.objects.filter(pk=ready["vehicle"].pk).update(
        last_inspected_on=add_months(today(), -6) if today().day <= 28 else today() - timedelta(days=150),
        insurance_expires_on=today(),
    )
    Driver.objects.filter(pk=ready["driver"].pk).update(licence_expires_on=today())
    assert start_trip(trip=ready["trip"], boarding_count=5, actor=escort).status == "under_way"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"licence_expires_on": -1}, "licence_expired"),
        ({"is_active": False}, "driver_inactive"),
        ({"licence_class": "C1"}, "licence_class_mismatch"),
        ({"date_of_birth": "61"}, "driver_age"),
        ({"date_of_birth": "24"}, "driver_age"),
    ],
)
def test_the_driver_is_checked_at_departure(ready, escort, change, code):
    values = {}
    for name, value in change.items():
        if name == "date_of_birth":
            values[name] = years_before(today(), 61) if value == "61" else years_before(today(), 24)
        elif name == "licence_expires_on":
            values[name] = today() + timedelta(days=value)
        else:
            values[name] = value
    Driver.objects.filter(pk=ready["driver"].pk).update(**values)
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=ready["trip"], boarding_count=10, actor=escort)
    assert code in codes(refused.value, "driver")


@pytest.mark.parametrize(("years", "days", "allowed"), [(25, 0, True), (61, 1, True), (61, 0, False)])
def test_age_boundaries_on_the_day_of_the_trip(ready, escort, years, days, allowed):
    Driver.objects.filter(pk=ready["driver"].pk).update(
        date_of_birth=years_before(today() + timedelta(days=days), years)
    )
    if allowed:
        assert start_trip(trip=ready["trip"], boarding_count=10, actor=escort).status == "under_way"
    else:
        with pytest.raises(ValidationError) as refused:
            start_trip(trip=ready["trip"], boarding_count=10, actor=escort)
        assert codes(refused.value, "driver") == ["driver_age"]


def test_a_trip_cannot_be_assigned_to_a_driver_outside_25_to_60_on_its_day(
    in_school_a, safety_officer, escort
):
    vehicle = make_vehicle(safety_officer)
    # 61 in ten days: today's trip is fine, a trip in ten days is not.
    driver = make_driver(safety_officer, born=years_before(today() + timedelta(days=10), 61))
    assert plan(vehicle, driver, escort, safety_officer).status == "planned"
    with pytest.raises(ValidationError) as refused:
        plan(vehicle, driver, escort, safety_officer, day=today() + timedelta(days=10))
    assert codes(refused.value, "driver") == ["driver_age"]
    # A licence valid through today: not for tomorrow's trip.
    Driver.objects.filter(pk=driver.pk).update(licence_expires_on=today())
    driver.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        plan(vehicle, driver, escort, safety_officer, day=today() + timedelta(days=1))
    assert codes(refused.value, "driver") == ["licence_expired"]
    assert Trip.objects.count() == 1


def test_planning_refusals(in_school_a, safety_officer, escort, member_b):
    vehicle = make_vehicle(safety_officer)
    driver = make_driver(safety_officer, user=escort)
    small_car = make_driver(safety_officer, licence_class="C1", sequence="456", name="赵师傅")
    cases = [
        ({"escort": member_b}, "escort", "escort_not_member"),
        ({"escort": escort}, "escort", "escort_is_driver"),
        ({"driver": small_car, "escort": safety_officer}, "driver", "licence_class_mismatch"),
        ({"route": " ", "escort": safety_officer}, "route", "required"),
        ({"planned_departure_at": at(today() - timedelta(days=1)), "escort": safety_officer},
         "planned_departure_at", "departure_in_past"),
    ]  # fmt: skip
    for fields, field, code in cases:
        values = {"vehicle": vehicle, "driver": driver, **fields}
        with pytest.raises(ValidationError) as refused:
            plan(values.pop("vehicle"), values.pop("driver"), values.pop("escort"), safety_officer, **values)
        assert code in codes(refused.value, field), (fields, refused.value)
    Vehicle.objects.filter(pk=vehicle.pk).update(status="out_of_service")
    vehicle.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        plan(vehicle, driver, safety_officer, safety_officer)
    assert codes(refused.value, "vehicle") == ["vehicle_out_of_service"]
    assert Trip.objects.count() == 0


def test_a_trip_starts_only_on_its_day(in_school_a, safety_officer, escort, vehicle_template):
    vehicle, driver = make_vehicle(safety_officer), make_driver(safety_officer)
    submit_check(vehicle, safety_officer)
    trip = plan(vehicle, driver, escort, safety_officer, day=today() + timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=trip, boarding_count=10, actor=escort)
    assert codes(refused.value, "planned_departure_at") == ["not_trip_day"]


def test_no_departure_without_todays_pre_departure_check(
    in_school_a, safety_officer, escort, vehicle_template
):
    vehicle, driver = make_vehicle(safety_officer), make_driver(safety_officer)
    trip = plan(vehicle, driver, escort, safety_officer)
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=trip, boarding_count=10, actor=escort)
    assert codes(refused.value, "check") == ["no_pre_departure_check"]
    # A draft does not count, and neither does yesterday's check.
    draft = start_vehicle_check(vehicle=vehicle, actor=safety_officer)
    assert start_vehicle_check(vehicle=vehicle, actor=safety_officer) == draft  # continued, not doubled
    with pytest.raises(ValidationError):
        start_trip(trip=trip, boarding_count=10, actor=escort)
    Inspection.objects.filter(pk=draft.inspection_id).delete()
    assert not VehicleCheck.objects.exists()
    yesterday = submit_check(vehicle, safety_officer)
    Inspection.objects.filter(pk=yesterday.inspection_id).update(performed_on=today() - timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=trip, boarding_count=10, actor=escort)
    assert codes(refused.value, "check") == ["no_pre_departure_check"]


def test_a_grave_failure_keeps_the_bus_in_and_opens_a_hazard_a_minor_one_does_not_keep_it(
    in_school_a, safety_officer, escort, vehicle_template
):
    vehicle, driver = make_vehicle(safety_officer), make_driver(safety_officer)
    trip = plan(vehicle, driver, escort, safety_officer)
    failed = submit_check(vehicle, safety_officer, failing=("制动、转向",))  # critical
    hazard = Hazard.objects.get()
    assert hazard.inspection_id == failed.inspection_id and hazard.severity == "critical"
    assert hazard.category == "traffic" and hazard.location == vehicle.plate
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=trip, boarding_count=10, actor=escort)
    assert codes(refused.value, "check") == ["pre_departure_check_failed"]
    assert "制动、转向" in refused.value.error_dict["check"][0].message
    # Repaired and checked again: the latest check of the day decides. A minor failure (the
    # first-aid kit) opens its hazard but does not keep the bus in.
    submit_check(vehicle, safety_officer, failing=("急救箱",))
    assert Hazard.objects.count() == 2
    assert checks.latest_check(vehicle, today()).inspection.items.filter(is_failed=True).count() == 1
    assert start_trip(trip=trip, boarding_count=10, actor=escort).status == "under_way"


def test_a_vehicle_or_driver_on_a_trip_under_way_cannot_start_another(ready, safety_officer, escort):
    start_trip(trip=ready["trip"], boarding_count=10, actor=escort)
    second = plan(ready["vehicle"], ready["driver"], escort, safety_officer)
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=second, boarding_count=10, actor=escort)
    assert codes(refused.value, "vehicle") == ["vehicle_on_trip"]
    assert codes(refused.value, "driver") == ["driver_on_trip"]


def test_every_reason_is_given_at_once(ready, escort):
    Vehicle.objects.filter(pk=ready["vehicle"].pk).update(insurance_expires_on=today() - timedelta(days=2))
    Driver.objects.filter(pk=ready["driver"].pk).update(licence_expires_on=today() - timedelta(days=2))
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=ready["trip"], boarding_count=40, actor=escort)
    assert codes(refused.value, "vehicle") == ["insurance_expired"]
    assert codes(refused.value, "driver") == ["licence_expired"]
    assert codes(refused.value, "boarding_count") == ["seats_exceeded"]


def test_state_rules_of_a_trip(ready, safety_officer, escort):
    trip = ready["trip"]
    with pytest.raises(ValidationError) as refused:
        close_trip(trip=trip, leaving_count=1, actor=escort)
    assert codes(refused.value, "status") == ["trip_not_under_way"]
    for bad in (-1, "ten", None, True):
        with pytest.raises(ValidationError) as refused:
            start_trip(trip=trip, boarding_count=bad, actor=escort)
        assert codes(refused.value, "boarding_count") == ["invalid_headcount"]
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=trip, boarding_count=0, actor=escort)
    assert "invalid_headcount" in codes(refused.value, "boarding_count")
    cancel_trip(trip=trip, actor=safety_officer)
    with pytest.raises(ValidationError) as refused:
        start_trip(trip=trip, boarding_count=3, actor=escort)
    assert codes(refused.value, "status") == ["trip_not_planned"]
    with pytest.raises(ValidationError) as refused:
        cancel_trip(trip=trip, actor=safety_officer)
    assert codes(refused.value, "status") == ["trip_not_planned"]


def test_no_template_no_check(in_school_a, safety_officer):
    vehicle = make_vehicle(safety_officer)
    with pytest.raises(ValidationError) as refused:
        start_vehicle_check(vehicle=vehicle, actor=safety_officer)
    assert codes(refused.value, "template") == ["no_vehicle_template"]

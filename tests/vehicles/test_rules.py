from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from eduplatform.audit.models import AuditEvent
from eduplatform.safety.identity import is_valid_plate
from eduplatform.vehicles.actions import register_vehicle, update_driver, update_vehicle
from eduplatform.vehicles.models import Driver, Vehicle
from eduplatform.vehicles.rules import (
    age_on,
    inspection_due_on,
    is_driving_age,
    last_driving_day,
    licence_classes_for,
)
from tests.vehicles.conftest import id_number, make_driver, make_vehicle, today, years_before


def test_driving_age_is_25_to_60_in_full_years():
    born = date(2001, 3, 10)
    assert age_on(born, date(2026, 3, 9)) == 24 and not is_driving_age(born, date(2026, 3, 9))
    assert age_on(born, date(2026, 3, 10)) == 25 and is_driving_age(born, date(2026, 3, 10))
    older = date(1966, 3, 10)
    assert age_on(older, date(2027, 3, 9)) == 60 and is_driving_age(older, date(2027, 3, 9))
    assert age_on(older, date(2027, 3, 10)) == 61 and not is_driving_age(older, date(2027, 3, 10))
    assert last_driving_day(older) == date(2027, 3, 9)
    # Born on 29 February: a birthday in a common year falls on 1 March.
    leap = date(2000, 2, 29)
    assert not is_driving_age(leap, date(2025, 2, 28)) and is_driving_age(leap, date(2025, 3, 1))


def test_the_technical_inspection_is_due_six_months_after_the_last():
    vehicle = Vehicle(last_inspected_on=date(2026, 8, 31))
    assert inspection_due_on(vehicle) == date(2027, 2, 28)
    assert inspection_due_on(Vehicle(last_inspected_on=date(2026, 5, 22))) == date(2026, 11, 22)


def test_licence_classes_by_vehicle():
    assert licence_classes_for("school_bus", 35) == ("A1",)
    assert set(licence_classes_for("school_bus", 19)) == {"A1", "B1"}
    # A school bus is never a small car, and A3 (city bus) does not cover it.
    assert set(licence_classes_for("school_bus", 7)) == {"A1", "B1"}
    assert set(licence_classes_for("pick_up", 12)) == {"A1", "B1"}
    assert "C1" in licence_classes_for("pick_up", 7) and "C1" not in licence_classes_for("pick_up", 10)


@pytest.mark.parametrize(
    ("plate", "valid"),
    [
        ("沪A12345", True),
        ("京AD12345", True),  # small new-energy car: D, a letter or digit, 4 digits
        ("京AF1A234", False),  # ... the last 4 are digits
        ("粤B12345F", True),  # large new-energy vehicle: 5 digits, then D or F
        ("粤B1234AF", False),
        ("沪A1234", False),
        ("沪I12345", False),  # no I or O
        ("XA12345", False),
        ("沪A123456789", False),
    ],
)
def test_plates_including_the_8_character_new_energy_ones(plate, valid):
    assert is_valid_plate(plate) is valid


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"plate": ""}, "plate", "required"),
        ({"plate": "沪A1234"}, "plate", "invalid_plate"),
        ({"plate": "京AD1234X"}, "plate", "invalid_plate"),
        ({"kind": "tractor"}, "kind", "invalid_kind"),
        ({"seats": 0}, "seats", "invalid_seats"),
        ({"make_model": " "}, "make_model", "required"),
        ({"kind": "pick_up", "operator": ""}, "operator", "operator_required"),
        ({"last_inspected_on": None}, "last_inspected_on", "required"),
        ({"last_inspected_on": date.today() + timedelta(days=3)}, "last_inspected_on", "date_in_future"),
        ({"insurance_expires_on": None}, "insurance_expires_on", "required"),
    ],
)
def test_bad_vehicles_are_refused_beside_the_field_and_nothing_is_saved(
    safety_officer, in_school_a, fields, field, code
):
    with pytest.raises(ValidationError) as refused:
        make_vehicle(safety_officer, **fields)
    assert refused.value.error_dict[field][0].code == code
    assert Vehicle.objects.count() == 0


def test_a_plate_is_normalised_and_registered_once(safety_officer, in_school_a):
    vehicle = make_vehicle(safety_officer, plate=" 沪a·12345 ")
    assert vehicle.plate == "沪A12345"
    with pytest.raises(ValidationError) as refused:
        make_vehicle(safety_officer, plate="沪A12345")
    assert refused.value.error_dict["plate"][0].code == "duplicate_plate"
    new_energy = make_vehicle(
        safety_officer, plate="沪AD12345", kind="pick_up", seats=7, operator="阳光客运公司"
    )
    assert new_energy.plate == "沪AD12345"
    assert AuditEvent.objects.filter(object_type="vehicles.vehicle", action="create").count() == 2


def test_a_vehicle_is_updated_and_taken_out_of_service(safety_officer, in_school_a):
    vehicle = make_vehicle(safety_officer)
    update_vehicle(
        vehicle=vehicle, kind="school_bus", seats=19, make_model="宇通", operator="",
        last_inspected_on=today(), insurance_expires_on=today() + timedelta(days=365), status="out_of_service",
        actor=safety_officer,
    )  # fmt: skip
    vehicle.refresh_from_db()
    assert vehicle.status == "out_of_service" and vehicle.last_inspected_on == today()
    with pytest.raises(ValidationError) as refused:
        update_vehicle(
            vehicle=vehicle, kind="school_bus", seats=19, make_model="宇通", operator="",
            last_inspected_on=today(), insurance_expires_on=today(), status="scrapped", actor=safety_officer,
        )  # fmt: skip
    assert refused.value.error_dict["status"][0].code == "invalid_status"


def test_register_vehicle_takes_keyword_arguments_only():
    with pytest.raises(TypeError):
        register_vehicle("沪A12345")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("years", "days", "allowed"),
    [
        (25, 1, False),  # 25 tomorrow: 24 today
        (25, 0, True),  # 25 today
        (61, 1, True),  # 61 tomorrow: still 60 today
        (61, 0, False),  # 61 today
    ],
)
def test_a_driver_is_registered_only_aged_25_to_60(safety_officer, in_school_a, years, days, allowed):
    born = years_before(today() + timedelta(days=days), years)
    if allowed:
        driver = make_driver(safety_officer, born=born)
        assert driver.date_of_birth == born
    else:
        with pytest.raises(ValidationError) as refused:
            make_driver(safety_officer, born=born)
        assert refused.value.error_dict["date_of_birth"][0].code == "driver_age"
        assert Driver.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"id_number": "11010519491231002"}, "id_number", "invalid_id_number"),
        ({"id_number": "110105198001011231"}, "id_number", "invalid_id_number"),  # wrong check character
        ({"id_number": ""}, "id_number", "required"),
        ({"phone": "12345"}, "phone", "invalid_phone"),
        ({"name": ""}, "name", "required"),
        ({"licence_number": "12"}, "licence_number", "invalid_licence_number"),
        ({"licence_class": "Z9"}, "licence_class", "invalid_licence_class"),
        ({"licence_expires_on": date.today() - timedelta(days=1)}, "licence_expires_on", "licence_expired"),
        ({"date_of_birth": date(1980, 1, 2)}, "date_of_birth", "birth_date_mismatch"),
    ],
)
def test_bad_drivers_are_refused_beside_the_field(safety_officer, in_school_a, fields, field, code):
    with pytest.raises(ValidationError) as refused:
        make_driver(safety_officer, **fields)
    assert refused.value.error_dict[field][0].code == code
    assert Driver.objects.count() == 0


def test_id_and_licence_numbers_are_encrypted_and_kept_out_of_the_audit_trail(safety_officer, in_school_a):
    born = years_before(today(), 40)
    number = id_number(born)
    driver = make_driver(safety_officer, born=born, licence_number=number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, licence_number FROM vehicles_driver WHERE id = %s", [driver.pk])
        raw_id, raw_licence = cursor.fetchone()
    assert raw_id.startswith("gAAAAA") and raw_licence.startswith("gAAAAA")
    assert number not in raw_id + raw_licence
    stored = Driver.objects.get(pk=driver.pk)
    assert stored.id_number == number and stored.licence_number == number
    assert stored.masked_id_number == "*" * 14 + number[-4:]
    events = AuditEvent.objects.filter(object_type="vehicles.driver", object_id=str(driver.pk))
    assert events.count() == 1 and number not in str(events.get().after)
    with pytest.raises(ValidationError) as refused:
        make_driver(safety_officer, born=born, name="重复")
    assert refused.value.error_dict["id_number"][0].code == "duplicate_driver"


def test_a_driver_with_an_expired_licence_can_still_be_taken_off_duty(safety_officer, in_school_a):
    driver = make_driver(safety_officer)
    Driver.objects.filter(pk=driver.pk).update(licence_expires_on=today() - timedelta(days=5))
    driver.refresh_from_db()
    fields = {"name": driver.name, "phone": driver.phone, "licence_class": "B1", "actor": safety_officer}
    update_driver(driver=driver, licence_expires_on=driver.licence_expires_on, is_active=False, **fields)
    driver.refresh_from_db()
    assert not driver.is_active
    # Entering a new date that has already passed is a mistake.
    with pytest.raises(ValidationError) as refused:
        update_driver(driver=driver, licence_expires_on=today() - timedelta(days=1), **fields)
    assert refused.value.error_dict["licence_expires_on"][0].code == "licence_expired"
    renewed = update_driver(driver=driver, licence_expires_on=today() + timedelta(days=3000), **fields)
    assert renewed.is_active and renewed.licence_expires_on == today() + timedelta(days=3000)
    # An empty licence number keeps the one on file.
    assert Driver.objects.get(pk=driver.pk).licence_number == "310101198001011234"


def test_a_drivers_account_must_be_of_this_school(safety_officer, in_school_a, member_b):
    with pytest.raises(ValidationError) as refused:
        make_driver(safety_officer, user=member_b)
    assert refused.value.error_dict["user"][0].code == "invalid_person"
    driver = make_driver(safety_officer, user=safety_officer)
    assert driver.user_id == safety_officer.pk

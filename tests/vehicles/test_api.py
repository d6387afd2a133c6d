from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.vehicles.models import HeadcountMismatch, Trip
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.vehicles.conftest import (
    at,
    id_number,
    make_driver,
    make_vehicle,
    plan,
    submit_check,
    today,
    years_before,
)


def api(school, name, **kwargs):
    return school_reverse(school, f"school-api:{name}", **kwargs)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_vehicles_through_the_api_with_problem_codes(school_a, safety_officer):
    client = logged_in(safety_officer)
    url = api(school_a, "vehicle-list")
    body = {"plate": "京AD1234X", "kind": "school_bus", "seats": 0, "make_model": "宇通",
            "last_inspected_on": today().isoformat(), "insurance_expires_on": today().isoformat()}  # fmt: skip
    refused = post(client, url, body)
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    errors = refused.json()["errors"]
    assert errors["plate"][0]["code"] == "invalid_plate" and errors["seats"][0]["code"] == "invalid_seats"
    created = post(client, url, {**body, "plate": "京AD12345", "seats": 19})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["inspection_due_on"]
    patched = client.patch(
        api(school_a, "vehicle-detail", pk=pk), {"status": "out_of_service"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["status"] == "out_of_service"
    assert patched.json()["plate"] == "京AD12345" and patched.json()["seats"] == 19
    bad = client.patch(
        api(school_a, "vehicle-detail", pk=pk), {"status": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["errors"]["status"][0]["code"] == "invalid_status"


def test_drivers_are_masked_by_capability(school_a, safety_officer, principal):
    born = years_before(today(), 45)
    number = id_number(born)
    client = logged_in(safety_officer)
    refused = post(client, api(school_a, "vehicle-driver-list"), {
        "name": "李师傅", "phone": "13800138000", "id_number": id_number(years_before(today(), 62)),
        "licence_number": number, "licence_class": "A1", "licence_expires_on": (today() + timedelta(days=90)).isoformat(),
    })  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["errors"]["date_of_birth"][0]["code"] == "driver_age"
    created = post(client, api(school_a, "vehicle-driver-list"), {
        "name": "李师傅", "phone": "13800138000", "id_number": number, "licence_number": number,
        "licence_class": "A1", "licence_expires_on": (today() + timedelta(days=90)).isoformat(),
    })  # fmt: skip
    assert created.status_code == 201, created.content
    assert created.json()["id_number"] == number and created.json()["date_of_birth"] == born.isoformat()
    shown = logged_in(principal).get(api(school_a, "vehicle-driver-list")).json()["results"][0]
    assert shown["id_number"] == "*" * 14 + number[-4:] and number not in str(shown)
    expired = logged_in(safety_officer).patch(
        api(school_a, "vehicle-driver-detail", pk=shown["id"]),
        {"licence_expires_on": (today() - timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert expired.json()["errors"]["licence_expires_on"][0]["code"] == "licence_expired"


def test_a_trip_through_the_api_start_refusals_and_a_headcount_mismatch(
    school_a, safety_officer, escort, vehicle_template
):
    with schema_context(school_a.schema_name):
        vehicle, driver = make_vehicle(safety_officer), make_driver(safety_officer)
    officer, teacher = logged_in(safety_officer), logged_in(escort)
    planned = post(officer, api(school_a, "vehicle-trip-list"), {
        "vehicle": vehicle.pk, "driver": driver.pk, "escort": escort.pk, "route": "早班线路",
        "planned_departure_at": at(today()).isoformat(),
    })  # fmt: skip
    assert planned.status_code == 201, planned.content
    pk = planned.json()["id"]
    refused = post(teacher, api(school_a, "vehicle-trip-start", pk=pk), {"boarding_count": 40})
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert errors["check"][0]["code"] == "no_pre_departure_check"
    assert errors["boarding_count"][0]["code"] == "seats_exceeded"

    check = post(officer, api(school_a, "vehicle-checks", pk=vehicle.pk), {})
    assert check.status_code == 201 and check.json()["status"] == "draft"
    with schema_context(school_a.schema_name):
        from eduplatform.safety.models import Inspection

        Inspection.objects.filter(pk=check.json()["inspection"]).delete()
        submit_check(vehicle, safety_officer)
    started = post(teacher, api(school_a, "vehicle-trip-start", pk=pk), {"boarding_count": 15})
    assert started.status_code == 200 and started.json()["status"] == "under_way"

    mismatch = post(teacher, api(school_a, "vehicle-trip-close", pk=pk), {"leaving_count": 14})
    assert mismatch.status_code == 400
    assert mismatch.json()["errors"]["leaving_count"][0]["code"] == "headcount_mismatch"
    shown = teacher.get(api(school_a, "vehicle-trip-detail", pk=pk)).json()
    assert shown["status"] == "under_way" and shown["mismatches"][0]["leaving_count"] == 14
    refused = post(
        teacher, api(school_a, "vehicle-trip-correct-boarding", pk=pk), {"boarding_count": 14, "reason": "x"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "missing_capability"
    closed = post(teacher, api(school_a, "vehicle-trip-close", pk=pk), {"leaving_count": 15})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    bad = post(teacher, api(school_a, "vehicle-trip-close", pk=pk), {"leaving_count": "many"})
    assert bad.status_code == 400 and bad.json()["errors"]["leaving_count"][0]["code"] == "invalid"


def test_planning_through_the_api_refuses_unknown_objects_beside_the_field(
    school_a, safety_officer, member_b
):
    client = logged_in(safety_officer)
    with schema_context(school_a.schema_name):
        vehicle, driver = make_vehicle(safety_officer), make_driver(safety_officer)
    body = {"vehicle": vehicle.pk, "driver": driver.pk, "escort": member_b.pk, "route": "x",
            "planned_departure_at": at(today()).isoformat()}  # fmt: skip
    refused = post(client, api(school_a, "vehicle-trip-list"), body)
    assert refused.json()["errors"]["escort"][0]["code"] == "escort_not_member"
    refused = post(
        client, api(school_a, "vehicle-trip-list"), {**body, "vehicle": 999999, "escort": safety_officer.pk}
    )
    assert refused.status_code == 400 and refused.json()["errors"]["vehicle"][0]["code"] == "invalid_vehicle"
    refused = post(client, api(school_a, "vehicle-trip-list"), {**body, "planned_departure_at": "tomorrow"})
    assert refused.json()["errors"]["planned_departure_at"][0]["code"] == "invalid"
    listed = client.get(api(school_a, "vehicle-trip-list") + "?status=flying")
    assert listed.status_code == 400 and listed.json()["errors"]["status"][0]["code"] == "invalid_status"
    with schema_context(school_a.schema_name):
        assert not Trip.objects.exists()


def test_access_other_school_other_district_anonymous_and_teachers(
    school_a, safety_officer, escort, other_teacher, member_b, other_inspector
):
    with schema_context(school_a.schema_name):
        vehicle, driver = make_vehicle(safety_officer), make_driver(safety_officer)
        trip = plan(vehicle, driver, escort, safety_officer)
    urls = [
        api(school_a, "vehicle-list"), api(school_a, "vehicle-detail", pk=vehicle.pk),
        api(school_a, "vehicle-driver-list"), api(school_a, "vehicle-driver-detail", pk=driver.pk),
        api(school_a, "vehicle-trip-list"), api(school_a, "vehicle-trip-detail", pk=trip.pk),
    ]  # fmt: skip
    for person in (member_b, other_inspector):
        client = logged_in(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person, url)
        assert (
            post(client, api(school_a, "vehicle-trip-start", pk=trip.pk), {"boarding_count": 3}).status_code
            == 404
        )
    for url in urls:
        assert Client().get(url).status_code == 401
    teacher, other = logged_in(escort), logged_in(other_teacher)
    assert teacher.get(api(school_a, "vehicle-list")).status_code == 403
    assert [row["id"] for row in teacher.get(api(school_a, "vehicle-trip-list")).json()["results"]] == [
        trip.pk
    ]
    assert other.get(api(school_a, "vehicle-trip-list")).json()["results"] == []
    assert other.get(api(school_a, "vehicle-trip-detail", pk=trip.pk)).status_code == 404
    refused = post(teacher, api(school_a, "vehicle-trip-list"), {"route": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "missing_capability"


def test_updated_since_and_date_filters(school_a, safety_officer, escort):
    with schema_context(school_a.schema_name):
        vehicle, driver = make_vehicle(safety_officer), make_driver(safety_officer)
        old = plan(vehicle, driver, escort, safety_officer)
        Trip.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
        tomorrow = plan(vehicle, driver, escort, safety_officer, day=today() + timedelta(days=1))
    client = logged_in(safety_officer)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    listed = client.get(api(school_a, "vehicle-trip-list"), {"updated_since": since}).json()["results"]
    assert [row["id"] for row in listed] == [tomorrow.pk]
    on_day = client.get(api(school_a, "vehicle-trip-list"), {"date": today().isoformat()}).json()["results"]
    assert [row["id"] for row in on_day] == [old.pk]
    bad = client.get(api(school_a, "vehicle-list"), {"updated_since": "yesterday"})
    assert bad.status_code == 400 and bad.json()["errors"]["updated_since"][0]["code"] == "invalid_datetime"


def test_the_list_endpoints_pin_their_queries(school_a, safety_officer, escort, django_assert_num_queries):
    client = logged_in(safety_officer)

    def add(count):
        with schema_context(school_a.schema_name):
            start = HeadcountMismatch.objects.count() + Trip.objects.count()
            for index in range(start, start + count):
                vehicle = make_vehicle(safety_officer, plate=f"沪A{20000 + index}")
                driver = make_driver(safety_officer, sequence=f"{200 + index}", name=f"师傅{index}")
                plan(vehicle, driver, escort, safety_officer)

    for name in ("vehicle-list", "vehicle-driver-list", "vehicle-trip-list"):
        url = api(school_a, name)
        add(1)
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        add(5)
        with django_assert_num_queries(len(few.captured_queries)):
            assert client.get(url).status_code == 200

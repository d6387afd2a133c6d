from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.notifications.models import Notification
from eduplatform.vehicles.models import Driver, HeadcountMismatch, Trip, Vehicle, VehicleCheck
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
from tests.world import make_user


def page(school, name, **kwargs):
    return school_reverse(school, f"frontend:vehicles:{name}", **kwargs)


def test_the_vehicle_list_shows_paper_status_and_refuses_a_bad_plate_beside_the_field(
    school_a, safety_officer
):
    client = logged_in(safety_officer)
    url = page(school_a, "vehicles")
    form = {"plate": "沪A1234", "kind": "school_bus", "seats": "19", "make_model": "宇通",
            "last_inspected_on": (today() - timedelta(days=200)).isoformat(),
            "insurance_expires_on": (today() + timedelta(days=10)).isoformat()}  # fmt: skip
    refused = client.post(url, form)
    body = refused.content.decode()
    assert refused.status_code == 200 and "车牌号格式不正确" in body and 'id="id_plate_error"' in body
    with schema_context(school_a.schema_name):
        assert not Vehicle.objects.exists()
    done = client.post(url, {**form, "plate": "沪AD12345"})
    assert done.status_code == 302
    listing = client.get(url).content.decode()
    assert "沪AD12345" in listing
    assert 'data-paper="inspection" data-state="overdue"' in listing
    assert 'data-paper="insurance" data-state="due_soon"' in listing
    with schema_context(school_a.schema_name):
        vehicle = Vehicle.objects.get()
    shown = client.get(page(school_a, "vehicle", pk=vehicle.pk)).content.decode()
    assert "安全技术检验已于" in shown and "今天还没有提交出车前检查" in shown


def test_a_vehicle_is_edited_on_its_page(school_a, safety_officer):
    with schema_context(school_a.schema_name):
        vehicle = make_vehicle(safety_officer)
    client = logged_in(safety_officer)
    url = page(school_a, "vehicle", pk=vehicle.pk)
    form = {"kind": "school_bus", "seats": "0", "make_model": "宇通", "operator": "",
            "last_inspected_on": today().isoformat(), "insurance_expires_on": today().isoformat(),
            "status": "out_of_service"}  # fmt: skip
    refused = client.post(url, form)
    assert refused.status_code == 200 and 'id="id_seats_error"' in refused.content.decode()
    assert client.post(url, {**form, "seats": "19"}).status_code == 302
    with schema_context(school_a.schema_name):
        vehicle.refresh_from_db()
    assert vehicle.status == "out_of_service"


def test_the_pre_departure_check_starts_from_the_vehicle_page(school_a, safety_officer, vehicle_template):
    with schema_context(school_a.schema_name):
        vehicle = make_vehicle(safety_officer)
    client = logged_in(safety_officer)
    started = client.post(page(school_a, "start-check", pk=vehicle.pk))
    with schema_context(school_a.schema_name):
        check = VehicleCheck.objects.get()
    assert started.status_code == 302
    assert started["Location"] == school_reverse(
        school_a, "frontend:safety:inspection", pk=check.inspection_id
    )
    inspection = client.get(started["Location"]).content.decode()
    assert "校车出车前安全检查" in inspection and "沪A12345" in inspection


def test_drivers_show_masked_numbers_except_to_the_safety_officer(school_a, safety_officer, principal):
    born = years_before(today(), 30)
    number = id_number(born)
    with schema_context(school_a.schema_name):
        driver = make_driver(safety_officer, born=born, licence_number=number)
    for person, full in ((safety_officer, True), (principal, False)):
        client = logged_in(person)
        for url in (page(school_a, "drivers"), page(school_a, "driver", pk=driver.pk)):
            body = client.get(url).content.decode()
            assert (number in body) is full, (person, url)
            assert number[-4:] in body


def test_a_driver_outside_25_to_60_is_refused_on_the_page(school_a, safety_officer):
    client = logged_in(safety_officer)
    born = years_before(today(), 24)
    form = {"name": "周师傅", "phone": "13800138000", "id_number": id_number(born), "licence_number": "310101200001011234",
            "licence_class": "A1", "licence_expires_on": (today() + timedelta(days=300)).isoformat()}  # fmt: skip
    refused = client.post(page(school_a, "drivers"), form)
    body = refused.content.decode()
    assert refused.status_code == 200 and "须年满 25 周岁" in body and 'id="id_date_of_birth_error"' in body
    refused = client.post(page(school_a, "drivers"), {**form, "id_number": "110105200001011230"})
    assert "身份证号无效" in refused.content.decode()
    ok = client.post(page(school_a, "drivers"), {**form, "id_number": id_number(years_before(today(), 25))})
    assert ok.status_code == 302
    with schema_context(school_a.schema_name):
        assert Driver.objects.get().name == "周师傅"


@pytest.fixture
def trip_on_pages(school_a, safety_officer, escort, vehicle_template):
    with schema_context(school_a.schema_name):
        vehicle = make_vehicle(safety_officer)
        driver = make_driver(safety_officer)
    return {"vehicle": vehicle, "driver": driver}


def test_a_trip_on_a_phone_plan_start_mismatch_correct_close(school_a, safety_officer, escort, trip_on_pages):
    officer, teacher = logged_in(safety_officer), logged_in(escort)
    vehicle, driver = trip_on_pages["vehicle"], trip_on_pages["driver"]
    planned = officer.post(
        page(school_a, "trips"),
        {"vehicle": vehicle.pk, "driver": driver.pk, "escort": escort.pk, "route": "放学线路一",
         "planned_departure_at": at(today(), 16, 30).strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip
    assert planned.status_code == 302, planned.content.decode()
    with schema_context(school_a.schema_name):
        trip = Trip.objects.get()
    url = page(school_a, "trip", pk=trip.pk)
    assert planned["Location"] == url

    # No check yet: the escort's start is refused with the reason above the form.
    refused = teacher.post(page(school_a, "start-trip", pk=trip.pk), {"boarding_count": "25"})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert (
        "还没有提交出车前检查" in body
        and 'id="id_boarding_count_error"' in body
        and "超过核定载客人数" in body
    )
    with schema_context(school_a.schema_name):
        submit_check(vehicle, safety_officer)
    assert teacher.post(page(school_a, "start-trip", pk=trip.pk), {"boarding_count": "18"}).status_code == 302

    mismatch = teacher.post(page(school_a, "close-trip", pk=trip.pk), {"leaving_count": "17"})
    body = mismatch.content.decode()
    assert mismatch.status_code == 200
    assert 'id="id_leaving_count_error"' in body and "与上车人数（18）不符" in body
    assert 'data-testid="headcount-alarm"' in body
    with schema_context(school_a.schema_name):
        assert Trip.objects.get().status == "under_way" and HeadcountMismatch.objects.count() == 1
    assert Notification.objects.filter(user=safety_officer, kind="vehicles.headcount_mismatch").count() == 1
    # The escort cannot make the mismatch disappear; the safety officer corrects with a reason.
    assert (
        teacher.post(page(school_a, "correct-boarding", pk=trip.pk), {"boarding_count": "17"}).status_code
        == 403
    )
    refused = officer.post(
        page(school_a, "correct-boarding", pk=trip.pk), {"boarding_count": "17", "reason": ""}
    )
    assert 'id="id_reason_error"' in refused.content.decode()
    corrected = officer.post(
        page(school_a, "correct-boarding", pk=trip.pk),
        {"boarding_count": "17", "reason": "一名学生由家长接走"},
    )
    assert corrected.status_code == 302
    assert teacher.post(page(school_a, "close-trip", pk=trip.pk), {"leaving_count": "17"}).status_code == 302
    shown = teacher.get(url).content.decode()
    assert "已结束" in shown and "一名学生由家长接走" in shown


def test_the_escort_sees_only_their_trips_and_other_teachers_get_a_404(
    school_a, safety_officer, escort, other_teacher, trip_on_pages
):
    with schema_context(school_a.schema_name):
        trip = plan(trip_on_pages["vehicle"], trip_on_pages["driver"], escort, safety_officer)
    teacher, other = logged_in(escort), logged_in(other_teacher)
    assert "放学线路一" in teacher.get(page(school_a, "trips")).content.decode()
    assert "放学线路一" not in other.get(page(school_a, "trips")).content.decode()
    assert teacher.get(page(school_a, "trip", pk=trip.pk)).status_code == 200
    assert other.get(page(school_a, "trip", pk=trip.pk)).status_code == 404
    assert other.post(page(school_a, "start-trip", pk=trip.pk), {"boarding_count": "3"}).status_code == 404
    # Teachers do not manage vehicles, drivers or trips.
    assert teacher.get(page(school_a, "vehicles")).status_code == 403
    assert teacher.get(page(school_a, "drivers")).status_code == 403
    assert teacher.post(page(school_a, "trips"), {"route": "x"}).status_code == 403
    assert teacher.post(page(school_a, "cancel-trip", pk=trip.pk)).status_code == 403
    assert teacher.post(page(school_a, "start-check", pk=trip_on_pages["vehicle"].pk)).status_code == 403


def test_outsiders_get_a_404_and_anonymous_the_login_page(
    school_a, safety_officer, member_b, other_inspector, trip_on_pages
):
    with schema_context(school_a.schema_name):
        trip = plan(trip_on_pages["vehicle"], trip_on_pages["driver"], safety_officer, safety_officer)
    urls = [
        page(school_a, "vehicles"),
        page(school_a, "vehicle", pk=trip_on_pages["vehicle"].pk),
        page(school_a, "drivers"),
        page(school_a, "driver", pk=trip_on_pages["driver"].pk),
        page(school_a, "trips"),
        page(school_a, "trip", pk=trip.pk),
    ]
    for person in (member_b, other_inspector):
        client = logged_in(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person, url)
        assert (
            client.post(page(school_a, "close-trip", pk=trip.pk), {"leaving_count": "1"}).status_code == 404
        )
    from django.test import Client

    anonymous = Client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_another_schools_trip_is_a_404_to_a_member_of_this_school(
    school_a, school_b, safety_officer, trip_on_pages
):
    with schema_context(school_b.schema_name):
        officer_b = make_user(Role.SAFETY_OFFICER, school=school_b)
        other_vehicle = make_vehicle(officer_b, plate="沪B99999")
    client = logged_in(safety_officer)
    assert client.get(page(school_a, "vehicle", pk=other_vehicle.pk)).status_code == 404


def test_the_list_pages_pin_their_queries(
    school_a, safety_officer, escort, trip_on_pages, django_assert_num_queries
):
    client = logged_in(safety_officer)

    def add(count):
        with schema_context(school_a.schema_name):
            start = Vehicle.objects.count()
            for index in range(start, start + count):
                vehicle = make_vehicle(safety_officer, plate=f"沪A{10000 + index}")
                driver = make_driver(safety_officer, sequence=f"{100 + index}", name=f"师傅{index}")
                plan(vehicle, driver, escort, safety_officer)

    for url in (page(school_a, "vehicles"), page(school_a, "drivers"), page(school_a, "trips")):
        add(1)
        client.get(url)  # warm the per-process caches
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        add(5)
        with django_assert_num_queries(len(few.captured_queries)):
            assert client.get(url).status_code == 200


def test_today_shows_papers_open_trips_and_missing_checks(school_a, safety_officer, escort, trip_on_pages):
    with schema_context(school_a.schema_name):
        Vehicle.objects.filter(pk=trip_on_pages["vehicle"].pk).update(
            insurance_expires_on=today() + timedelta(days=5)
        )
        trip = plan(trip_on_pages["vehicle"], trip_on_pages["driver"], escort, safety_officer)
        earlier = plan(trip_on_pages["vehicle"], trip_on_pages["driver"], escort, safety_officer)
        Trip.objects.filter(pk=earlier.pk).update(
            status="under_way", boarding_count=3, planned_departure_at=at(today() - timedelta(days=1))
        )
    home = logged_in(safety_officer).get(school_reverse(school_a, "frontend:home")).content.decode()
    assert "车辆保险：沪A12345" in home
    assert "出车前检查未做：沪A12345" in home
    assert "校车行程未结束：沪A12345" in home
    mine = logged_in(escort).get(school_reverse(school_a, "frontend:home")).content.decode()
    assert "照管行程：沪A12345" in mine and "车辆保险" not in mine
    assert trip.pk

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from eduplatform.compliance.facts import recompute_school
from eduplatform.compliance.models import ComplianceFact
from eduplatform.compliance.periods import CURRENT, term_for
from eduplatform.notifications.models import Notification
from eduplatform.safety import tasks
from eduplatform.vehicles import facts
from eduplatform.vehicles.actions import close_trip, start_trip, update_driver, update_vehicle
from eduplatform.vehicles.models import Driver, Vehicle
from eduplatform.vehicles.reminders import remind_vehicles
from tests.vehicles.conftest import make_driver, make_vehicle, today, years_before


def fact(school, key, period=CURRENT):
    return ComplianceFact.objects.get(school=school, key=key, period=period)


def test_facts_follow_the_actions_and_agree_with_a_recompute(ready, safety_officer, escort, in_school_a):
    school = in_school_a
    make_vehicle(safety_officer, plate="沪B22222", insurance_expires_on=today() + timedelta(days=10))
    make_vehicle(
        safety_officer, plate="沪C33333", last_inspected_on=today() - timedelta(days=200)
    )  # inspection overdue
    make_driver(
        safety_officer, sequence="456", name="钱师傅", licence_expires_on=today() + timedelta(days=20)
    )  # licence expiring
    assert (fact(school, facts.PAPERS_OVERDUE).value, fact(school, facts.PAPERS_OVERDUE).denominator) == (
        1,
        6,
    )
    assert fact(school, facts.PAPERS_OVERDUE).detail == {"inspection": 1, "insurance": 0}
    assert fact(school, facts.PAPERS_EXPIRING).detail == {"inspection": 0, "insurance": 1}
    assert fact(school, facts.LICENCES_EXPIRING).value == 1
    assert fact(school, facts.LICENCES_EXPIRED).value == 0

    trip = start_trip(trip=ready["trip"], boarding_count=12, actor=escort)
    with pytest.raises(ValidationError):
        close_trip(trip=trip, leaving_count=11, actor=escort)
    mismatches = fact(school, facts.HEADCOUNT_MISMATCHES, term_for(today()).key)
    assert (mismatches.value, mismatches.denominator, mismatches.detail) == (1, 1, {"unresolved": 1})
    close_trip(trip=trip, leaving_count=12, actor=escort)
    mismatches.refresh_from_db()
    assert (mismatches.value, mismatches.detail) == (1, {"unresolved": 0})

    # Renewing the papers clears them.
    vehicle = Vehicle.objects.get(plate="沪C33333")
    update_vehicle(
        vehicle=vehicle, kind=vehicle.kind, seats=vehicle.seats, make_model=vehicle.make_model, operator="",
        last_inspected_on=today(), insurance_expires_on=vehicle.insurance_expires_on, status="in_service",
        actor=safety_officer,
    )  # fmt: skip
    assert fact(school, facts.PAPERS_OVERDUE).value == 0
    # Time passes without any action: the recompute (and the daily job) catch up.
    Driver.objects.filter(name="钱师傅").update(licence_expires_on=today() - timedelta(days=1))
    Driver.objects.filter(pk=ready["driver"].pk).update(date_of_birth=years_before(today(), 61))
    drift = {report.key for report in recompute_school(school)}
    assert drift == {facts.LICENCES_EXPIRED, facts.LICENCES_EXPIRING, facts.DRIVERS_OUTSIDE_AGE}
    assert fact(school, facts.LICENCES_EXPIRED).value == 1
    assert fact(school, facts.DRIVERS_OUTSIDE_AGE).value == 1
    assert recompute_school(school) == []


def test_the_daily_job_refreshes_the_facts(school_a, safety_officer):
    with schema_context(school_a.schema_name):
        vehicle = make_vehicle(safety_officer)
        Vehicle.objects.filter(pk=vehicle.pk).update(insurance_expires_on=today() - timedelta(days=1))
        tasks.send_safety_reminders.run(day=today().isoformat())
    assert fact(school_a, facts.PAPERS_OVERDUE).detail == {"inspection": 0, "insurance": 1}


def test_expiring_and_overdue_papers_are_reminded_once_per_paper_and_due_date(
    school_a, safety_officer, principal
):
    with schema_context(school_a.schema_name):
        vehicle = make_vehicle(safety_officer, insurance_expires_on=today() + timedelta(days=30))
        driver = make_driver(safety_officer, licence_expires_on=today() + timedelta(days=31))
        retired = make_vehicle(safety_officer, plate="沪B22222")
        Vehicle.objects.filter(pk=retired.pk).update(status="out_of_service", insurance_expires_on=today())

        day = today().isoformat()
        assert tasks.send_safety_reminders.run(day=day) >= 1
        tasks.send_safety_reminders.run(day=day)
        reminders = Notification.objects.filter(user=safety_officer, kind="vehicles.paper_due")
        # 30 days ahead: reminded; 31 days: not yet; out of service: never.
        assert [reminder.title for reminder in reminders.all()] == [
            f"沪A12345 的保险将于 {(today() + timedelta(days=30)).isoformat()} 到期"
        ]
        assert reminders.get().url.endswith(f"/vehicles/{vehicle.pk}/")
        assert not Notification.objects.filter(user=principal, kind="vehicles.paper_due").exists()

        # Once it has expired, reminded again (overdue), once.
        later = today() + timedelta(days=31)
        assert remind_vehicles(school_a, later, [safety_officer]) == 2  # insurance overdue, licence expiring
        assert remind_vehicles(school_a, later, [safety_officer]) == 0
        assert remind_vehicles(school_a, later + timedelta(days=1), [safety_officer]) == 1  # licence overdue
        assert reminders.count() == 4
        assert reminders.filter(severity="danger", title__contains="已于").count() == 2

        # A renewed licence has a new due date: reminded afresh when that one comes near.
        fields = {"name": driver.name, "phone": driver.phone, "licence_class": "B1", "actor": safety_officer}
        update_driver(driver=driver, licence_expires_on=today() + timedelta(days=400), **fields)
        assert remind_vehicles(school_a, today() + timedelta(days=100), [safety_officer]) == 0
        assert (
            remind_vehicles(school_a, today() + timedelta(days=380), [safety_officer]) == 2
        )  # and the inspection


def test_a_driver_about_to_reach_61_is_reminded(school_a, safety_officer):
    with schema_context(school_a.schema_name):
        make_driver(safety_officer, born=years_before(today() + timedelta(days=5), 61), name="孙师傅")
        remind_vehicles(school_a, today(), [safety_officer])
    (reminder,) = Notification.objects.filter(user=safety_officer, kind="vehicles.paper_due")
    assert reminder.title.startswith("孙师傅 驾驶校车至") and "61" in reminder.title

"""Compliance facts of school vehicles (eduplatform.compliance).

    vehicles.papers_overdue        now   overdue papers (inspection, insurance) of vehicles in service
    vehicles.papers_expiring       now   papers of vehicles in service due within the warning days
    vehicles.licences_expired      now   active drivers whose licence has expired
    vehicles.licences_expiring     now   active drivers whose licence expires within the warning days
    vehicles.drivers_outside_age   now   active drivers not aged 25-60 today
    vehicles.headcount_mismatches  term  trips of the term where the leaving count did not match

"Now" facts depend on the date as well as the records: actions refresh them in their
transaction, and the daily reminder job (reminders.remind_vehicles) refreshes them every
morning. The nightly recompute uses the same functions.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone

from eduplatform.compliance.facts import FactSource, FactValue, refresh_fact, register
from eduplatform.compliance.periods import CURRENT, parse_term, term_for
from eduplatform.district.settings import setting_value
from eduplatform.safety.settings import PAPERS_WARNING_DAYS
from eduplatform.vehicles.models import Driver, HeadcountMismatch, Trip, TripStatus, Vehicle
from eduplatform.vehicles.rules import PaperKind, driver_papers, is_driving_age, vehicle_papers

PAPERS_OVERDUE = "vehicles.papers_overdue"
PAPERS_EXPIRING = "vehicles.papers_expiring"
LICENCES_EXPIRED = "vehicles.licences_expired"
LICENCES_EXPIRING = "vehicles.licences_expiring"
DRIVERS_OUTSIDE_AGE = "vehicles.drivers_outside_age"
HEADCOUNT_MISMATCHES = "vehicles.headcount_mismatches"

VEHICLE_KEYS = (PAPERS_OVERDUE, PAPERS_EXPIRING)
DRIVER_KEYS = (LICENCES_EXPIRED, LICENCES_EXPIRING, DRIVERS_OUTSIDE_AGE)


def warning_days(school) -> int:
    return int(setting_value(school.district, PAPERS_WARNING_DAYS))


def _now(school, today) -> list[str]:
    return [CURRENT]


def _vehicle_papers(school, expiring: bool) -> FactValue:
    today, days = timezone.localdate(), warning_days(school)
    vehicles = list(Vehicle.objects.in_service())
    counts = {PaperKind.INSPECTION: 0, PaperKind.INSURANCE: 0}
    for vehicle in vehicles:
        for paper in vehicle_papers(vehicle):
            if paper.is_expiring(today, days) if expiring else paper.is_overdue(today):
                counts[paper.kind] += 1
    found = sum(counts.values())
    return FactValue(found, found, 2 * len(vehicles), detail=counts)


def _papers_overdue(school, period: str) -> FactValue:
    return _vehicle_papers(school, expiring=False)


def _papers_expiring(school, period: str) -> FactValue:
    return _vehicle_papers(school, expiring=True)


def _active_drivers() -> list[Driver]:
    return list(Driver.objects.active().defer("id_number", "licence_number"))


def _licences(school, expiring: bool) -> FactValue:
    today, days = timezone.localdate(), warning_days(school)
    drivers = _active_drivers()
    licences = [
        paper for driver in drivers for paper in driver_papers(driver) if paper.kind == PaperKind.LICENCE
    ]
    found = sum(
        1 for paper in licences if (paper.is_expiring(today, days) if expiring else paper.is_overdue(today))
    )
    return FactValue(found, found, len(drivers))


def _licences_expired(school, period: str) -> FactValue:
    return _licences(school, expiring=False)


def _licences_expiring(school, period: str) -> FactValue:
    return _licences(school, expiring=True)


def _outside_age(school, period: str) -> FactValue:
    today = timezone.localdate()
    drivers = _active_drivers()
    outside = sum(1 for driver in drivers if not is_driving_age(driver.date_of_birth, today))
    return FactValue(outside, outside, len(drivers))


def _mismatches(school, period: str) -> FactValue:
    term = parse_term(period)
    trips = Trip.objects.filter(
        planned_departure_at__date__range=(term.start, term.end), departed_at__isnull=False
    ).annotate(mismatched=Exists(HeadcountMismatch.objects.filter(trip=OuterRef("pk"))))
    started = trips.count()
    mismatched = trips.filter(mismatched=True)
    count = mismatched.count()
    unresolved = mismatched.filter(status=TripStatus.UNDER_WAY).count()
    return FactValue(count, count, started, detail={"unresolved": unresolved})


register(FactSource(PAPERS_OVERDUE, "校车证件逾期数（年检、保险）", _papers_overdue, _now))
register(FactSource(PAPERS_EXPIRING, "校车证件即将到期数（年检、保险）", _papers_expiring, _now))
register(FactSource(LICENCES_EXPIRED, "驾驶证已过期的驾驶人数", _licences_expired, _now))
register(FactSource(LICENCES_EXPIRING, "驾驶证即将到期的驾驶人数", _licences_expiring, _now))
register(FactSource(DRIVERS_OUTSIDE_AGE, "年龄不在 25-60 周岁的驾驶人数", _outside_age, _now))
register(
    FactSource(
        HEADCOUNT_MISMATCHES,
        "上下车人数不符的行程数",
        _mismatches,
        lambda school, today: [term_for(today).key],
    )
)


def refresh_vehicle_facts(school) -> None:
    if school is not None:
        for key in VEHICLE_KEYS:
            refresh_fact(school=school, key=key, period=CURRENT)


def refresh_driver_facts(school) -> None:
    if school is not None:
        for key in DRIVER_KEYS:
            refresh_fact(school=school, key=key, period=CURRENT)


def refresh_trip_facts(school, day) -> None:
    if school is not None:
        refresh_fact(school=school, key=HEADCOUNT_MISMATCHES, period=term_for(day).key)


def refresh_all(school) -> None:
    refresh_vehicle_facts(school)
    refresh_driver_facts(school)

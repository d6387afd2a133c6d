"""The rules of school vehicles (DOMAIN.md, "Safety", 校车 / 接送车), in one place.

- A vehicle's safety technical inspection (安全技术检验) is due every 6 months from the last
  one; it and the insurance are valid through their due day.
- A driver is 25 to 60 years old (full years, on the trip's day: from the 25th birthday
  until the day before the 61st) and holds a licence valid on that day, of a class that
  may drive the vehicle:
    20 or more seats (大型客车)              A1
    a school bus, or 10 to 19 seats         A1, B1
    a smaller pick-up vehicle (<= 9 seats)  A1, A2, A3, B1, B2, C1
  A3 (city bus) does not cover school buses; C1 covers small passenger cars only.
- Every date rule reads "on the day": the trip's day, or today for registers and reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from eduplatform.safety.buildings import add_months
from eduplatform.vehicles.models import Driver, LicenceClass, Vehicle, VehicleKind

INSPECTION_MONTHS = 6
MIN_DRIVER_AGE = 25
MAX_DRIVER_AGE = 60
LARGE_BUS_SEATS = 20
MEDIUM_BUS_SEATS = 10


def birthday(born: date, years: int) -> date:
    """The day one turns `years` (29 February birthdays fall on 1 March in common years)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def age_on(born: date, day: date) -> int:
    """Age in full years (周岁) on `day`."""
    age = day.year - born.year
    return age - 1 if day < birthday(born, age) else age


def is_driving_age(born: date, day: date) -> bool:
    return MIN_DRIVER_AGE <= age_on(born, day) <= MAX_DRIVER_AGE


def last_driving_day(born: date) -> date:
    """The last day a driver may drive: the day before their 61st birthday."""
    return birthday(born, MAX_DRIVER_AGE + 1) - timedelta(days=1)


def inspection_due_on(vehicle: Vehicle) -> date:
    return add_months(vehicle.last_inspected_on, INSPECTION_MONTHS)


def licence_classes_for(kind: str, seats: int) -> tuple[str, ...]:
    if seats >= LARGE_BUS_SEATS:
        return (LicenceClass.A1,)
    if kind == VehicleKind.SCHOOL_BUS or seats >= MEDIUM_BUS_SEATS:
        return (LicenceClass.A1, LicenceClass.B1)
    return (
        LicenceClass.A1,
        LicenceClass.A2,
        LicenceClass.A3,
        LicenceClass.B1,
        LicenceClass.B2,
        LicenceClass.C1,
    )


def may_drive(driver: Driver, vehicle: Vehicle) -> bool:
    return driver.licence_class in licence_classes_for(vehicle.kind, vehicle.seats)


# --- Refusals, as (field, message, code) --------------------------------------------------


Problem = tuple[str, str, str]


def vehicle_problems(vehicle: Vehicle, day: date, *, field: str = "vehicle") -> list[Problem]:
    """Why this vehicle may not carry children on `day` (empty: it may)."""
    problems: list[Problem] = []
    if not vehicle.is_in_service:
        problems.append((field, _("%(plate)s 已停用。") % {"plate": vehicle.plate}, "vehicle_out_of_service"))
    due_on = inspection_due_on(vehicle)
    if due_on < day:
        problems.append(
            (
                field,
                _("%(plate)s 的安全技术检验已于 %(date)s 到期，须检验合格后方可出车。")
                % {"plate": vehicle.plate, "date": due_on.isoformat()},
                "inspection_overdue",
            )
        )
    if vehicle.insurance_expires_on < day:
        problems.append(
            (
                field,
                _("%(plate)s 的保险已于 %(date)s 到期。")
                % {"plate": vehicle.plate, "date": vehicle.insurance_expires_on.isoformat()},
                "insurance_expired",
            )
        )
    return problems


def driver_problems(
    driver: Driver, day: date, vehicle: Vehicle | None = None, *, field: str = "driver"
) -> list[Problem]:
    """Why this driver may not drive (this vehicle) on `day` (empty: they may)."""
    problems: list[Problem] = []
    if not driver.is_active:
        problems.append((field, _("%(name)s 已不在岗。") % {"name": driver.name}, "driver_inactive"))
    if not is_driving_age(driver.date_of_birth, day):
        problems.append(
            (
                field,
                _("校车驾驶人须年满 25 周岁且不超过 60 周岁；%(name)s 在 %(date)s 为 %(age)s 周岁。")
                % {"name": driver.name, "date": day.isoformat(), "age": age_on(driver.date_of_birth, day)},
                "driver_age",
            )
        )
    if driver.licence_expires_on < day:
        problems.append(
            (
                field,
                _("%(name)s 的驾驶证已于 %(date)s 过期。")
                % {"name": driver.name, "date": driver.licence_expires_on.isoformat()},
                "licence_expired",
            )
        )
    if vehicle is not None and not may_drive(driver, vehicle):
        problems.append(
            (
                field,
                _("%(name)s 的准驾车型 %(class)s 不能驾驶 %(plate)s（须为 %(classes)s）。")
                % {
                    "name": driver.name,
                    "class": driver.licence_class,
                    "plate": vehicle.plate,
                    "classes": "、".join(licence_classes_for(vehicle.kind, vehicle.seats)),
                },
                "licence_class_mismatch",
            )
        )
    return problems


# --- Papers: what expires, and when -------------------------------------------------------


class PaperKind:
    INSPECTION = "inspection"
    INSURANCE = "insurance"
    LICENCE = "licence"
    AGE = "age"


@dataclass(frozen=True)
class Paper:
    """One dated paper (or limit) of a vehicle or a driver, valid through `valid_until`."""

    kind: str
    subject: Vehicle | Driver
    valid_until: date

    def is_overdue(self, today: date) -> bool:
        return self.valid_until < today

    def is_expiring(self, today: date, warning_days: int) -> bool:
        return not self.is_overdue(today) and (self.valid_until - today).days <= warning_days

    @property
    def is_vehicle(self) -> bool:
        return isinstance(self.subject, Vehicle)

    @property
    def name(self) -> str:
        return {
            PaperKind.INSPECTION: _("安全技术检验"),
            PaperKind.INSURANCE: _("保险"),
            PaperKind.LICENCE: _("驾驶证"),
            PaperKind.AGE: _("驾驶年龄上限"),
        }[self.kind]

    @property
    def subject_label(self) -> str:
        return self.subject.plate if self.is_vehicle else self.subject.name


def vehicle_papers(vehicle: Vehicle) -> list[Paper]:
    return [
        Paper(PaperKind.INSPECTION, vehicle, inspection_due_on(vehicle)),
        Paper(PaperKind.INSURANCE, vehicle, vehicle.insurance_expires_on),
    ]


def driver_papers(driver: Driver) -> list[Paper]:
    return [
        Paper(PaperKind.LICENCE, driver, driver.licence_expires_on),
        Paper(PaperKind.AGE, driver, last_driving_day(driver.date_of_birth)),
    ]


def papers_in_force() -> list[Paper]:
    """Papers of the vehicles in service and the active drivers, soonest first (two queries).

    A vehicle out of service or a driver no longer working needs no renewal reminder."""
    papers = [paper for vehicle in Vehicle.objects.in_service() for paper in vehicle_papers(vehicle)]
    papers += [
        paper for driver in Driver.objects.active().defer("id_number", "licence_number")
        for paper in driver_papers(driver)
    ]  # fmt: skip
    return sorted(papers, key=lambda paper: (paper.valid_until, paper.kind, paper.subject.pk))


def papers_needing_attention(today: date, warning_days: int) -> list[Paper]:
    return [
        paper
        for paper in papers_in_force()
        if paper.is_overdue(today) or paper.is_expiring(today, warning_days)
    ]

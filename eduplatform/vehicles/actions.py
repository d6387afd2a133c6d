"""Every write of school vehicles: vehicles, drivers, pre-departure checks and trips.

Refusals carry a field and a stable code (eduplatform.checklists.refusals); every rule
that applies is reported at once, so a phone shows all the reasons beside their fields.
ID and licence numbers are checked, stored encrypted, and kept out of the audit trail.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import current_school, record_change, record_event, snapshot
from eduplatform.checklists.refusals import refusal
from eduplatform.notifications.actions import notify
from eduplatform.safety.actions import start_inspection
from eduplatform.safety.identity import (
    is_valid_id_number,
    is_valid_phone,
    is_valid_plate,
    normalise_id_number,
    normalise_phone,
    normalise_plate,
)
from eduplatform.safety.models import InspectionStatus
from eduplatform.safety.people import school_leaders, school_staff
from eduplatform.vehicles import facts
from eduplatform.vehicles.checks import blocking_items, latest_check, pre_departure_template
from eduplatform.vehicles.models import (
    Driver,
    HeadcountMismatch,
    LicenceClass,
    Trip,
    TripStatus,
    Vehicle,
    VehicleCheck,
    VehicleKind,
    VehicleStatus,
)
from eduplatform.vehicles.rules import (
    Problem,
    age_on,
    driver_problems,
    is_driving_age,
    vehicle_problems,
)

MAX_SEATS = 100
PLATE_EXAMPLES = {"ordinary": "京A12345", "new_energy": "京AD12345"}
MAX_HEADCOUNT = 1000
LICENCE_NUMBER_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class Refusals:
    """Collects refusals, several per field if need be, and raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.errors.setdefault(field, []).append(ValidationError(message, code=code))

    def extend(self, problems: list[Problem]) -> None:
        for field, message, code in problems:
            self.add(field, message, code)

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _is_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _person_or_none(actor):
    return actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None


# --- Vehicles ----------------------------------------------------------------------------


def _vehicle_values(
    found: Refusals, *, kind, seats, make_model, operator, last_inspected_on, insurance_expires_on
) -> dict:
    if kind not in VehicleKind.values:
        found.add("kind", _("请选择车辆类型。"), "invalid_kind")
    if not _is_number(seats) or not 1 <= seats <= MAX_SEATS:
        found.add("seats", _("核定载客人数应在 1 至 %(max)s 之间。") % {"max": MAX_SEATS}, "invalid_seats")
    make_model = (make_model or "").strip()
    if not make_model:
        found.add("make_model", _("请填写品牌型号。"), "required")
    operator = (operator or "").strip()
    if kind == VehicleKind.PICK_UP and not operator:
        found.add("operator", _("接送车须填写承运单位。"), "operator_required")
    if not isinstance(last_inspected_on, date):
        found.add("last_inspected_on", _("请填写最近一次安全技术检验日期。"), "required")
    elif last_inspected_on > timezone.localdate():
        found.add("last_inspected_on", _("检验日期不能晚于今天。"), "date_in_future")
    if not isinstance(insurance_expires_on, date):
        found.add("insurance_expires_on", _("请填写保险到期日。"), "required")
    return {
        "kind": kind,
        "seats": seats,
        "make_model": make_model[:100],
        "operator": operator[:100],
        "last_inspected_on": last_inspected_on,
        "insurance_expires_on": insurance_expires_on,
    }


def register_vehicle(
    *,
    plate: str,
    kind: str,
    seats: int,
    make_model: str,
    last_inspected_on: date,
    insurance_expires_on: date,
    operator: str = "",
    actor,
) -> Vehicle:
    found = Refusals()
    plate = normalise_plate(plate)
    if not plate:
        found.add("plate", _("请填写车牌号。"), "required")
    elif not is_valid_plate(plate):
        found.add(
            "plate",
            _("车牌号格式不正确，例如：%(ordinary)s 或 %(new_energy)s。") % PLATE_EXAMPLES,
            "invalid_plate",
        )
    elif Vehicle.objects.filter(plate=plate).exists():
        found.add("plate", _("该车牌号已登记。"), "duplicate_plate")
    values = _vehicle_values(
        found, kind=kind, seats=seats, make_model=make_model, operator=operator,
        last_inspected_on=last_inspected_on, insurance_expires_on=insurance_expires_on,
    )  # fmt: skip
    found.raise_any()
    try:
        with transaction.atomic():
            vehicle = Vehicle.objects.create(plate=plate, **values)
            record_change(actor=actor, action="create", instance=vehicle, before=None)
            facts.refresh_vehicle_facts(current_school())
    except IntegrityError:
        raise refusal("plate", _("该车牌号已登记。"), "duplicate_plate") from None
    return vehicle


def update_vehicle(
    *,
    vehicle: Vehicle,
    kind: str,
    seats: int,
    make_model: str,
    last_inspected_on: date,
    insurance_expires_on: date,
    status: str,
    operator: str = "",
    actor,
) -> Vehicle:
    """Record a new inspection or insurance, take the vehicle out of service or back, correct it."""
    found = Refusals()
    values = _vehicle_values(
        found, kind=kind, seats=seats, make_model=make_model, operator=operator,
        last_inspected_on=last_inspected_on, insurance_expires_on=insurance_expires_on,
    )  # fmt: skip
    if status not in VehicleStatus.values:
        found.add("status", _("请选择车辆状态。"), "invalid_status")
    found.raise_any()
    with transaction.atomic():
        vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
        before = snapshot(vehicle)
        for name, value in {**values, "status": status}.items():
            setattr(vehicle, name, value)
        vehicle.save()
        record_change(actor=actor, action="update", instance=vehicle, before=before)
        facts.refresh_vehicle_facts(current_school())
    return vehicle


# --- Drivers -----------------------------------------------------------------------------


def _driver_snapshot(driver: Driver) -> dict:
    """The audit trail's copy, without the licence number: like the ID number (which
    audit.trail.SECRET_FIELDS leaves out), it is usually the holder's ID number."""
    values = snapshot(driver)
    values.pop("licence_number", None)
    return values


def _record_driver(*, actor, action: str, driver: Driver, before: dict | None) -> None:
    record_event(
        actor=actor,
        action=action,
        object_type="vehicles.driver",
        object_id=str(driver.pk),
        before=before,
        after=_driver_snapshot(driver),
    )


def normalise_licence_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def _check_licence(found: Refusals, *, licence_number: str | None, licence_class, licence_expires_on,
                   expiry_changed: bool) -> None:  # fmt: skip
    if licence_number is not None:
        if not licence_number:
            found.add("licence_number", _("请填写驾驶证号。"), "required")
        elif not 10 <= len(licence_number) <= 18 or not set(licence_number) <= LICENCE_NUMBER_CHARACTERS:
            found.add("licence_number", _("驾驶证号应为 10 至 18 位数字或字母。"), "invalid_licence_number")
    if licence_class not in LicenceClass.values:
        found.add("licence_class", _("请选择准驾车型。"), "invalid_licence_class")
    if not isinstance(licence_expires_on, date):
        found.add("licence_expires_on", _("请填写驾驶证有效期。"), "required")
    elif expiry_changed and licence_expires_on < timezone.localdate():
        found.add("licence_expires_on", _("驾驶证已过期，不能登记。"), "licence_expired")


def _check_account(found: Refusals, user) -> None:
    if user is not None and not school_staff(current_school()).filter(pk=user.pk).exists():
        found.add("user", _("请选择本校的教职工账号。"), "invalid_person")


def register_driver(
    *,
    name: str,
    phone: str,
    id_number: str,
    licence_number: str,
    licence_class: str,
    licence_expires_on: date,
    date_of_birth: date | None = None,
    user=None,
    actor,
) -> Driver:
    """Register a driver. The date of birth is read from the ID number (a given one must agree);
    a driver not aged 25-60 today, or whose licence has expired, is refused."""
    found = Refusals()
    name = (name or "").strip()
    if not name:
        found.add("name", _("请填写驾驶人姓名。"), "required")
    phone = normalise_phone(phone)
    if not phone:
        found.add("phone", _("请填写联系电话。"), "required")
    elif not is_valid_phone(phone):
        found.add("phone", _("请填写 11 位手机号或带区号的固定电话。"), "invalid_phone")
    id_number = normalise_id_number(id_number)
    born = None
    if not id_number:
        found.add("id_number", _("请填写身份证号。"), "required")
    elif not is_valid_id_number(id_number):
        found.add("id_number", _("身份证号无效，请核对 18 位号码（最后一位可能是 X）。"), "invalid_id_number")
    else:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    if born is not None and date_of_birth is not None and date_of_birth != born:
        found.add(
            "date_of_birth",
            _("出生日期与身份证号不一致（身份证号为 %(date)s）。") % {"date": born.isoformat()},
            "birth_date_mismatch",
        )
    elif born is not None and not is_driving_age(born, timezone.localdate()):
        found.add(
            "date_of_birth",
            _("校车驾驶人须年满 25 周岁且不超过 60 周岁；该驾驶人今天 %(age)s 周岁。")
            % {"age": age_on(born, timezone.localdate())},
            "driver_age",
        )
    licence_number = normalise_licence_number(licence_number)
    _check_licence(found, licence_number=licence_number, licence_class=licence_class,
                   licence_expires_on=licence_expires_on, expiry_changed=True)  # fmt: skip
    _check_account(found, user)
    if "id_number" not in found and any(
        other.id_number == id_number
        for other in Driver.objects.filter(id_number_last4=id_number[-4:], date_of_birth=born)
    ):
        found.add("id_number", _("该驾驶人已登记。"), "duplicate_driver")
    found.raise_any()
    with transaction.atomic():
        driver = Driver.objects.create(
            name=name[:50], phone=phone, id_number=id_number, id_number_last4=id_number[-4:], date_of_birth=born,
            licence_number=licence_number, licence_number_last4=licence_number[-4:], licence_class=licence_class,
            licence_expires_on=licence_expires_on, user=user,
        )  # fmt: skip
        _record_driver(actor=actor, action="create", driver=driver, before=None)
        facts.refresh_driver_facts(current_school())
    return driver


def update_driver(
    *,
    driver: Driver,
    name: str,
    phone: str,
    licence_class: str,
    licence_expires_on: date,
    is_active: bool = True,
    licence_number: str = "",
    user=None,
    actor,
) -> Driver:
    """Renew a licence, change the phone or account, or take the driver off duty. An empty
    licence number keeps the one on file; the ID number and birth date never change."""
    found = Refusals()
    name = (name or "").strip()
    if not name:
        found.add("name", _("请填写驾驶人姓名。"), "required")
    phone = normalise_phone(phone)
    if not is_valid_phone(phone):
        found.add("phone", _("请填写 11 位手机号或带区号的固定电话。"), "invalid_phone")
    licence_number = normalise_licence_number(licence_number)
    _check_licence(
        found, licence_number=licence_number or None, licence_class=licence_class,
        licence_expires_on=licence_expires_on, expiry_changed=licence_expires_on != driver.licence_expires_on,
    )  # fmt: skip
    _check_account(found, user)
    found.raise_any()
    with transaction.atomic():
        driver = Driver.objects.select_for_update().get(pk=driver.pk)
        before = _driver_snapshot(driver)
        driver.name, driver.phone = name[:50], phone
        driver.licence_class, driver.licence_expires_on = licence_class, licence_expires_on
        driver.user, driver.is_active = user, bool(is_active)
        if licence_number:
            driver.licence_number, driver.licence_number_last4 = licence_number, licence_number[-4:]
        driver.save()
        _record_driver(actor=actor, action="update", driver=driver, before=before)
        facts.refresh_driver_facts(current_school())
    return driver


# --- Pre-departure checks ----------------------------------------------------------------


def start_vehicle_check(*, vehicle: Vehicle, actor) -> VehicleCheck:
    """A draft pre-departure check of the vehicle from the school-vehicle template in force.

    A draft of today not yet submitted is continued rather than doubled."""
    school = current_school()
    template = pre_departure_template(school) if school is not None else None
    if template is None:
        raise refusal("template", _("教育局尚未发布校车出车前检查模板。"), "no_vehicle_template")
    draft = (
        VehicleCheck.objects.filter(
            vehicle=vehicle,
            inspection__status=InspectionStatus.DRAFT,
            inspection__created_at__date=timezone.localdate(),
        )
        .select_related("inspection")
        .first()
    )
    if draft is not None:
        return draft
    with transaction.atomic():
        inspection = start_inspection(template=template, location=vehicle.plate, actor=actor)
        check = VehicleCheck.objects.create(vehicle=vehicle, inspection=inspection)
        record_change(actor=actor, action="create", instance=check, before=None)
    return check


# --- Trips -------------------------------------------------------------------------------


def plan_trip(
    *, vehicle: Vehicle, driver: Driver, escort, route: str, planned_departure_at: datetime, actor
) -> Trip:
    """Plan a trip. The driver must be allowed to drive this vehicle on the trip's day."""
    found = Refusals()
    route = (route or "").strip()
    if not route:
        found.add("route", _("请填写线路或用途。"), "required")
    day = None
    if not isinstance(planned_departure_at, datetime):
        found.add("planned_departure_at", _("请填写发车时间。"), "required")
    else:
        day = timezone.localtime(planned_departure_at).date()
        if day < timezone.localdate():
            found.add("planned_departure_at", _("发车时间不能早于今天。"), "departure_in_past")
    school = current_school()
    if escort is None or not school_staff(school).filter(pk=escort.pk).exists():
        found.add("escort", _("照管员须为本校教职工。"), "escort_not_member")
    elif driver.user_id is not None and driver.user_id == escort.pk:
        found.add("escort", _("照管员不能由驾驶人兼任。"), "escort_is_driver")
    if not vehicle.is_in_service:
        found.add("vehicle", _("%(plate)s 已停用。") % {"plate": vehicle.plate}, "vehicle_out_of_service")
    if day is not None:
        found.extend(driver_problems(driver, day, vehicle))
    found.raise_any()
    with transaction.atomic():
        trip = Trip.objects.create(
            vehicle=vehicle, driver=driver, escort=escort, route=route[:200],
            planned_departure_at=planned_departure_at, planned_by=_person_or_none(actor),
        )  # fmt: skip
        record_change(actor=actor, action="create", instance=trip, before=None)
    return trip


def _headcount(found: Refusals, field: str, value) -> None:
    if not _is_number(value) or not 0 <= value <= MAX_HEADCOUNT:
        found.add(field, _("请填写人数（0 至 %(max)s）。") % {"max": MAX_HEADCOUNT}, "invalid_headcount")


def start_trip(*, trip: Trip, boarding_count: int, actor) -> Trip:
    """Depart: every rule of the trip's day holds, and the boarding headcount is recorded.

    Refused with every reason that applies: a vehicle out of service, its inspection overdue
    or insurance expired, a driver not aged 25-60 or with an expired licence (or one of the
    wrong class), more children than seats, no passing pre-departure check today, or the
    vehicle or driver already on a trip under way.
    """
    found = Refusals()
    _headcount(found, "boarding_count", boarding_count)
    if _is_number(boarding_count) and boarding_count == 0:
        found.add("boarding_count", _("上车人数须至少为 1。"), "invalid_headcount")
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        # Lock the vehicle and the driver too: two trips must not start with either at once.
        vehicle = Vehicle.objects.select_for_update().get(pk=trip.vehicle_id)
        driver = Driver.objects.select_for_update().get(pk=trip.driver_id)
        if trip.status != TripStatus.PLANNED:
            raise refusal("status", _("该行程已%(status)s，不能发车。") % {"status": trip.get_status_display()},
                          "trip_not_planned")  # fmt: skip
        day = timezone.localdate()
        if trip.day != day:
            found.add(
                "planned_departure_at",
                _("该行程安排在 %(date)s，只能在当天发车。") % {"date": trip.day.isoformat()},
                "not_trip_day",
            )
        if _is_number(boarding_count) and boarding_count > vehicle.seats:
            found.add(
                "boarding_count",
                _("上车人数 %(count)s 超过核定载客人数 %(seats)s。")
                % {"count": boarding_count, "seats": vehicle.seats},
                "seats_exceeded",
            )
        found.extend(vehicle_problems(vehicle, day))
        found.extend(driver_problems(driver, day, vehicle))
        check = latest_check(vehicle, day)
        if check is None:
            found.add("check", _("%(plate)s 今天还没有提交出车前检查。") % {"plate": vehicle.plate},
                      "no_pre_departure_check")  # fmt: skip
        elif failed := blocking_items(check):
            found.add(
                "check",
                _("出车前检查有不合格项，不能发车：%(items)s。")
                % {"items": "；".join(item.text for item in failed)},
                "pre_departure_check_failed",
            )
        busy = Trip.objects.under_way().exclude(pk=trip.pk)
        if busy.filter(vehicle=vehicle).exists():
            found.add(
                "vehicle", _("%(plate)s 还有未结束的行程。") % {"plate": vehicle.plate}, "vehicle_on_trip"
            )
        if busy.filter(driver=driver).exists():
            found.add("driver", _("%(name)s 还有未结束的行程。") % {"name": driver.name}, "driver_on_trip")
        found.raise_any()
        before = snapshot(trip)
        trip.status = TripStatus.UNDER_WAY
        trip.departed_at = timezone.now()
        trip.boarding_count = boarding_count
        trip.vehicle_check = check
        trip.started_by = _person_or_none(actor)
        trip.save()
        record_change(actor=actor, action="start", instance=trip, before=before)
        facts.refresh_trip_facts(current_school(), trip.day)
    return trip


def _trip_url(school, trip: Trip) -> str:
    from tenants.routing import school_reverse

    try:
        return school_reverse(school, "frontend:vehicles:trip", pk=trip.pk)
    except NoReverseMatch:
        return ""


def _raise_the_alarm(*, school, trip: Trip, mismatch: HeadcountMismatch) -> None:
    """A child may still be on the bus: tell the safety officers and the principal now."""
    if school is None:
        return
    notify(
        users=school_leaders(school),
        kind="vehicles.headcount_mismatch",
        title=_("%(plate)s 下车人数与上车人数不符：上车 %(boarding)s 人，下车 %(leaving)s 人")
        % {
            "plate": trip.vehicle.plate,
            "boarding": mismatch.boarding_count,
            "leaving": mismatch.leaving_count,
        },
        body=_("线路：%(route)s；司机：%(driver)s。请立即核实每一名学生的去向。")
        % {"route": trip.route, "driver": trip.driver.name},
        url=_trip_url(school, trip),
        severity="danger",
        dedupe_key=f"trip-headcount:{school.code}:{trip.pk}:{mismatch.boarding_count}:{mismatch.leaving_count}",
        school=school,
    )


def close_trip(*, trip: Trip, leaving_count: int, actor) -> Trip:
    """Record the leaving headcount. When it equals the boarding one, the trip is closed.

    When it does not, the trip is NOT closed: the mismatch is recorded, the safety officers
    and the principal are told at once, and the refusal names the field. This record is
    committed before the refusal is raised, on purpose: the alarm must not be rolled back.
    """
    found = Refusals()
    _headcount(found, "leaving_count", leaving_count)
    found.raise_any()
    school = current_school()
    mismatch = None
    with transaction.atomic():
        trip = Trip.objects.select_for_update().select_related("vehicle", "driver").get(pk=trip.pk)
        if trip.status != TripStatus.UNDER_WAY:
            raise refusal("status", _("该行程%(status)s，不能收车。") % {"status": trip.get_status_display()},
                          "trip_not_under_way")  # fmt: skip
        if leaving_count != trip.boarding_count:
            mismatch = HeadcountMismatch.objects.create(
                trip=trip, boarding_count=trip.boarding_count, leaving_count=leaving_count,
                reported_by=_person_or_none(actor),
            )  # fmt: skip
            record_change(actor=actor, action="headcount_mismatch", instance=mismatch, before=None)
            Trip.objects.filter(pk=trip.pk).update(updated_at=timezone.now())
            _raise_the_alarm(school=school, trip=trip, mismatch=mismatch)
        else:
            before = snapshot(trip)
            now = timezone.now()
            trip.status = TripStatus.CLOSED
            trip.leaving_count = leaving_count
            trip.closed_at = now
            trip.closed_by = _person_or_none(actor)
            trip.save()
            trip.mismatches.filter(resolved_at__isnull=True).update(resolved_at=now)
            record_change(actor=actor, action="close", instance=trip, before=before)
        facts.refresh_trip_facts(school, trip.day)
    if mismatch is not None:
        raise refusal(
            "leaving_count",
            _("下车人数（%(leaving)s）与上车人数（%(boarding)s）不符，行程未结束。请立即清点车厢、核实每一名学生的去向；"
              "已通知安全管理人员。")
            % {"leaving": leaving_count, "boarding": trip.boarding_count},
            "headcount_mismatch",
        )  # fmt: skip
    return trip


def correct_boarding_count(*, trip: Trip, boarding_count: int, reason: str, actor) -> Trip:
    """Correct a miscounted boarding headcount of a trip under way, with the reason (for a
    safety officer, once every child is accounted for). The trip is closed as usual after."""
    found = Refusals()
    _headcount(found, "boarding_count", boarding_count)
    reason = (reason or "").strip()
    if not reason:
        found.add("reason", _("请说明更正原因（已核实每一名学生的去向）。"), "required")
    found.raise_any()
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        if trip.status != TripStatus.UNDER_WAY:
            raise refusal("status", _("只能更正行驶中行程的上车人数。"), "trip_not_under_way")
        before = snapshot(trip)
        trip.boarding_count = boarding_count
        trip.boarding_correction = reason[:300]
        trip.save()
        record_change(actor=actor, action="correct_boarding", instance=trip, before=before)
    return trip


def cancel_trip(*, trip: Trip, actor) -> Trip:
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        if trip.status != TripStatus.PLANNED:
            raise refusal("status", _("只能取消尚未发车的行程。"), "trip_not_planned")
        before = snapshot(trip)
        trip.status = TripStatus.CANCELLED
        trip.save()
        record_change(actor=actor, action="cancel", instance=trip, before=before)
    return trip

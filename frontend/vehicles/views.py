"""Pages of school vehicles: the vehicles with their papers, drivers, pre-departure checks,
and trips started and closed on a phone. Views parse, call eduplatform.vehicles.actions,
render; a refusal is shown beside its field (or above the form when it is about the trip
as a whole: the vehicle's papers, the driver, the pre-departure check)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eduplatform.accounts.roles import Capability
from eduplatform.dates import day_from
from eduplatform.safety.people import school_staff
from eduplatform.vehicles import access
from eduplatform.vehicles import actions as vehicles
from eduplatform.vehicles.checks import blocking_items, latest_check
from eduplatform.vehicles.facts import warning_days
from eduplatform.vehicles.models import Driver, TripStatus
from eduplatform.vehicles.rules import (
    age_on,
    driver_papers,
    driver_problems,
    licence_classes_for,
    vehicle_papers,
    vehicle_problems,
)
from frontend.access import capability_required, page_capabilities
from frontend.safety.forms import apply_refusal
from frontend.vehicles.forms import (
    CloseTripForm,
    CorrectBoardingForm,
    DriverForm,
    EditDriverForm,
    EditVehicleForm,
    PlanTripForm,
    StartTripForm,
    VehicleForm,
)

C = Capability
TRIPS_PER_PAGE = 50
RECENT = 20


def _caps(request):
    return page_capabilities(request)


def _refuse_without_record(request) -> None:
    if not access.may_manage(_caps(request)):
        raise PermissionDenied


def _papers(papers, today: date, days: int) -> list[dict]:
    """Each paper with its state for the badge: overdue, due soon (within the warning days) or fine."""
    rows = []
    for paper in papers:
        state = (
            "overdue" if paper.is_overdue(today) else ("due_soon" if paper.is_expiring(today, days) else "ok")
        )
        rows.append({"paper": paper, "state": state})
    return rows


def _worst(rows: list[dict]) -> str:
    states = {row["state"] for row in rows}
    return "overdue" if "overdue" in states else ("due_soon" if "due_soon" in states else "ok")


# --- Vehicles ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def vehicle_list(request):
    form = VehicleForm(request.POST or None)
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            try:
                vehicle = vehicles.register_vehicle(**form.cleaned_data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已登记车辆 %(plate)s。") % {"plate": vehicle.plate})
                return redirect("frontend:vehicles:vehicle", pk=vehicle.pk)
    today, days = timezone.localdate(), warning_days(request.school)
    rows = []
    for vehicle in access.vehicles_for_user(request.user, _caps(request)).order_by("status", "plate"):
        papers = _papers(vehicle_papers(vehicle), today, days)
        rows.append({"vehicle": vehicle, "papers": papers, "state": _worst(papers)})
    return render(
        request,
        "vehicles/vehicles.html",
        {"rows": rows, "form": form, "can_record": access.may_manage(_caps(request)), "days": days},
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def vehicle(request, pk):
    record = access.vehicle_for_user(request.user, _caps(request), pk)
    form = EditVehicleForm(
        request.POST or None,
        initial={name: getattr(record, name) for name in EditVehicleForm.base_fields},
    )
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            try:
                vehicles.update_vehicle(vehicle=record, **form.cleaned_data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("frontend:vehicles:vehicle", pk=record.pk)
    today, days = timezone.localdate(), warning_days(request.school)
    todays = latest_check(record, today)
    return render(
        request,
        "vehicles/vehicle.html",
        {
            "vehicle": record,
            "papers": _papers(vehicle_papers(record), today, days),
            "problems": [message for _field, message, _code in vehicle_problems(record, today)],
            "licence_classes": "、".join(licence_classes_for(record.kind, record.seats)),
            "todays_check": todays,
            "todays_blocking": blocking_items(todays) if todays else [],
            "checks": list(access.checks_of(record)[:RECENT]),
            "trips": list(
                access.trips_for_user(request.user, _caps(request)).filter(vehicle=record)[:RECENT]
            ),
            "form": form,
            "can_record": access.may_manage(_caps(request)),
        },
    )


@require_POST
@capability_required(C.SAFETY_RECORD)
def start_check(request, pk):
    record = access.vehicle_for_user(request.user, _caps(request), pk)
    try:
        check = vehicles.start_vehicle_check(vehicle=record, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("frontend:vehicles:vehicle", pk=record.pk)
    return redirect("frontend:safety:inspection", pk=check.inspection_id)


# --- Drivers -----------------------------------------------------------------------------


def _driver_row(driver: Driver, caps, today: date, days: int) -> dict:
    papers = _papers(driver_papers(driver), today, days)
    return {
        "driver": driver,
        "id_number": access.shown_id_number(driver, caps),
        "licence_number": access.shown_licence_number(driver, caps),
        "age": age_on(driver.date_of_birth, today),
        "papers": papers,
        "state": _worst(papers),
    }


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def driver_list(request):
    caps = _caps(request)
    form = DriverForm(request.POST or None, people=school_staff(request.school))
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["user"] = (
                school_staff(request.school).filter(pk=data["user"]).first() if data["user"] else None
            )
            try:
                driver = vehicles.register_driver(**data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已登记驾驶人 %(name)s。") % {"name": driver.name})
                return redirect("frontend:vehicles:drivers")
    today, days = timezone.localdate(), warning_days(request.school)
    rows = [
        _driver_row(driver, caps, today, days)
        for driver in access.drivers_for_user(request.user, caps).order_by("-is_active", "name", "id")
    ]
    return render(
        request,
        "vehicles/drivers.html",
        {"rows": rows, "form": form, "can_record": access.may_manage(caps), "days": days},
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def driver(request, pk):
    caps = _caps(request)
    record = access.driver_for_user(request.user, caps, pk)
    people = school_staff(request.school)
    form = EditDriverForm(
        request.POST or None,
        people=people,
        initial={
            "name": record.name, "phone": record.phone, "licence_class": record.licence_class,
            "licence_expires_on": record.licence_expires_on, "user": record.user_id, "is_active": record.is_active,
        },
    )  # fmt: skip
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["user"] = people.filter(pk=data["user"]).first() if data["user"] else None
            try:
                vehicles.update_driver(driver=record, **data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("frontend:vehicles:driver", pk=record.pk)
    today = timezone.localdate()
    return render(
        request,
        "vehicles/driver.html",
        {
            "row": _driver_row(record, caps, today, warning_days(request.school)),
            "driver": record,
            "problems": [message for _field, message, _code in driver_problems(record, today)],
            "trips": list(access.trips_for_user(request.user, caps).filter(driver=record)[:RECENT]),
            "form": form,
            "can_record": access.may_manage(caps),
        },
    )


# --- Trips -------------------------------------------------------------------------------


def _plan_form(request, data=None) -> PlanTripForm:
    caps = _caps(request)
    return PlanTripForm(
        data,
        vehicles=access.vehicles_for_user(request.user, caps).in_service().order_by("plate"),
        drivers=access.drivers_for_user(request.user, caps).active().order_by("name"),
        people=school_staff(request.school),
        initial={"planned_departure_at": timezone.localtime().replace(second=0, microsecond=0)},
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SCHOOL_VIEW)
def trip_list(request):
    """Trips of a day (today unless ?date=), and the ones still open from before. An escort
    sees the trips they escort; whoever records safety plans trips here."""
    caps = _caps(request)
    form = _plan_form(request, request.POST or None)
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                trip = vehicles.plan_trip(
                    vehicle=access.vehicle_for_user(request.user, caps, data["vehicle"]),
                    driver=access.driver_for_user(request.user, caps, data["driver"]),
                    escort=school_staff(request.school).filter(pk=data["escort"]).first(),
                    route=data["route"],
                    planned_departure_at=data["planned_departure_at"],
                    actor=request.user,
                )
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已安排行程。"))
                return redirect("frontend:vehicles:trip", pk=trip.pk)
    day = day_from(request.GET.get("date")) or timezone.localdate()
    trips = access.trips_for_user(request.user, caps)
    listed = trips.on_day(day).order_by("planned_departure_at", "id")
    page = Paginator(listed, TRIPS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "day": day,
        # Trips still under way from an earlier day: a child may still be on board.
        "earlier_open": list(
            trips.under_way().filter(planned_departure_at__date__lt=day).order_by("planned_departure_at")
        ),
        "form": form,
        "can_record": access.may_manage(caps),
    }
    if request.htmx:
        return render(request, "vehicles/partials/trip_list.html", context)
    return render(request, "vehicles/trips.html", context)


def _trip_page(request, trip, *, start_form=None, close_form=None, correct_form=None, status=200):
    caps = _caps(request)
    today = timezone.localdate()
    check = latest_check(trip.vehicle, today) if trip.status == TripStatus.PLANNED else trip.vehicle_check
    may_record = access.may_record_headcounts(request.user, caps, trip)
    blockers = []
    if trip.status == TripStatus.PLANNED:
        blockers = [message for _field, message, _code in vehicle_problems(trip.vehicle, trip.day)]
        blockers += [
            message for _field, message, _code in driver_problems(trip.driver, trip.day, trip.vehicle)
        ]
    return render(
        request,
        "vehicles/trip.html",
        {
            "trip": trip,
            "check": check,
            "blocking": blocking_items(check) if check else [],
            "blockers": blockers,
            "mismatches": list(trip.mismatches.all()),
            "start_form": start_form or StartTripForm(),
            "close_form": close_form or CloseTripForm(),
            "correct_form": correct_form or CorrectBoardingForm(),
            "may_record": may_record,
            "can_record": access.may_manage(caps),
            "is_today": trip.day == today,
        },
        status=status,
    )


@require_http_methods(["GET"])
@capability_required(C.SCHOOL_VIEW)
def trip(request, pk):
    return _trip_page(request, access.trip_for_user(request.user, _caps(request), pk))


def _headcount_trip(request, pk):
    record = access.trip_for_user(request.user, _caps(request), pk)
    if not access.may_record_headcounts(request.user, _caps(request), record):
        raise PermissionDenied
    return record


@require_POST
@capability_required(C.SCHOOL_VIEW)
def start_trip(request, pk):
    record = _headcount_trip(request, pk)
    form = StartTripForm(request.POST)
    if form.is_valid():
        try:
            vehicles.start_trip(trip=record, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(
                request, _("已发车，上车 %(count)s 人。") % {"count": form.cleaned_data["boarding_count"]}
            )
            return redirect("frontend:vehicles:trip", pk=record.pk)
    return _trip_page(request, record, start_form=form)


@require_POST
@capability_required(C.SCHOOL_VIEW)
def close_trip(request, pk):
    record = _headcount_trip(request, pk)
    form = CloseTripForm(request.POST)
    if form.is_valid():
        try:
            vehicles.close_trip(trip=record, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            apply_refusal(form, error)
            # The mismatch was recorded: show it with the trip as it now is.
            record = access.trip_for_user(request.user, _caps(request), pk)
        else:
            messages.success(request, _("人数核对无误，行程已结束。"))
            return redirect("frontend:vehicles:trip", pk=record.pk)
    return _trip_page(request, record, close_form=form)


@require_POST
@capability_required(C.SAFETY_RECORD)
def correct_boarding(request, pk):
    record = access.trip_for_user(request.user, _caps(request), pk)
    form = CorrectBoardingForm(request.POST)
    if form.is_valid():
        try:
            vehicles.correct_boarding_count(trip=record, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, _("已更正上车人数，请再次登记下车人数。"))
            return redirect("frontend:vehicles:trip", pk=record.pk)
    return _trip_page(request, record, correct_form=form)


@require_POST
@capability_required(C.SAFETY_RECORD)
def cancel_trip(request, pk):
    record = access.trip_for_user(request.user, _caps(request), pk)
    try:
        vehicles.cancel_trip(trip=record, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已取消行程。"))
    return redirect("frontend:vehicles:trip", pk=record.pk)

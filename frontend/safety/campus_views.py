"""Pages of the building register, the visitor log at the gate, drills and emergency plans.

Views parse, call eduplatform.safety.actions, render; a refusal is shown beside its field.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eduplatform.accounts.roles import Capability
from eduplatform.compliance.periods import term_for
from eduplatform.dates import day_from
from eduplatform.district.settings import setting_value
from eduplatform.safety import actions as safety
from eduplatform.safety import campus_access as access
from eduplatform.safety.buildings import add_months, check_due_on, check_months, review_months
from eduplatform.safety.campus_facts import drills_in_term
from eduplatform.safety.photos import clean_photo
from eduplatform.safety.settings import DRILLS_PER_TERM
from frontend.access import capability_required, page_capabilities
from frontend.files import private_file
from frontend.safety.campus_forms import (
    AssessmentForm,
    BuildingForm,
    DrillForm,
    PlanForm,
    ReviewPlanForm,
    VisitorForm,
)
from frontend.safety.forms import apply_refusal

C = Capability
PER_PAGE = 50


def _caps(request):
    return page_capabilities(request)


def _can_record(request) -> bool:
    return C.SAFETY_RECORD in _caps(request)


def _refuse_without_record(request) -> None:
    if not _can_record(request):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


# --- Buildings ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def buildings(request):
    form = BuildingForm(request.POST or None)
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            try:
                building = safety.register_building(**form.cleaned_data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已登记校舍“%(name)s”。") % {"name": building.name})
                return redirect("frontend:safety:building", pk=building.pk)
    today = timezone.localdate()
    months = check_months(request.school)
    rows = [
        {"building": building, "due_on": check_due_on(building, months)}
        for building in access.buildings_for_user(request.user, _caps(request)).order_by("name")
    ]
    return render(
        request,
        "safety/buildings.html",
        {"rows": rows, "form": form, "today": today, "can_record": _can_record(request), "months": months},
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def building(request, pk):
    record = access.building_for_user(request.user, _caps(request), pk)
    form = AssessmentForm(
        request.POST or None, request.FILES or None, initial={"assessed_on": timezone.localdate()}
    )
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            try:
                safety.record_assessment(building=record, **form.cleaned_data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已记录鉴定结果。"))
                return redirect("frontend:safety:building", pk=record.pk)
    months = check_months(request.school)
    return render(
        request,
        "safety/building.html",
        {
            "building": record,
            "assessments": list(record.assessments.all()),
            "hazards": list(record.hazards.order_by("-reported_on", "-id")),
            "due_on": check_due_on(record, months),
            "today": timezone.localdate(),
            "form": form,
            "can_record": _can_record(request),
        },
    )


# --- Visitors ----------------------------------------------------------------------------


def _with_shown_ids(visitors, caps) -> list:
    rows = list(visitors)
    for visitor in rows:
        visitor.shown_id_number = access.shown_id_number(visitor, caps)
    return rows


@require_http_methods(["GET", "POST"])
@capability_required(C.VISITORS_RECORD)
def visitors(request):
    """The gate's tablet page: sign a visitor in at the top, who is on campus below."""
    caps = _caps(request)
    form = VisitorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visitor = safety.sign_in_visitor(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, _("%(name)s 已登记进校。") % {"name": visitor.name})
            return redirect("frontend:safety:visitors")
    on_campus = access.visitors_for_user(request.user, caps).on_campus().order_by("-entered_at", "-id")
    return render(
        request, "safety/visitors.html", {"form": form, "on_campus": _with_shown_ids(on_campus, caps)}
    )


@require_POST
@capability_required(C.VISITORS_RECORD)
def sign_out_visitor(request, pk):
    visitor = access.visitor_for_user(request.user, _caps(request), pk)
    try:
        visitor = safety.sign_out_visitor(visitor=visitor, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s 已离校。") % {"name": visitor.name})
    if request.POST.get("next") == "log":
        return redirect("frontend:safety:visitor-log")
    return redirect("frontend:safety:visitors")


@require_http_methods(["GET"])
@capability_required(C.VISITORS_RECORD)
def visitor_log(request):
    """Everyone who came in on one day (today unless ?date=YYYY-MM-DD)."""
    caps = _caps(request)
    day = day_from(request.GET.get("date")) or timezone.localdate()
    listed = (
        access.visitors_for_user(request.user, caps).filter(entered_at__date=day).order_by("entered_at", "id")
    )
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = _with_shown_ids(page.object_list, caps)
    return render(request, "safety/visitor_log.html", {"page": page, "day": day})


# --- Drills and plans --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def drills(request):
    form = DrillForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                photos = [clean_photo(upload, field="photos") for upload in data.pop("photos")]
                safety.record_drill(**data, photos=photos, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已记录演练。"))
                return redirect("frontend:safety:drills")
    term = term_for(timezone.localdate())
    listed = access.drills_for_user(request.user, _caps(request)).prefetch_related("photos")
    page = Paginator(listed.order_by("-held_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "safety/drills.html",
        {
            "page": page,
            "form": form,
            "done": drills_in_term(term),
            "minimum": int(setting_value(request.school.district, DRILLS_PER_TERM)),
            "can_record": _can_record(request),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def plans(request):
    form = PlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            try:
                safety.record_plan(**form.cleaned_data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已登记应急预案。"))
                return redirect("frontend:safety:plans")
    today = timezone.localdate()
    months = review_months(request.school)
    rows = [
        {"plan": plan, "due_on": add_months(plan.reviewed_on, months)}
        for plan in access.plans_for_user(request.user, _caps(request))
    ]
    return render(
        request,
        "safety/plans.html",
        {"rows": rows, "form": form, "today": today, "can_record": _can_record(request), "months": months},
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def plan(request, pk):
    record = access.plan_for_user(request.user, _caps(request), pk)
    form = ReviewPlanForm(
        request.POST or None,
        request.FILES or None,
        initial={"approver": record.approver, "reviewed_on": timezone.localdate()},
    )
    if request.method == "POST":
        _refuse_without_record(request)
        if form.is_valid():
            try:
                safety.review_plan(plan=record, **form.cleaned_data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已记录预案复审。"))
                return redirect("frontend:safety:plans")
    months = review_months(request.school)
    return render(
        request,
        "safety/plan.html",
        {
            "plan": record,
            "form": form,
            "due_on": add_months(record.reviewed_on, months),
            "today": timezone.localdate(),
            "can_record": _can_record(request),
        },
    )


@require_http_methods(["GET"])
@capability_required(C.SAFETY_VIEW)
def document(request, kind, pk):
    """A building's assessment report, a plan's document or a drill photo."""
    caps = _caps(request)
    if kind == "assessment":
        file = access.assessment_for_user(request.user, caps, pk).report
    elif kind == "plan":
        file = access.plan_for_user(request.user, caps, pk).document
    elif kind == "drill-photo":
        file = access.drill_photo_for_user(request.user, caps, pk).image
    else:
        raise Http404
    return private_file(file, as_attachment=kind != "drill-photo")

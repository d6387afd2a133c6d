"""Consumables, places, classes and their property lists, and the ledger import."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eduplatform.accounts.roles import Capability
from eduplatform.assets import access, actions
from eduplatform.assets.importing import template_workbook
from eduplatform.assets.models import ImportStatus, PropertyListStatus
from eduplatform.assets.tasks import import_progress_key
from eduplatform.compliance.periods import term_for
from frontend.assets import forms
from frontend.assets.views import PER_PAGE, _caps, _xlsx, any_capability

C = Capability


def _require(request, capability: Capability) -> None:
    if capability not in _caps(request):
        raise PermissionDenied


# --- Consumables -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_VIEW)
def consumables(request):
    form = forms.ConsumableForm(request.POST or None)
    if request.method == "POST":
        _require(request, C.ASSETS_MANAGE)
        if form.is_valid():
            try:
                created = actions.create_consumable(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                forms.add_refusal(form, error)
            else:
                messages.success(request, _("已添加耗材：%(name)s") % {"name": created})
                return redirect("frontend:assets:consumable", created.pk)
    listed = access.consumables_for_user(request.user, capabilities=_caps(request)).filter(is_active=True)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        listed = listed.filter(name__contains=query)
    page = Paginator(listed.order_by("name", "specification"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/consumables.html",
        {"page": page, "form": form, "query": query, "can_manage": C.ASSETS_MANAGE in _caps(request)},
    )


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_VIEW)
def consumable(request, consumable_id):
    found = access.consumable_for_user(request.user, consumable_id, capabilities=_caps(request))
    choices = forms.Choices(request)
    direction = request.POST.get("direction")
    stock_in = forms.StockInForm(request.POST if direction == "in" else None, prefix="in")
    stock_out = forms.StockOutForm(
        request.POST if direction == "out" else None, prefix="out", choices=choices
    )
    if request.method == "POST":
        _require(request, C.ASSETS_MANAGE)
        form = stock_in if direction == "in" else stock_out
        if form.is_valid():
            data = dict(form.cleaned_data)
            if direction == "out":
                data["worn_returned"] = data.get("worn_returned") or 0
            try:
                (actions.stock_in if direction == "in" else actions.stock_out)(
                    found, actor=request.user, **data
                )
            except ValidationError as error:
                forms.add_refusal(form, error)
            else:
                messages.success(request, _("已入库。") if direction == "in" else _("已出库。"))
                return redirect("frontend:assets:consumable", found.pk)
    movements = found.movements.select_related("department", "requester", "approver").order_by("-id")
    page = Paginator(movements, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/consumable.html",
        {
            "consumable": found,
            "page": page,
            "stock_in": stock_in,
            "stock_out": stock_out,
            "can_manage": C.ASSETS_MANAGE in _caps(request),
        },
    )


# --- Places ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_VIEW)
def locations(request):
    form = forms.LocationForm(request.POST or None)
    if request.method == "POST":
        _require(request, C.ASSETS_MANAGE)
        if form.is_valid():
            try:
                actions.create_location(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                forms.add_refusal(form, error)
            else:
                messages.success(request, _("已添加地点。"))
                return redirect("frontend:assets:locations")
    listed = access.locations_for_user(request.user, capabilities=_caps(request)).filter(is_active=True)
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/locations.html",
        {"page": page, "form": form, "can_manage": C.ASSETS_MANAGE in _caps(request)},
    )


# --- Classes and class property lists ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_VIEW, C.ASSETS_BORROW)
def classes(request):
    choices = forms.Choices(request)
    form = forms.SchoolClassForm(request.POST or None, choices=choices)
    if request.method == "POST":
        _require(request, C.ASSETS_MANAGE)
        if form.is_valid():
            try:
                actions.create_school_class(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                forms.add_refusal(form, error)
            else:
                messages.success(request, _("已添加班级。"))
                return redirect("frontend:assets:classes")
    term = term_for_request()
    listed = access.classes_for_user(request.user, capabilities=_caps(request)).select_related(
        "class_teacher"
    )
    lists = {
        property_list.school_class_id: property_list
        for property_list in access.property_lists_for_user(request.user, capabilities=_caps(request)).filter(
            term=term
        )
    }
    page = Paginator(listed.filter(is_active=True), PER_PAGE).get_page(request.GET.get("page"))
    rows = [(school_class, lists.get(school_class.pk)) for school_class in page]
    return render(
        request,
        "assets/classes.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "term": term,
            "can_manage": C.ASSETS_MANAGE in _caps(request),
        },
    )


def term_for_request() -> str:
    from django.utils import timezone

    return term_for(timezone.localdate()).key


@require_POST
@any_capability(C.ASSETS_MANAGE)
def class_teacher(request, class_id):
    school_class = access.school_class_for_user(request.user, class_id, capabilities=_caps(request))
    form = forms.ClassTeacherForm(request.POST, choices=forms.Choices(request))
    if form.is_valid():
        try:
            actions.set_class_teacher(
                school_class, class_teacher=form.cleaned_data["class_teacher"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已更换班主任，本学期的班级财产清单须由新班主任重新签收。"))
    return redirect("frontend:assets:classes")


@require_POST
@any_capability(C.ASSETS_MANAGE)
def generate_list(request, class_id):
    school_class = access.school_class_for_user(request.user, class_id, capabilities=_caps(request))
    try:
        property_list = actions.generate_class_property_list(school_class, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("frontend:assets:classes")
    messages.success(request, _("已生成班级财产清单。"))
    return redirect("frontend:assets:property-list", property_list.pk)


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_VIEW, C.ASSETS_BORROW)
def property_list(request, list_id):
    """The list, and for its class teacher the signature pad (term start) or the check (term end)."""
    found = access.property_list_for_user(request.user, list_id, capabilities=_caps(request))
    items = list(found.items.select_related("asset", "asset__location", "damage_report").order_by("id"))
    is_teacher = found.school_class.class_teacher_id == request.user.pk
    sign_form = forms.SignatureForm(request.POST if request.POST.get("step") == "sign" else None)
    check_form = forms.CheckForm(request.POST if request.POST.get("step") == "check" else None, items=items)
    if request.method == "POST":
        if not is_teacher:
            raise PermissionDenied
        step = request.POST.get("step")
        form = sign_form if step == "sign" else check_form
        if form.is_valid():
            try:
                if step == "sign":
                    actions.sign_class_property_list(
                        found, signature=form.cleaned_data["signature"], actor=request.user
                    )
                else:
                    actions.check_class_property_list(
                        found,
                        results=form.results(),
                        signature=form.cleaned_data["signature"],
                        actor=request.user,
                    )
            except ValidationError as error:
                forms.add_refusal(form, error)
                if "signature" in getattr(error, "error_dict", {}):
                    form.add_error(None, error.error_dict["signature"][0])
            else:
                messages.success(request, _("已签收。") if step == "sign" else _("期末核对已完成。"))
                return redirect("frontend:assets:property-list", found.pk)
    return render(
        request,
        "assets/property_list.html",
        {
            "property_list": found,
            "items": items,
            "signatures": list(found.signatures.order_by("signed_at", "id")),
            "is_teacher": is_teacher,
            "sign_form": sign_form,
            "check_form": check_form,
            "statuses": PropertyListStatus,
        },
    )


# --- Import ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@any_capability(C.ASSETS_MANAGE)
def imports(request):
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = actions.start_import(upload=form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            forms.add_refusal(form, error)
        else:
            return redirect("frontend:assets:import", job.pk)
    jobs = access.import_jobs_for_user(request.user, capabilities=_caps(request)).select_related("created_by")
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    return render(request, "assets/imports.html", {"form": form, "page": page})


@require_GET
@any_capability(C.ASSETS_MANAGE)
def import_template(request):
    return _xlsx(template_workbook(), "assets-import-template.xlsx")


@require_GET
@any_capability(C.ASSETS_MANAGE)
def import_job(request, job_id):
    """The job's page; while it runs, htmx asks for the progress fragment every second."""
    job = access.import_job_for_user(request.user, job_id, capabilities=_caps(request))
    processed = job.processed_rows
    if job.status == ImportStatus.IMPORTING:
        processed = cache.get(import_progress_key(job.pk), 0)
    total = job.summary.get("rows") or job.row_count or 0
    percent = min(100, round(processed * 100 / total)) if total else 0
    context = {
        "job": job,
        "processed": processed,
        "total": total,
        "percent": percent,
        "statuses": ImportStatus,
    }
    if request.htmx:
        response = render(request, "assets/partials/import_status.html", context)
        if not job.is_running:
            # The job is over: reload the page to show the preview or the result.
            response["HX-Refresh"] = "true"
        return response
    return render(request, "assets/import.html", context)


@require_POST
@any_capability(C.ASSETS_MANAGE)
def confirm_import(request, job_id):
    job = access.import_job_for_user(request.user, job_id, capabilities=_caps(request))
    try:
        actions.confirm_import(job, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("frontend:assets:import", job.pk)

"""The school's safety pages: run an inspection on a phone, the hazard register, and
rectify / verify a hazard. Views parse, call eduplatform.safety, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eduplatform.accounts.roles import Capability
from eduplatform.checklists.access import template_for_school, templates_for_school
from eduplatform.checklists.models import Severity
from eduplatform.safety import access, facts
from eduplatform.safety import actions as safety
from eduplatform.safety.actions.hazards import default_deadlines, reporting_source
from eduplatform.safety.models import (
    Hazard,
    HazardCategory,
    HazardSource,
    HazardStatus,
    InspectionStatus,
)
from eduplatform.safety.people import names_of, school_staff, staff_member
from eduplatform.safety.photos import clean_photo, clean_signature
from eduplatform.safety.schedule import requirements
from frontend.access import capability_required, page_capabilities
from frontend.files import private_file
from frontend.safety.forms import (
    AssignForm,
    RectifyForm,
    ReopenForm,
    ReportHazardForm,
    VerifyForm,
    apply_refusal,
)

C = Capability
HAZARDS_PER_PAGE = 50
INSPECTIONS_PER_PAGE = 30


def _caps(request):
    return page_capabilities(request)


# --- Inspections -----------------------------------------------------------------------


@require_http_methods(["GET"])
@capability_required(C.SAFETY_VIEW)
def inspections(request):
    school = request.school
    today = timezone.localdate()
    listed = (
        access.inspections_for_user(request.user, _caps(request))
        .select_related("inspector")
        .order_by("-created_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in InspectionStatus.values:
        listed = listed.filter(status=status)
    page = Paginator(listed, INSPECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    due = requirements(school, today)
    names = names_of({requirement.responsible_id for requirement in due})
    return render(
        request,
        "safety/inspections.html",
        {
            "page": page,
            "status": status,
            "statuses": InspectionStatus.choices,
            "templates": list(templates_for_school(school).order_by("category", "name")),
            "local_templates": list(access.local_templates_for_school().filter(is_active=True)),
            "requirements": [
                {
                    "requirement": requirement,
                    "source": requirement.key,
                    "is_mine": requirement.responsible_id == request.user.pk,
                    "responsible": names.get(requirement.responsible_id, ""),
                }
                for requirement in due
            ],
            "today": today,
            "can_record": C.SAFETY_RECORD in _caps(request),
        },
    )


@require_POST
@capability_required(C.SAFETY_RECORD)
def start_inspection(request):
    """From the form's one list ("t<id>" a district template, "l<id>" the school's own), or
    from `template` / `local_template` ids."""
    template = local = None
    source = request.POST.get("source", "")
    template_id = source[1:] if source.startswith("t") else request.POST.get("template")
    local_id = source[1:] if source.startswith("l") else request.POST.get("local_template")
    if template_id:
        template = template_for_school(request.school, template_id)
    elif local_id:
        local = access.local_template_for_school(local_id)
    try:
        inspection = safety.start_inspection(
            template=template,
            local_template=local,
            location=request.POST.get("location", ""),
            actor=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("frontend:safety:inspections")
    return redirect("frontend:safety:inspection", pk=inspection.pk)


def _answers_from(post, items) -> dict:
    answers = {}
    for item in items:
        prefix = f"item-{item.pk}-"
        answer = {}
        for key in ("result", "number", "text", "choice", "note"):
            if prefix + key in post:
                answer[key] = post[prefix + key]
        if answer:
            answers[item.pk] = answer
    return answers


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def inspection(request, pk):
    record = access.inspection_for_user(request.user, _caps(request), pk)
    items = list(record.items.prefetch_related("photos").order_by("position"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if C.SAFETY_RECORD not in _caps(request):
            raise PermissionDenied
        by_id = {item.pk: item for item in items}
        try:
            for key in request.FILES:
                if key.startswith("photo-item-"):
                    item = by_id.get(int(key.removeprefix("photo-item-"))) if key[11:].isdigit() else None
                    if item is None:
                        raise Http404
                    for each in request.FILES.getlist(key):
                        safety.add_inspection_photo(
                            item=item, image=clean_photo(each, field=f"item-{item.pk}"), actor=request.user
                        )
            for item in items:
                data_url = request.POST.get(f"signature-item-{item.pk}", "")
                if data_url:
                    safety.sign_item(
                        item=item,
                        image=clean_signature(data_url, field=f"item-{item.pk}"),
                        actor=request.user,
                    )
            answers = _answers_from(request.POST, items)
            if request.POST.get("action") == "submit":
                safety.submit_inspection(
                    inspection=record,
                    answers=answers,
                    summary=request.POST.get("summary"),
                    actor=request.user,
                )
                opened = Hazard.objects.filter(inspection=record).count()
                messages.success(
                    request,
                    _("检查已提交。")
                    + (_("已生成 %(count)s 条隐患。") % {"count": opened} if opened else ""),
                )
            else:
                safety.save_answers(inspection=record, answers=answers, actor=request.user)
                messages.success(request, _("已保存草稿。"))
            return redirect("frontend:safety:inspection", pk=record.pk)
        except ValidationError as error:
            errors = error.message_dict
            record.refresh_from_db()
            items = list(record.items.prefetch_related("photos").order_by("position"))
            # Show what the person typed, not what was saved, beside the refusal.
            posted = _answers_from(request.POST, items)
            for item in items:
                for key, value in posted.get(item.pk, {}).items():
                    setattr(
                        item,
                        {"number": "number_value", "text": "text_value", "choice": "choice_value"}.get(
                            key, key
                        ),
                        value,
                    )
    sections: list[tuple[str, list]] = []
    for item in items:
        item.errors = errors.get(f"item-{item.pk}", [])
        if not sections or sections[-1][0] != item.section_title:
            sections.append((item.section_title, []))
        sections[-1][1].append(item)
    return render(
        request,
        "safety/inspection.html",
        {
            "inspection": record,
            "sections": sections,
            "errors": errors,
            "other_errors": [m for field, ms in errors.items() if not field.startswith("item-") for m in ms],
            "hazards": Hazard.objects.filter(inspection=record) if record.is_submitted else [],
            "can_edit": not record.is_submitted and C.SAFETY_RECORD in _caps(request),
        },
    )


@require_POST
@capability_required(C.SAFETY_RECORD)
def remove_inspection_photo(request, pk):
    photo = access.inspection_photo_for_user(request.user, _caps(request), pk)
    inspection_id = photo.item.inspection_id
    try:
        safety.remove_inspection_photo(photo=photo, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("frontend:safety:inspection", pk=inspection_id)


# --- Hazards ---------------------------------------------------------------------------


@require_http_methods(["GET"])
@capability_required(C.HAZARDS_REPORT)
def hazards(request):
    today = timezone.localdate()
    listed = access.hazards_for_user(request.user, _caps(request)).select_related("responsible")
    filters = {
        "status": request.GET.get("status", ""),
        "severity": request.GET.get("severity", ""),
        "category": request.GET.get("category", ""),
        "overdue": request.GET.get("overdue", ""),
    }
    if filters["status"] == "open":
        listed = listed.open()
    elif filters["status"] in HazardStatus.values:
        listed = listed.filter(status=filters["status"])
    if filters["severity"] in Severity.values:
        listed = listed.filter(severity=filters["severity"])
    if filters["category"] in HazardCategory.values:
        listed = listed.filter(category=filters["category"])
    if filters["overdue"] == "1":
        listed = listed.overdue(today)
    page = Paginator(listed.order_by("-reported_on", "-id"), HAZARDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # The labels once per page, not get_*_display() per row: each call translates every choice.
    severity_labels = {key: str(label) for key, label in Severity.choices}
    status_labels = {key: str(label) for key, label in HazardStatus.choices}
    for hazard in page:
        hazard.severity_label = severity_labels.get(hazard.severity, hazard.severity)
        hazard.status_label = status_labels.get(hazard.status, hazard.status)
    month = facts.rectification(today.replace(day=1), today)
    return render(
        request,
        "safety/hazards.html",
        {
            "page": page,
            "filters": filters,
            "today": today,
            "statuses": HazardStatus.choices,
            "severities": Severity.choices,
            "categories": HazardCategory.choices,
            "month": month,
            "month_rate": facts.rate_label(facts.rectification_rate(month["found"], month["rectified"])),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.HAZARDS_REPORT)
def report_hazard(request):
    """Anyone's report with a photo, or, for a bureau inspector, a finding of their visit."""
    school = request.school
    form = ReportHazardForm(
        request.POST or None,
        request.FILES or None,
        people=school_staff(school),
        default_days=default_deadlines(school),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            photos = [clean_photo(upload, field="photos") for upload in data["photos"]]
            hazard = safety.report_hazard(
                category=data["category"], severity=data["severity"], location=data["location"],
                description=data["description"], deadline=data["deadline"], photos=photos,
                responsible=staff_member(school, data["responsible"], "responsible"), actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, _("隐患已上报，编号 %(number)s。") % {"number": hazard.number})
            return redirect("frontend:safety:hazard", pk=hazard.pk)
    return render(
        request,
        "safety/report_hazard.html",
        {
            "form": form,
            "is_bureau_visit": reporting_source(school, request.user) == HazardSource.BUREAU_VISIT,
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.HAZARDS_REPORT)
def hazard(request, pk):
    caps = _caps(request)
    record = access.hazard_for_user(request.user, caps, pk)
    people = list(school_staff(request.school))
    forms = {
        "rectify": RectifyForm(prefix="rectify"),
        "verify": VerifyForm(prefix="verify"),
        "reopen": ReopenForm(prefix="reopen"),
        "assign": AssignForm(
            prefix="assign",
            people=people,
            initial={"responsible": record.responsible_id, "deadline": record.deadline},
        ),
    }
    step = request.POST.get("step", "")
    if request.method == "POST":
        if step in ("start", "rectify") and not access.can_rectify(request.user, caps, record):
            raise PermissionDenied
        if step in ("verify", "reopen") and not access.can_verify(request.user, caps, record):
            raise PermissionDenied
        if step == "assign" and not access.can_assign(request.user, caps, record):
            raise PermissionDenied
        if step not in ("start", "rectify", "verify", "reopen", "assign"):
            raise Http404
        form = {
            "start": None,
            "rectify": RectifyForm(request.POST, request.FILES, prefix="rectify"),
            "verify": VerifyForm(request.POST, prefix="verify"),
            "reopen": ReopenForm(request.POST, prefix="reopen"),
            "assign": AssignForm(request.POST, prefix="assign", people=people),
        }[step]
        if form is not None:
            forms[step] = form
        if form is None or form.is_valid():
            data = form.cleaned_data if form is not None else {}
            try:
                if step == "start":
                    safety.start_rectification(hazard=record, actor=request.user)
                elif step == "rectify":
                    photos = [clean_photo(upload, field="photos") for upload in data["photos"]]
                    safety.rectify_hazard(
                        hazard=record, notes=data["notes"], photos=photos, actor=request.user
                    )
                elif step == "verify":
                    safety.verify_hazard(hazard=record, notes=data["notes"], actor=request.user)
                elif step == "reopen":
                    safety.reopen_hazard(
                        hazard=record, reason=data["reason"], deadline=data["deadline"], actor=request.user
                    )
                else:
                    safety.assign_hazard(
                        hazard=record,
                        responsible=staff_member(request.school, data["responsible"], "responsible"),
                        deadline=data["deadline"],
                        actor=request.user,
                    )
            except ValidationError as error:
                if form is None:
                    for message in error.messages:
                        messages.error(request, message)
                else:
                    apply_refusal(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("frontend:safety:hazard", pk=record.pk)
    today = timezone.localdate()
    return render(
        request,
        "safety/hazard.html",
        {
            "hazard": record,
            "photos": list(record.photos.all()),
            "forms": forms,
            "today": today,
            "is_overdue": record.is_overdue(today),
            "can_rectify": access.can_rectify(request.user, caps, record) and record.can_be_rectified,
            "can_start": access.can_rectify(request.user, caps, record) and record.can_start_rectification,
            "can_verify": access.can_verify(request.user, caps, record) and record.is_awaiting_verification,
            "is_own_rectification": record.was_rectified_by(request.user),
            # The person made responsible may not see inspections: no link to a 404.
            "can_open_inspection": C.SAFETY_VIEW in caps,
            "can_assign": access.can_assign(request.user, caps, record) and record.can_be_reassigned,
            "people": {person.pk: person for person in people},
        },
    )


# --- Photos ----------------------------------------------------------------------------


@require_http_methods(["GET"])
@capability_required(C.HAZARDS_REPORT)
def photo(request, kind, pk):
    """A stored photo, to whoever may see the record it belongs to."""
    caps = _caps(request)
    if kind == "hazard":
        file = access.hazard_photo_for_user(request.user, caps, pk).image
    elif kind == "inspection":
        file = access.inspection_photo_for_user(request.user, caps, pk).image
    elif kind == "signature":
        file = access.signed_item_for_user(request.user, caps, pk).signature
    else:
        raise Http404
    return private_file(file)

"""The school's side of the template library: the district's templates in force (read-only,
with the items the school adds after them), the school's own templates and items, and who
is responsible for which required inspection (they see it on their "today").

Views parse, call eduplatform.safety.actions, render; a refusal is shown beside its field.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eduplatform.accounts.roles import Capability
from eduplatform.checklists.access import template_for_school, templates_for_school
from eduplatform.checklists.models import Frequency
from eduplatform.safety import access
from eduplatform.safety import actions as safety
from eduplatform.safety.models import InspectionResponsibility, LocalItem
from eduplatform.safety.people import inspection_people, inspection_person
from eduplatform.safety.schedule import required_sources
from frontend.access import capability_required, page_capabilities
from frontend.safety.forms import LocalItemForm, LocalTemplateForm, apply_refusal

C = Capability


def _can_manage(request) -> bool:
    return access.can_manage_templates(request.user, page_capabilities(request))


def _refuse_unless_manager(request) -> None:
    if not _can_manage(request):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def school_templates(request):
    """The district's templates this school uses, and the school's own (with a form to add one)."""
    form = LocalTemplateForm(request.POST or None, prefix="local")
    if request.method == "POST":
        _refuse_unless_manager(request)
        if form.is_valid():
            try:
                local = safety.create_local_template(**form.cleaned_data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已创建本校模板，请添加检查项。"))
                return redirect("frontend:safety:local-template", pk=local.pk)
    district_templates = list(templates_for_school(request.school).order_by("category", "name", "id"))
    extra_counts: dict[int, int] = {}
    for template_id in LocalItem.objects.filter(
        district_template_id__isnull=False, is_active=True
    ).values_list("district_template_id", flat=True):
        extra_counts[template_id] = extra_counts.get(template_id, 0) + 1
    for template in district_templates:
        template.extra_count = extra_counts.get(template.pk, 0)
    return render(
        request,
        "safety/school_templates.html",
        {
            "district_templates": district_templates,
            "local_templates": list(access.local_templates_for_school().order_by("-is_active", "name", "id")),
            "form": form,
            "can_manage": _can_manage(request),
        },
    )


def _item_steps(request, form, *, local_template=None, district_template=None) -> bool:
    """The item steps shared by both template pages; True when something changed."""
    step = request.POST.get("step", "")
    if step == "add-item":
        if not form.is_valid():
            return False
        try:
            safety.add_local_item(
                local_template=local_template,
                district_template=district_template,
                actor=request.user,
                **form.definition(),
            )
        except ValidationError as error:
            apply_refusal(form, error)
            return False
        messages.success(request, _("已添加检查项，下一次检查起使用。"))
        return True
    if step == "remove-item":
        item = access.local_item_for_school(request.POST.get("item"))
        # Only an item of the template on this page: another's is not found here.
        if item.local_template_id != getattr(
            local_template, "pk", None
        ) or item.district_template_id != getattr(district_template, "pk", None):
            raise Http404
        safety.remove_local_item(item=item, actor=request.user)
        messages.success(request, _("已停用该检查项，已做过的检查不受影响。"))
        return True
    raise Http404


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def district_template(request, pk):
    """A district template as the school sees it: the bureau's items (which the school cannot
    change) and the school's own items asked after them."""
    template = template_for_school(request.school, pk)
    form = LocalItemForm(request.POST or None, prefix="item")
    if request.method == "POST":
        _refuse_unless_manager(request)
        if _item_steps(request, form, district_template=template):
            return redirect("frontend:safety:district-template", pk=template.pk)
    version = template.current_version
    items = list(version.items.select_related("section").order_by("section__position", "position", "id"))
    return render(
        request,
        "safety/district_template.html",
        {
            "template": template,
            "version": version,
            "items": items,
            "local_items": list(LocalItem.objects.filter(district_template_id=template.pk, is_active=True)),
            "form": form,
            "can_manage": _can_manage(request),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def local_template(request, pk):
    record = access.local_template_for_school(pk)
    form = LocalItemForm(request.POST or None, prefix="item")
    if request.method == "POST":
        _refuse_unless_manager(request)
        if request.POST.get("step") == "active":
            safety.set_local_template_active(
                local_template=record, is_active=request.POST.get("is_active") == "1", actor=request.user
            )
            messages.success(request, _("已保存。"))
            return redirect("frontend:safety:local-template", pk=record.pk)
        if _item_steps(request, form, local_template=record):
            return redirect("frontend:safety:local-template", pk=record.pk)
    return render(
        request,
        "safety/local_template.html",
        {
            "template": record,
            "items": list(record.items.filter(is_active=True)),
            "form": form,
            "can_manage": _can_manage(request),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_VIEW)
def responsibilities(request):
    """Who does each required inspection: one select per template; they see it on "today"."""
    school = request.school
    sources = required_sources(school)
    people = list(inspection_people(school))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        _refuse_unless_manager(request)
        key = request.POST.get("source", "")
        source = next((each for each in sources if each.key == key), None)
        if source is None:
            raise Http404
        try:
            safety.set_responsibility(
                person=inspection_person(school, request.POST.get("person"), "person"),
                template=_template(school, source), local_template=_local(source), actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            errors[key] = [message for messages_ in error.message_dict.values() for message in messages_]
        else:
            messages.success(request, _("已保存负责人。"))
            return redirect("frontend:safety:responsibilities")
    assigned = {
        (f"t{row.template_id}" if row.template_id else f"l{row.local_template_id}"): row.person_id
        for row in InspectionResponsibility.objects.all()
    }
    rows = [
        {
            "source": source,
            "frequency": Frequency(source.frequency).label,
            "person_id": assigned.get(source.key),
            "errors": errors.get(source.key, []),
        }
        for source in sources
    ]
    return render(
        request,
        "safety/responsibilities.html",
        {"rows": rows, "people": people, "can_manage": _can_manage(request)},
    )


def _template(school, source):
    return template_for_school(school, source.template_id) if source.template_id else None


def _local(source):
    return access.local_template_for_school(source.local_template_id) if source.local_template_id else None

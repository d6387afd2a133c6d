"""The bureau's pages: the template library (edit a draft, reorder, publish) and the
hazards its schools escalated. District portal, public schema."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eduplatform.accounts.roles import Capability
from eduplatform.checklists import access
from eduplatform.checklists import actions as checklists
from eduplatform.checklists.actions import draft_of
from frontend.access import capability_required
from frontend.safety.forms import ItemForm, SectionForm, TemplateForm, apply_refusal

C = Capability


@require_http_methods(["GET", "POST"])
@capability_required(C.TEMPLATES_MANAGE)
def templates(request):
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        district = access.district_for_new_template(request.user)
        try:
            template = checklists.create_template(district=district, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, _("已创建模板，请添加检查项后发布。"))
            return redirect("frontend:checklists:template", pk=template.pk)
    listed = access.templates_for_user(request.user).order_by("category", "name", "id")
    return render(
        request,
        "checklists/templates.html",
        {"page": Paginator(listed, 50).get_page(request.GET.get("page")), "form": form},
    )


@require_http_methods(["GET", "POST"])
@capability_required(C.TEMPLATES_MANAGE)
def template(request, pk):
    record = access.template_for_user(request.user, pk)
    draft = draft_of(record)
    shown = draft or record.current_version
    sections = list(shown.sections.all()) if shown else []
    item_form = ItemForm(request.POST or None, sections=sections, prefix="item")
    section_form = SectionForm(request.POST or None, prefix="section")
    step = request.POST.get("step", "")
    if request.method == "POST":
        try:
            if step == "new-version":
                checklists.start_new_version(template=record, actor=request.user)
            elif step == "publish" and draft is not None:
                checklists.publish_version(version=draft, actor=request.user)
                messages.success(request, _("已发布新版本，学校下一次检查即使用该版本。"))
            elif step == "discard" and draft is not None:
                checklists.discard_draft(version=draft, actor=request.user)
            elif step == "add-item" and draft is not None:
                if not item_form.is_valid():
                    raise _FormInvalid
                section = access.section_for_user(request.user, item_form.cleaned_data["section"])
                checklists.add_item(
                    version=draft, section=section, actor=request.user, **item_form.definition()
                )
            elif step == "add-section" and draft is not None:
                if not section_form.is_valid():
                    raise _FormInvalid
                checklists.add_section(
                    version=draft, title=section_form.cleaned_data["title"], actor=request.user
                )
            elif step in ("up", "down", "remove"):
                item = access.template_item_for_user(request.user, record, request.POST.get("item"))
                if step == "remove":
                    checklists.remove_item(item=item, actor=request.user)
                else:
                    checklists.move_item(item=item, offset=-1 if step == "up" else 1, actor=request.user)
            elif step == "active":
                checklists.set_template_active(
                    template=record, is_active=request.POST.get("is_active") == "1", actor=request.user
                )
            else:
                raise Http404
        except _FormInvalid:
            pass
        except ValidationError as error:
            if step == "add-item":
                apply_refusal(item_form, error)
            elif step == "add-section":
                apply_refusal(section_form, error)
            else:
                for message in error.messages:
                    messages.error(request, message)
        else:
            return redirect("frontend:checklists:template", pk=record.pk)
    items = (
        list(shown.items.select_related("section").order_by("section__position", "position", "id"))
        if shown
        else []
    )
    grouped = [(section, [item for item in items if item.section_id == section.pk]) for section in sections]
    return render(
        request,
        "checklists/template.html",
        {
            "template": record,
            "draft": draft,
            "shown": shown,
            "grouped": grouped,
            "item_form": item_form,
            "section_form": section_form,
            "versions": list(record.versions.order_by("-number")),
        },
    )


class _FormInvalid(Exception):
    pass


@require_http_methods(["GET"])
@capability_required(C.SAFETY_VIEW)
def escalations(request):
    listed = access.escalations_for_user(request.user)
    show = request.GET.get("show", "open")
    if show == "open":
        listed = listed.filter(resolved_at__isnull=True)
    return render(
        request,
        "checklists/escalations.html",
        {"page": Paginator(listed, 50).get_page(request.GET.get("page")), "show": show},
    )


@require_POST
@capability_required(C.TEMPLATES_MANAGE)
def seed(request):
    from eduplatform.checklists.library import seed_library

    made = seed_library(access.district_for_new_template(request.user), actor=request.user)
    messages.success(request, _("已导入 %(count)s 个标准模板。") % {"count": made})
    return redirect("frontend:checklists:templates")

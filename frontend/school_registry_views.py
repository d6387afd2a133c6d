"""The bureau's school registry on the district portal: list, provision, edit, archive, restore.

Only for Capability.SCHOOLS_MANAGE, and only schools of the districts the bureau admin
runs (with their child districts): any other school code is a 404. Nothing here deletes a
school; archiving keeps its schema and records, and can be undone.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eduplatform.accounts.management_access import (
    districts_for_school_manager,
    managed_schools,
    school_for_manager,
)
from eduplatform.accounts.roles import Capability
from frontend.access import capability_required
from frontend.school_registry_forms import NewSchoolForm, SchoolEditForm
from tenants import actions as school_actions
from tenants.models import SchoolKind, SchoolStatus

PAGE_SIZE = 50


def _districts(request):
    districts = list(districts_for_school_manager(request.user).order_by("code"))
    if not districts:
        raise PermissionDenied
    return districts


def _show_error(form, error: school_actions.ProvisioningError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


@require_http_methods(["GET"])
@capability_required(Capability.SCHOOLS_MANAGE)
def schools(request):
    _districts(request)
    query = request.GET.get("q", "").strip()[:50]
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    found = managed_schools(request.user).annotate(
        account_count=Count("memberships__user", filter=Q(memberships__is_active=True), distinct=True)
    )
    if query:
        found = found.filter(Q(name__icontains=query) | Q(code__startswith=query))
    if status in SchoolStatus.values:
        found = found.filter(status=status)
    if kind in SchoolKind.values:
        found = found.filter(kind=kind)
    page = Paginator(found.order_by("district__code", "code"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "status": status,
        "kind": kind,
        "statuses": SchoolStatus.choices,
        "kinds": SchoolKind.choices,
    }
    template = "schools/partials/school_table.html" if request.htmx else "schools/schools.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SCHOOLS_MANAGE)
def provision_school(request):
    districts = _districts(request)
    form = NewSchoolForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school = school_actions.provision_school(
                district_code=data["district"],
                details=school_actions.SchoolDetails(
                    code=data["code"].strip(),
                    name=data["name"],
                    kind=data["kind"],
                    address=data["address"],
                    student_count=data["student_count"],
                    staff_count=data["staff_count"],
                ),
                actor=request.user,
            )
        except school_actions.ProvisioningError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("已创建学校“%(name)s”。") % {"name": school.name})
            return redirect("frontend:schools")
    return render(request, "schools/provision.html", {"form": form})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SCHOOLS_MANAGE)
def edit_school(request, code: str):
    school = school_for_manager(request.user, code)
    initial = {
        field: getattr(school, field) for field in ("name", "kind", "address", "student_count", "staff_count")
    }
    form = SchoolEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            school_actions.update_school(school=school, actor=request.user, **form.cleaned_data)
        except school_actions.ProvisioningError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("已保存学校信息。"))
            return redirect("frontend:schools")
    return render(request, "schools/edit.html", {"form": form, "school": school})


def _archive_or_restore(request, code: str, *, archive: bool):
    school = school_for_manager(request.user, code)
    if request.method == "POST":
        try:
            if archive:
                school_actions.archive_school(school=school, actor=request.user)
                messages.success(request, _("已归档学校“%(name)s”。") % {"name": school.name})
            else:
                school_actions.restore_school(school=school, actor=request.user)
                messages.success(request, _("已恢复学校“%(name)s”。") % {"name": school.name})
        except school_actions.ProvisioningError as error:
            messages.error(request, str(error))
        return redirect("frontend:schools")
    return render(request, "schools/confirm_status.html", {"school": school, "archive": archive})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SCHOOLS_MANAGE)
def archive_school(request, code: str):
    return _archive_or_restore(request, code, archive=True)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SCHOOLS_MANAGE)
def restore_school(request, code: str):
    return _archive_or_restore(request, code, archive=False)

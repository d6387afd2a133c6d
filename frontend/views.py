from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eduplatform.accounts.access import districts_for_user, schools_for_user
from eduplatform.accounts.roles import Capability
from eduplatform.organisation.access import departments_for_school
from eduplatform.organisation.actions import create_department
from frontend.access import capability_required, page_capabilities
from frontend.forms import DepartmentForm
from frontend.today import today_for
from tenants.routing import school_prefix

SCHOOLS_PER_PAGE = 30


@login_required
def portal_home(request):
    """The bureau's home, or the way into one's school for school staff."""
    districts = list(districts_for_user(request.user))
    schools = schools_for_user(request.user).order_by("district__code", "code")
    if not districts:
        own = list(schools[:2])
        if len(own) == 1:
            return redirect(school_prefix(own[0].code))
    query = request.GET.get("q", "").strip()[:100]
    if query:
        schools = schools.filter(Q(name__icontains=query) | Q(code__startswith=query))
    schools_page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/bureau/home.html",
        {
            "districts": districts,
            "schools": schools,
            "schools_page": schools_page,
            "query": query,
            # A search box only where the list is long enough to need one.
            "searchable": bool(query) or schools_page.paginator.count > SCHOOLS_PER_PAGE // 2,
            "is_bureau": bool(districts),
            "today": today_for(request),
        },
    )


def school_home(request):
    school = request.school
    return render(
        request,
        "frontend/school/home.html",
        {
            "school": school,
            "roles": sorted(request.school_roles),
            "departments": departments_for_school(),
            "today": today_for(request),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SCHOOL_VIEW)
def departments(request):
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and Capability.ORGANISATION_MANAGE not in page_capabilities(request):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            create_department(
                name=form.cleaned_data["name"],
                is_logistics_office=form.cleaned_data["is_logistics_office"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("已添加部门。"))
            return redirect("frontend:departments")
    template = (
        "frontend/school/partials/departments.html" if request.htmx else "frontend/school/departments.html"
    )
    return render(request, template, {"form": form, "departments": departments_for_school()})


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors and no request context: the failure may be the database.
    return HttpResponseServerError(loader.get_template("500.html").render())

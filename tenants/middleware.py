from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404
from django.urls import set_urlconf
from django.utils.translation import gettext as _

from eduplatform.accounts.access import memberships_of, school_roles
from eduplatform.audit.trail import record_event
from eduplatform.error_reporting import tag_school
from eduplatform.problems import problem_json_response
from tenants.routing import routable_school, school_urlconf

SCHOOL_PREFIX = f"/{settings.TENANT_SUBFOLDER_PREFIX}/"


class SchoolRoutingMiddleware:
    """Route `/s/<code>/...` to the school's schema and URLs; everything else is public.

    An unknown, archived or not yet ready school is a 404, the same as a page that does not
    exist, so the address says nothing about which schools are on the platform.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection.set_schema_to_public()
        request.school = None
        if request.path_info.startswith(SCHOOL_PREFIX):
            code = request.path_info[len(SCHOOL_PREFIX) :].split("/", 1)[0]
            school = routable_school(code)
            if school is None:
                set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
                request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
                if request.path_info[len(SCHOOL_PREFIX) + len(code) :].startswith("/api/"):
                    return problem_json_response(status_code=404, code="not_found", detail=_("未找到。"))
                raise Http404("No such school")
            request.tenant = request.school = school
            connection.set_tenant(school)
            request.urlconf = school_urlconf(school)
            tag_school(school.code)
        else:
            request.tenant = connection.tenant
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            tag_school(None)
        set_urlconf(request.urlconf)
        try:
            return self.get_response(request)
        finally:
            connection.set_schema_to_public()


def public_page(view):
    """Mark a school page that needs no membership (the school's login page)."""
    view.school_public_page = True
    return view


class SchoolMembershipMiddleware:
    """A school's pages need a membership of that school or of its district.

    Pages are protected unless marked with @public_page. The API under the school is
    left to its own authentication and permission classes (sessions and API keys),
    which apply the same rule.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        school = getattr(request, "school", None)
        request.school_roles = frozenset()
        if school is None:
            return None
        if getattr(view_func, "school_public_page", False) or _is_api_view(view_func):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.memberships = memberships_of(request.user)
        request.school_roles = school_roles(request.user, school, request.memberships)
        if not request.school_roles:
            record_event(
                actor=request.user,
                action="access_refused",
                school=school,
                context={"path": request.path, "method": request.method, "reason": "not_a_member"},
            )
            raise Http404("No such school")
        return None


def _is_api_view(view_func) -> bool:
    return getattr(view_func, "cls", None) is not None and hasattr(view_func.cls, "permission_classes")

"""The one base every endpoint is built on, so that a new endpoint is protected by default.

It brings authentication (API key, then session), the capability check, problem+json
errors, cursor pagination in `updated_at` order, `updated_since` filtering, and the log
of every request made with an API key. Views say which capability reads and writes need.
"""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.timezone import get_current_timezone, is_naive, make_aware
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, viewsets
from rest_framework.permissions import SAFE_METHODS

from api.pagination import SyncCursorPagination
from eduplatform.accounts.models import ApiKeyRequest
from eduplatform.accounts.principals import api_key_of
from eduplatform.accounts.roles import Capability

UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only records changed at or after this time (ISO 8601; without a zone, Asia/Shanghai).",
)


class ApiView:
    """Mixed into every API view; see the module docstring."""

    read_capability: Capability | None = Capability.SCHOOL_VIEW
    write_capability: Capability | None = None
    # Per action, where reads and writes are not enough: {"approve": Capability.ASSETS_APPROVE}
    action_capabilities: dict[str, Capability] = {}
    school_only = False
    filters_updated_since = False

    def capability_for(self, request) -> Capability | None:
        action = getattr(self, "action", None)
        if action in self.action_capabilities:
            return self.action_capabilities[action]
        return self.read_capability if request.method in SAFE_METHODS else self.write_capability

    def initial(self, request, *args, **kwargs):
        if self.school_only and getattr(request._request, "school", None) is None:
            raise exceptions.NotFound()
        super().initial(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.filters_updated_since and "updated_since" in self.request.query_params:
            queryset = queryset.filter(updated_at__gte=self._updated_since())
        return queryset

    def _updated_since(self):
        raw = self.request.query_params["updated_since"].strip().replace(" ", "+")
        moment = parse_datetime(raw)
        if moment is None:
            raise exceptions.ValidationError(
                {
                    "updated_since": [
                        exceptions.ErrorDetail(
                            _("时间格式应为 ISO 8601，例如 2026-09-01T08:00:00+08:00。"),
                            code="invalid_datetime",
                        )
                    ]
                }
            )
        return make_aware(moment, get_current_timezone()) if is_naive(moment) else moment

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = api_key_of(getattr(request, "user", None))
        if key is not None:
            ApiKeyRequest.objects.create(
                api_key=key,
                method=request.method,
                path=request.get_full_path()[:500],
                status_code=response.status_code,
                remote_addr=request.META.get("REMOTE_ADDR"),
            )
        return response


class ApiViewSet(ApiView, viewsets.GenericViewSet):
    pagination_class = SyncCursorPagination


class SchoolViewSet(ApiViewSet):
    """Endpoints of one school's API, under /s/<code>/api/v1/."""

    school_only = True
    filters_updated_since = True


class ApiGenericView(ApiView, generics.GenericAPIView):
    pass


def sync_list_schema(viewset):
    """Document `updated_since` on a viewset's list action."""
    return extend_schema(parameters=[UPDATED_SINCE])(viewset)

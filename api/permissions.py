from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from eduplatform.accounts.access import district_capabilities, school_capabilities
from eduplatform.accounts.principals import api_key_of


class MissingCapability(exceptions.PermissionDenied):
    default_code = "missing_capability"


class ReadOnlyKey(exceptions.PermissionDenied):
    default_code = "api_key_read_only"


class CapabilityPermission(BasePermission):
    """The default for every endpoint: who the caller is, where, and what the action needs.

    Under /s/<code>/, a caller with no capability in that school gets a 404, the same answer
    as for a school that does not exist. A view names the capability each action needs
    (`api.base.ApiView.capability_for`); an action that names none is refused.
    """

    def has_permission(self, request, view) -> bool:
        principal = request.user
        if not (principal and principal.is_authenticated):
            raise exceptions.NotAuthenticated()
        school = getattr(request._request, "school", None)
        granted = school_capabilities(principal, school) if school else district_capabilities(principal)
        if school is not None and not granted:
            raise exceptions.NotFound()
        key = api_key_of(principal)
        if key is not None and not key.is_read_write and request.method not in SAFE_METHODS:
            raise ReadOnlyKey(_("该 API 密钥为只读，不能修改数据。"))
        needed = view.capability_for(request)
        if needed is None or needed not in granted:
            raise MissingCapability(
                _("缺少权限：%(capability)s。") % {"capability": needed.label if needed else request.method}
            )
        request.capabilities = granted
        return True

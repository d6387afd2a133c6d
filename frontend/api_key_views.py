"""API key pages: on the district portal for the bureau's own keys (and to see and revoke its
schools' keys), under /s/<code>/ for the school's keys.

The full key is shown once, in the answer to the form that made it, and never again: only
its hash is stored. Another district's or school's key is a 404.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from eduplatform.accounts.api_keys import ApiKeyError, create_api_key, revoke_api_key
from eduplatform.accounts.management_access import (
    api_key_districts,
    api_key_for_manager,
    api_keys_for_manager,
)
from eduplatform.accounts.roles import Capability
from frontend.access import capability_required
from frontend.api_key_forms import ApiKeyForm

PAGE_SIZE = 50


def _portal_districts(request):
    """On the district portal: the districts whose keys this person manages (403 if none)."""
    if getattr(request, "school", None) is not None:
        return None
    districts = list(api_key_districts(request.user).order_by("code"))
    if not districts:
        raise PermissionDenied
    return districts


@require_http_methods(["GET"])
@capability_required(Capability.API_KEYS_MANAGE)
def api_keys(request):
    _portal_districts(request)
    keys = api_keys_for_manager(request.user, school=request.school).order_by("-created_at", "-pk")
    page = Paginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "api_keys/api_keys.html", {"page": page, "now": timezone.now()})


@never_cache
@require_http_methods(["GET", "POST"])
@capability_required(Capability.API_KEYS_MANAGE)
def create_key(request):
    districts = _portal_districts(request)
    form = ApiKeyForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if districts is None:
            scope = {"school": request.school}
        else:
            scope = {"district": next(d for d in districts if str(d.pk) == data["district"])}
        # Valid through the whole of the chosen day, in the bureau's time zone.
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"] + timedelta(days=1), time.min))
        try:
            key, secret = create_api_key(
                name=data["name"],
                actor=request.user,
                is_read_write=data["is_read_write"],
                expires_at=expires_at,
                **scope,
            )
        except ApiKeyError as error:
            form.add_error("expires_on", str(error))
        else:
            return render(request, "api_keys/created.html", {"key": key, "secret": secret})
    return render(request, "api_keys/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.API_KEYS_MANAGE)
def revoke_key(request, key_id: int):
    _portal_districts(request)
    key = api_key_for_manager(request.user, key_id, school=request.school)
    if request.method == "POST":
        try:
            revoke_api_key(key=key, actor=request.user)
        except ApiKeyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已吊销密钥“%(name)s”，使用它的请求将被拒绝。") % {"name": key.name})
        return redirect("frontend:api-keys")
    return render(request, "api_keys/revoke.html", {"key": key})

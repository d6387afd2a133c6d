"""Checks on every signed-in request: the idle timeout, and what a person must do first.

IdleSessionMiddleware ends a session after SESSION_COOKIE_AGE seconds without a request.
AccountSecurityMiddleware sends a person who must change their password, or (when
TWO_FACTOR_REQUIRED_FOR_BUREAU_ADMINS is on) a bureau admin without two-factor sign-in,
to that page before anything else; the API answers them with a problem+json 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from eduplatform.accounts.passwords import password_change_reason
from eduplatform.accounts.security import has_two_factor, is_two_factor_required
from eduplatform.audit.trail import record_event
from eduplatform.problems import problem_json_response

LAST_ACTIVITY_KEY = "last_activity"
# The session's last-activity time is rewritten at most this often, so that a page full
# of htmx requests does not write the session on every one of them.
ACTIVITY_RESOLUTION_SECONDS = 60


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _redirect(request, url: str):
    # htmx would swap the target page into a fragment; have it load the whole page instead.
    return HttpResponseClientRedirect(url) if _is_htmx(request) else HttpResponseRedirect(url)


class IdleSessionMiddleware:
    """Sign a person out after SESSION_COOKIE_AGE seconds (SESSION_IDLE_SECONDS) without a request.

    Why a timestamp in the session rather than the session's own expiry: sessions use the
    cached_db engine, which trusts a session it finds in the cache without looking at its
    expiry date; the cache entry ends by Redis's clock. That is correct in production, but it
    leaves the rule to the engine and to Redis, where no test can move the clock. Checking a
    last-activity time against Django's clock on every request makes the rule explicit, the
    same for every engine, and testable with time-machine; the session's own expiry (saved
    with each touch below) remains a backstop. cached_db stays: reading the session from
    Redis on every request is worth keeping.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            last_activity = request.session.get(LAST_ACTIVITY_KEY)
            if last_activity is not None and now - last_activity > settings.SESSION_COOKIE_AGE:
                request.logout_reason = "idle"
                logout(request)
                messages.info(
                    request,
                    _("您已超过 %(minutes)d 分钟未操作，为了账号安全已自动退出，请重新登录。")
                    % {"minutes": settings.SESSION_COOKIE_AGE // 60},
                )
                if _is_htmx(request):
                    return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
            elif last_activity is None or now - last_activity >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


@dataclass(frozen=True)
class RequiredStep:
    code: str  # the API's problem code
    url_name: str
    view_names: frozenset[str]


PASSWORD_STEP = RequiredStep(
    "password_change_required", "accounts:password-change", frozenset({"accounts:password-change"})
)
TWO_FACTOR_STEP = RequiredStep(
    "two_factor_required", "accounts:two-factor", frozenset({"accounts:two-factor"})
)
# Reachable whatever is pending: leaving, switching language, the probes. Static files
# never get here (whitenoise answers them first).
ALWAYS_ALLOWED_VIEWS = frozenset({"accounts:logout", "set_language", "healthz", "readyz"})


def required_step(request) -> RequiredStep | None:
    """What this signed-in person must do before anything else: change the password first,
    then set up two-factor sign-in."""
    user = request.user
    if password_change_reason(user) is not None:
        return PASSWORD_STEP
    is_verified = getattr(user, "is_verified", None)
    if not (is_verified and is_verified()) and is_two_factor_required(user):
        return TWO_FACTOR_STEP
    return None


def _is_api_view(view_func) -> bool:
    return hasattr(getattr(view_func, "cls", None), "permission_classes")


class AccountSecurityMiddleware:
    """Hold a person at their required step (see required_step) until it is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if request.headers.get("Authorization", "").startswith("Api-Key "):
            return None  # the API key, not this session, is who is calling
        step = required_step(request)
        if step is None:
            return None
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in ALWAYS_ALLOWED_VIEWS or view_name in step.view_names:
            return None
        if _is_api_view(view_func):
            record_event(
                actor=request.user,
                action="access_refused",
                context={"path": request.path, "method": request.method, "reason": step.code},
            )
            detail = {
                PASSWORD_STEP.code: _("请先在网页上修改密码，然后才能继续使用。"),
                TWO_FACTOR_STEP.code: _("请先在网页上启用两步验证，然后才能继续使用。"),
            }[step.code]
            return problem_json_response(status_code=403, code=step.code, detail=detail)
        if step is TWO_FACTOR_STEP and has_two_factor(request.user):
            # Enrolled in another session since this one signed in: sign in again with the code.
            logout(request)
            messages.info(request, _("请重新登录并输入两步验证码。"))
            return _redirect(request, resolve_url(settings.LOGIN_URL))
        url = reverse(step.url_name)
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return _redirect(request, url)

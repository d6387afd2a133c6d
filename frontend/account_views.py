"""Signing in (with the two-factor step), signing out, changing one's password, two-factor set-up.

The same pages serve the bureau portal (/accounts/...) and each school (/s/<code>/accounts/...),
so URLs are reversed in the current URLConf and a school's people stay under its prefix.
"""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from eduplatform.accounts.lockout import lockout_of
from eduplatform.accounts.models import User
from eduplatform.accounts.passwords import password_change_reason
from eduplatform.accounts.security import (
    change_password,
    enrol_two_factor,
    has_two_factor,
    is_two_factor_required,
    new_two_factor_key,
    remove_two_factor,
    two_factor_config_url,
    two_factor_device,
    verify_two_factor,
)
from frontend.account_forms import (
    LoginForm,
    PasswordChangeForm,
    TwoFactorRemoveForm,
    TwoFactorTokenForm,
    lockout_message,
)
from tenants.middleware import public_page

# Between the password and the code, the session holds who is signing in (not signed in yet).
PENDING_LOGIN_KEY = "pending_login"
PENDING_LOGIN_SECONDS = 5 * 60
PENDING_LOGIN_ATTEMPTS = 5
ENROLMENT_KEY = "two_factor_enrolment_key"


def _add_errors(form, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


def _next_url(request) -> str | None:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


# --- Signing in and out ------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Under /s/<code>/ this resolves to that school's home, at the root to the portal.
        return reverse("frontend:home")

    def form_valid(self, form):
        user = form.get_user()
        if not has_two_factor(user):
            return super().form_valid(form)
        # The password was right; the person is signed in only once the code is right too.
        self.request.session[PENDING_LOGIN_KEY] = {
            "user_id": user.pk,
            "backend": user.backend,
            "started_at": int(timezone.now().timestamp()),
            "next": self.get_success_url(),
            "failures": 0,
        }
        return redirect("accounts:login-verify")


login = public_page(LoginView.as_view())
logout = public_page(auth_views.LogoutView.as_view())


def _pending_user(pending) -> User | None:
    if not isinstance(pending, dict):
        return None
    if int(timezone.now().timestamp()) - pending.get("started_at", 0) > PENDING_LOGIN_SECONDS:
        return None
    return User.objects.filter(pk=pending.get("user_id"), is_active=True).first()


@public_page
@never_cache
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def login_verify(request):
    """The second sign-in step: the 6-digit code from the person's authenticator app."""
    pending = request.session.get(PENDING_LOGIN_KEY)
    user = _pending_user(pending)
    if user is None:
        request.session.pop(PENDING_LOGIN_KEY, None)
        messages.info(request, _("请输入用户名和密码登录。"))
        return redirect("accounts:login")
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = verify_two_factor(user=user, token=form.cleaned_data["token"])
        except ValidationError as error:
            _add_errors(form, error)
            pending["failures"] += 1
            if pending["failures"] >= PENDING_LOGIN_ATTEMPTS:
                del request.session[PENDING_LOGIN_KEY]
                messages.error(request, _("验证码错误次数过多，请重新登录。"))
                return redirect("accounts:login")
            request.session[PENDING_LOGIN_KEY] = pending
        else:
            del request.session[PENDING_LOGIN_KEY]
            auth_login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            return redirect(pending["next"])
    return render(request, "accounts/login_verify.html", {"form": form})


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: what a refused or locking attempt gets back.

    The login page already says why (LoginForm.clean) and stays, answered with 429. Any
    other login form that authenticates (the operator's admin) gets the same message on
    a page of its own.
    """
    if original_response is not None and getattr(request, "lockout_shown", False):
        original_response.status_code = 429
        return original_response
    message = lockout_message(lockout_of(request, credentials))
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)


# --- Changing one's password ------------------------------------------------------------


@login_required
@never_cache
@sensitive_post_parameters("old_password", "new_password", "new_password_confirm")
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Anyone's own password; also where a temporary or expired password is replaced."""
    reason = password_change_reason(request.user)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                actor=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            # The session's hash follows the password; keep this session signed in.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect(_next_url(request) or reverse("frontend:home"))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "reason": reason,
            "max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
            "next": _next_url(request) or "",
        },
    )


# --- Two-factor sign-in -----------------------------------------------------------------


def _qr_svg(text: str) -> str:
    # segno writes the SVG itself from our own otpauth:// URL; nothing user-typed goes in.
    return mark_safe(segno.make(text, error="m").svg_inline(scale=5, dark="#000", light="#fff"))  # noqa: S308


def _grouped_secret(key: str) -> str:
    secret = b32encode(unhexlify(key.encode())).decode()
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


@login_required
@never_cache  # the page shows the secret while setting up
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Two-factor status, and setting it up: scan the code, then confirm with a code."""
    user = request.user
    device = two_factor_device(user)
    context = {"is_required": is_two_factor_required(user), "next": _next_url(request) or ""}
    if device is not None:
        return render(
            request,
            "accounts/two_factor.html",
            {**context, "device": device, "remove_form": TwoFactorRemoveForm()},
        )
    key = request.session.get(ENROLMENT_KEY)
    if not key:
        key = request.session[ENROLMENT_KEY] = new_two_factor_key()
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = enrol_two_factor(user=user, key=key, token=form.cleaned_data["token"], actor=user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            del request.session[ENROLMENT_KEY]
            # This session has just proved the code: it counts as verified.
            django_otp.login(request, device)
            messages.success(request, _("已启用两步验证。以后登录时需要输入身份验证器中的验证码。"))
            return redirect(_next_url(request) or reverse("accounts:two-factor"))
    return render(
        request,
        "accounts/two_factor.html",
        {
            **context,
            "form": form,
            "qr_svg": _qr_svg(two_factor_config_url(user, key)),
            "secret": _grouped_secret(key),
        },
    )


@login_required
@sensitive_post_parameters("password")
@require_POST
def two_factor_remove(request):
    """Turn two-factor sign-in off (to move it to a new phone), confirmed with the password."""
    device = two_factor_device(request.user)
    if device is None:
        return redirect("accounts:two-factor")
    form = TwoFactorRemoveForm(request.POST)
    if form.is_valid():
        try:
            remove_two_factor(user=request.user, actor=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已关闭两步验证。"))
            return redirect("accounts:two-factor")
    return render(
        request,
        "accounts/two_factor.html",
        {"device": device, "remove_form": form, "is_required": is_two_factor_required(request.user)},
        status=400,
    )

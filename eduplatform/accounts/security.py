"""Account security actions: passwords, two-factor devices, unlocking.

Each action takes a keyword-only `actor`, runs in one transaction and writes an audit
record. Passwords and two-factor secrets never reach the audit trail.
"""

from __future__ import annotations

import math
import time
from binascii import unhexlify

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from eduplatform.accounts.lockout import reset_account_attempts
from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.passwords import password_change_reason
from eduplatform.accounts.roles import Role
from eduplatform.audit.trail import record_event

USER_TYPE = "accounts.user"
DEVICE_NAME = "authenticator"


def _password_state(user: User) -> dict:
    return {
        "must_change_password": user.must_change_password,
        "password_changed_at": user.password_changed_at,
    }


def _validated_new_password(user: User, password: str, field: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


def change_password(*, user: User, old_password: str, new_password: str, actor) -> None:
    """A person changes their own password: the current one, then a new one the policy accepts.

    Clears a pending forced change and restarts the rotation clock. The caller keeps the
    session signed in (update_session_auth_hash), since the session hash follows the password.
    """
    if not user.check_password(old_password):
        record_event(
            actor=actor, action="password_change_refused", object_type=USER_TYPE, object_id=str(user.pk),
            context={"reason": "wrong_old_password"},
        )  # fmt: skip
        raise ValidationError(
            {"old_password": ValidationError(_("当前密码不正确。"), code="password_incorrect")}
        )
    if new_password == old_password:
        raise ValidationError(
            {"new_password": ValidationError(_("新密码不能与当前密码相同。"), code="password_unchanged")}
        )
    _validated_new_password(user, new_password, "new_password")
    with transaction.atomic():
        before = _password_state(user)
        reason = password_change_reason(user)
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        record_event(
            actor=actor, action="password_change", object_type=USER_TYPE, object_id=str(user.pk),
            before=before, after=_password_state(user), context={"required_because": reason or ""},
        )  # fmt: skip


def unlock_account(*, user: User, actor) -> int:
    """An administrator lifts a lockout of an account before its cool-off ends.

    A locked address is not lifted here; it ends with the cool-off (or `axes_reset_ip`).
    """
    with transaction.atomic():
        cleared = reset_account_attempts(user.username)
        record_event(
            actor=actor, action="unlock", object_type=USER_TYPE, object_id=str(user.pk),
            context={"username": user.username, "cleared_attempts": cleared},
        )  # fmt: skip
    return cleared


# --- Two-factor authentication (TOTP) ---------------------------------------------------


def two_factor_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_two_factor_required(user: User) -> bool:
    """Bureau admins must use two-factor sign-in when TWO_FACTOR_REQUIRED_FOR_BUREAU_ADMINS is on."""
    return bool(
        settings.TWO_FACTOR_REQUIRED_FOR_BUREAU_ADMINS
        and Membership.objects.active().filter(user=user, role=Role.BUREAU_ADMIN).exists()
    )


def new_two_factor_key() -> str:
    """A fresh TOTP secret (hex), kept in the enrolling person's session until confirmed."""
    return random_hex(20)


def two_factor_config_url(user: User, key: str) -> str:
    """The otpauth:// URL an authenticator app scans."""
    return TOTPDevice(user=user, key=key).config_url


def _otp_failed(user: User, *, stage: str, reason: str) -> None:
    record_event(
        actor=user, action="otp_failed", object_type=USER_TYPE, object_id=str(user.pk),
        context={"stage": stage, "reason": reason},
    )  # fmt: skip


def _token_error(message: str, code: str) -> ValidationError:
    return ValidationError({"token": ValidationError(message, code=code)})


def enrol_two_factor(*, user: User, key: str, token: str, actor) -> TOTPDevice:
    """Confirm an authenticator app: the code it shows must match the secret it scanned.

    The device is saved only once confirmed, so an abandoned enrolment leaves nothing behind.
    """
    totp = TOTP(unhexlify(key.encode()))
    totp.time = time.time()
    if not (token.isdigit() and totp.verify(int(token), tolerance=1)):
        _otp_failed(user, stage="enrol", reason="invalid")
        raise _token_error(_("验证码不正确，请输入身份验证器中当前显示的 6 位数字。"), "invalid_token")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
        )
        record_event(
            actor=actor, action="two_factor_enrol", object_type=USER_TYPE, object_id=str(user.pk),
            context={"device": device.persistent_id},
        )  # fmt: skip
    return device


def verify_two_factor(*, user: User, token: str) -> TOTPDevice:
    """The second step of signing in: the code from the person's authenticator.

    django-otp throttles a device after a wrong code (1, 2, 4, 8... seconds), and a code
    is accepted only once.
    """
    device = two_factor_device(user)
    if device is None:
        raise _token_error(_("此账号未启用两步验证。"), "no_device")
    is_allowed, details = device.verify_is_allowed()
    if not is_allowed:
        _otp_failed(user, stage="login", reason="throttled")
        seconds = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
        raise _token_error(
            _("验证码错误次数过多，请 %(seconds)d 秒后再试。") % {"seconds": seconds}, "throttled"
        )
    verified = verify_token(user, device.persistent_id, token)
    if verified is None:
        _otp_failed(user, stage="login", reason="invalid")
        raise _token_error(_("验证码不正确，请输入身份验证器中当前显示的 6 位数字。"), "invalid_token")
    return verified


def remove_two_factor(*, user: User, actor, password: str | None = None) -> int:
    """Remove a person's authenticator: by themselves (with their password), or by an
    administrator who may manage their account (the caller checks that) when a phone is lost."""
    is_self = getattr(actor, "pk", None) == user.pk
    if is_self and not (password and user.check_password(password)):
        raise ValidationError({"password": ValidationError(_("密码不正确。"), code="password_incorrect")})
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        record_event(
            actor=actor, action="two_factor_remove", object_type=USER_TYPE, object_id=str(user.pk),
            context={"removed_devices": removed, "by_administrator": not is_self},
        )  # fmt: skip
    return removed

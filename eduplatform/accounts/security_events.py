"""Sign-ins, failed sign-ins and lockouts go into the audit trail (and a sign-in starts
the session's idle clock).

These are Django's (and django-axes') own signals about authentication, not business
rules; the rules themselves live in actions.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from eduplatform.accounts.backends import find_account
from eduplatform.accounts.lockout import client_ip, lockout_of
from eduplatform.accounts.middleware import LAST_ACTIVITY_KEY
from eduplatform.audit.trail import record_event


def _client(request) -> dict:
    if request is None:
        return {}
    return {
        # The address lockouts count by (proxy-aware), so the two can be compared.
        "ip": client_ip(request),
        "path": request.path,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
    }


def _refused_by_lockout(request) -> bool:
    # django-axes flags a request refused because the account or address was already
    # locked, and does not count it (the failure count stays unset); a failure that
    # starts a lockout is flagged too, but counted.
    return bool(
        getattr(request, "axes_locked_out", False)
        and getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_logged_in, dispatch_uid="start_idle_clock")
def start_idle_clock(sender, request, user, **kwargs):
    # The idle timeout (IdleSessionMiddleware) counts from the sign-in itself.
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(timezone.now().timestamp())


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender, request, user, **kwargs):
    record_event(
        actor=user, action="login", object_type="accounts.user", object_id=str(user.pk), school=None,
        context=_client(request),
    )  # fmt: skip


@receiver(user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(
            actor=user, action="logout", object_type="accounts.user", object_id=str(user.pk), school=None,
            # "idle" when IdleSessionMiddleware ended the session.
            context={**_client(request), "reason": getattr(request, "logout_reason", "user")},
        )  # fmt: skip


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("username", ""))[:100]
    record_event(
        actor=f"login:{attempted}" if attempted else "anonymous",
        action="login_failed",
        object_type="accounts.user",
        school=None,
        context={
            **_client(request),
            "username": attempted,
            "reason": "locked_out" if _refused_by_lockout(request) else "wrong_credentials",
        },
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    # Axes also signals every attempt refused during a lockout; those are audited as
    # login_failed above. Only the failure that starts a lockout has been counted.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    account = find_account(username or "")
    lockout = lockout_of(request, getattr(request, "axes_credentials", None))
    record_event(
        actor=f"login:{username}"[:100] if username else "anonymous",
        action="lockout",
        object_type="accounts.user",
        object_id=str(account.pk) if account is not None else "",
        school=None,
        context={
            **_client(request),
            "username": username or "",
            "ip": ip_address,
            "failures": request.axes_failures_since_start,
            "account_locked": bool(lockout and lockout.is_account_locked),
            "address_locked": bool(lockout and lockout.is_address_locked),
            "retry_at": lockout.retry_at.isoformat() if lockout else None,
        },
    )

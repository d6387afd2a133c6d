"""Sign-ins, failed sign-ins and lockouts go into the audit trail.

These are Django's (and django-axes') own signals about authentication, not business
rules; the rules themselves live in actions.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from eduplatform.audit.trail import record_event


def _client(request) -> dict:
    if request is None:
        return {}
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "path": request.path,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
    }


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
            context=_client(request),
        )  # fmt: skip


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("username", ""))[:100]
    record_event(
        actor=f"login:{attempted}" if attempted else "anonymous",
        action="login_failed",
        object_type="accounts.user",
        school=None,
        context={**_client(request), "username": attempted},
    )

"""Lockout after repeated failed logins, on top of django-axes.

Axes counts failures in the database (AXES_HANDLER is the database handler, so nothing
lives in a cache that outlasts a test's transaction) and refuses a login while either
the account or the client address has reached the limit within the cool-off period.
This module gives axes the account a login name means and the client's address, and
tells the login page which lock applies and until when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from ipware.ip import get_client_ip

from eduplatform.accounts.backends import find_account


def account_username(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username of the account a login name means.

    A person may sign in with their username or their phone number; both must count
    against the same account, so axes is given the account's username. A name that
    matches no account is counted as typed (its attempts still count against the address).
    """
    login = None
    if credentials:
        login = credentials.get("username")
    elif request is not None:
        data = getattr(request, "data", None) or request.POST
        login = data.get("username")
    if not login:
        return None
    login = str(login).strip()
    # Axes asks several times while handling one attempt; look the account up once.
    resolved = getattr(request, "_account_usernames", None) if request is not None else None
    if resolved is None:
        resolved = {}
        if request is not None:
            request._account_usernames = resolved
    if login not in resolved:
        account = find_account(login)
        resolved[login] = account.username if account is not None else login
    return resolved[login]


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, which lockouts count and audit records show.

    REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost one
    forwarded, found by django-ipware with the AXES_IPWARE_* settings. When a request did
    not come through all the proxies (the chain is too short), ipware finds nothing; it is
    then counted by REMOTE_ADDR, never under a blank address that every such request shares.
    """
    if request is None:
        return None
    address, _is_routable = get_client_ip(
        request,
        proxy_order=settings.AXES_IPWARE_PROXY_ORDER,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        proxy_trusted_ips=settings.AXES_IPWARE_PROXY_TRUSTED_IPS,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    return address or request.META.get("REMOTE_ADDR")


@dataclass(frozen=True)
class Lockout:
    is_account_locked: bool
    is_address_locked: bool
    retry_at: datetime


def _lock_ends_at(rows: list[tuple[datetime, int]], limit: int, cool_off) -> datetime | None:
    """When the attempts in `rows` stop adding up to the limit, as axes counts them.

    Axes sums the failures of the attempt rows whose latest failure is within the
    cool-off; rows drop out oldest first, so the lock ends when enough have dropped out.
    """
    remaining = sum(failures for _time, failures in rows)
    if remaining < limit:
        return None
    for attempt_time, failures in sorted(rows):
        remaining -= failures
        if remaining < limit:
            return attempt_time + cool_off
    return None  # pragma: no cover - the loop always ends below the limit


def lockout_of(request, credentials: dict | None = None) -> Lockout | None:
    """Whether this login attempt is locked out, by account, by address or both, and until when."""
    cool_off = get_cool_off(request)
    limit = settings.AXES_FAILURE_LIMIT
    since = timezone.now() - cool_off
    username = get_client_username(request, credentials)
    address = client_ip(request)
    ends: dict[str, datetime] = {}
    for scope, field, value in (("account", "username", username), ("address", "ip_address", address)):
        if not value:
            continue
        rows = list(
            AccessAttempt.objects.filter(**{field: value}, attempt_time__gte=since).values_list(
                "attempt_time", "failures_since_start"
            )
        )
        end = _lock_ends_at(rows, limit, cool_off)
        if end is not None:
            ends[scope] = end
    if not ends:
        return None
    return Lockout(
        is_account_locked="account" in ends,
        is_address_locked="address" in ends,
        retry_at=max(ends.values()),
    )


def reset_account_attempts(username: str) -> int:
    """Forget an account's failed logins (an administrator unlocking it)."""
    return AccessAttempt.objects.filter(username=username).delete()[0]

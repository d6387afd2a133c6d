"""Making, checking and revoking API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.accounts.models import ApiKey
from eduplatform.audit.trail import record_change, record_event, snapshot

KEY_PREFIX = "edu"
PREFIX_LENGTH = 8
# How often last_used_at is written: every request would make one hot row per key.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyError(Exception):
    """A key that cannot be used; `code` is the stable problem code the API answers with."""

    def __init__(self, code: str, message: str, key: ApiKey | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.key = key


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    *, name: str, actor, school=None, district=None, is_read_write: bool = False, expires_at: datetime
) -> tuple[ApiKey, str]:
    """Make a key; returns it with the full secret, which is never stored and never shown again."""
    if (school is None) == (district is None):
        raise ValueError("an API key is scoped to exactly one school or one district")
    if expires_at <= timezone.now():
        raise ApiKeyError("invalid_expiry", _("到期时间必须晚于现在。"))
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    plain = f"{KEY_PREFIX}_{prefix}.{secret}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name.strip(),
            prefix=prefix,
            secret_hash=_hash(plain),
            school=school,
            district=district,
            is_read_write=is_read_write,
            expires_at=expires_at,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        after = snapshot(key)
        after.pop("secret_hash", None)
        record_event(
            actor=actor,
            action="create",
            object_type="accounts.apikey",
            object_id=str(key.pk),
            after=after,
            school=school,
        )
    return key, plain


def revoke_api_key(*, key: ApiKey, actor) -> ApiKey:
    if key.revoked_at is not None:
        raise ApiKeyError("api_key_revoked", _("该密钥已被吊销。"), key)
    with transaction.atomic():
        before = snapshot(key)
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
        record_change(actor=actor, action="revoke", instance=key, before=before, school=key.school)
    return key


def authenticate_api_key(raw: str) -> ApiKey:
    """The key for `raw`, or ApiKeyError saying why not (invalid, revoked or expired)."""
    body = raw.strip().removeprefix(f"{KEY_PREFIX}_")
    prefix, _dot, _secret = body.partition(".")
    if not prefix or len(prefix) != PREFIX_LENGTH or not _dot:
        raise ApiKeyError("api_key_invalid", _("API 密钥格式不正确。"))
    key = ApiKey.objects.select_related("school__district", "district").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(raw.strip())):
        raise ApiKeyError("api_key_invalid", _("API 密钥无效。"))
    if key.revoked_at is not None:
        raise ApiKeyError("api_key_revoked", _("该 API 密钥已被吊销。"), key)
    now = timezone.now()
    if key.expires_at <= now:
        raise ApiKeyError("api_key_expired", _("该 API 密钥已过期。"), key)
    if key.school is not None and not key.school.is_active:
        raise ApiKeyError("api_key_invalid", _("API 密钥无效。"), key)
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key

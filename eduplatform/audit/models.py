from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
PUBLIC_CHAIN = "public"


class AuditEvent(models.Model):
    """One change or security event. Append-only, and chained by hashes.

    Events form one chain per school (and one for the district side), each event holding
    the hash of the one before it, so `manage.py verify_audit` notices an edited, removed
    or inserted event. A database trigger refuses UPDATE and DELETE from the application.
    """

    chain = models.CharField(_("链"), max_length=20)
    sequence = models.BigIntegerField(_("序号"))
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who acted, as text that survives the account: a person, an API key or a system task.
    actor_label = models.CharField(_("操作人"), max_length=100)
    school = models.ForeignKey(
        "tenants.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=40)
    object_type = models.CharField(_("记录类型"), max_length=100, blank=True)
    object_id = models.CharField(_("记录编号"), max_length=64, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    context = models.JSONField(_("上下文"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_event_chain_sequence")
        ]
        indexes = [
            models.Index(fields=["school", "created_at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def hashed_content(self) -> dict:
        return {
            "chain": self.chain,
            "sequence": self.sequence,
            "previous_hash": self.previous_hash,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "api_key": self.api_key_id,
            "actor_label": self.actor_label,
            "school": self.school_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "context": self.context,
        }

    def compute_hash(self) -> str:
        # Canonical JSON: sorted keys, no spaces, UTF-8. Values pass through the same encoder
        # on the way in and on the way back from jsonb, so a re-computation matches.
        payload = json.dumps(
            json.loads(json.dumps(self.hashed_content(), cls=DjangoJSONEncoder)),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()

"""The visitor log at the gate (外来人员登记)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from eduplatform.safety.encryption import EncryptedTextField
from eduplatform.safety.models.fields import person


class VisitorQuerySet(models.QuerySet["Visitor"]):
    def on_campus(self) -> VisitorQuerySet:
        return self.filter(left_at__isnull=True)


class Visitor(models.Model):
    """One visit: who came, why, to whom, and when they came and went."""

    name = models.CharField(_("姓名"), max_length=50)
    # Encrypted at rest; shown in full only to those allowed (Capability.VISITORS_IDENTITY).
    id_number = EncryptedTextField(_("身份证号"))
    id_number_last4 = models.CharField(_("身份证号后四位"), max_length=4)
    phone = models.CharField(_("联系电话"), max_length=20)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    purpose = models.CharField(_("来访事由"), max_length=200)
    host = models.CharField(_("被访人（确认人）"), max_length=50)
    vehicle_plate = models.CharField(_("车牌号"), max_length=10, blank=True)
    entered_at = models.DateTimeField(_("进校时间"))
    left_at = models.DateTimeField(_("离校时间"), null=True, blank=True)
    recorded_by = person(null=True, blank=True, verbose_name=_("登记人"))
    signed_out_by = person(null=True, blank=True, verbose_name=_("登记离校人"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisitorQuerySet.as_manager()

    class Meta:
        verbose_name = _("来访人员")
        verbose_name_plural = _("来访人员")
        ordering = ["-entered_at", "-id"]
        indexes = [
            models.Index(fields=["entered_at", "id"]),
            models.Index(fields=["left_at"]),
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.entered_at:%Y-%m-%d %H:%M}"

    @property
    def is_on_campus(self) -> bool:
        return self.left_at is None

    @property
    def masked_id_number(self) -> str:
        return "*" * 14 + self.id_number_last4

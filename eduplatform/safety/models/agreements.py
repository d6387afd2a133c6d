"""Safety responsibility agreements (安全责任书): every staff member and department signs each year."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduplatform.safety.models.fields import person


class AgreementParty(models.TextChoices):
    STAFF = "staff", _("教职工")
    DEPARTMENT = "department", _("部门")
    CONTRACTOR = "contractor", _("驻校单位/承包方")


class SignatureMethod(models.TextChoices):
    PAD = "pad", _("手机签名")
    SCAN = "scan", _("上传扫描件")


class Agreement(models.Model):
    """One party's signed agreement for one year."""

    year = models.PositiveSmallIntegerField(_("年度"))
    party = models.CharField(_("签订方类型"), max_length=12, choices=AgreementParty.choices)
    signer = person(null=True, blank=True, verbose_name=_("教职工"))
    department = models.ForeignKey(
        "organisation.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party_name = models.CharField(_("签订方"), max_length=100)
    method = models.CharField(_("签订方式"), max_length=4, choices=SignatureMethod.choices)
    signature = models.ImageField(_("签名"), upload_to="safety/agreements/%Y/", blank=True)
    scan = models.FileField(_("扫描件"), upload_to="safety/agreements/%Y/", blank=True)
    signed_at = models.DateTimeField(_("签订时间"))
    recorded_by = person(null=True, blank=True, verbose_name=_("登记人"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("安全责任书")
        verbose_name_plural = _("安全责任书")
        ordering = ["-year", "party", "party_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "signer"],
                condition=Q(signer__isnull=False),
                name="safety_agreement_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["year", "department"],
                condition=Q(department__isnull=False),
                name="safety_agreement_once_per_department",
            ),
            models.UniqueConstraint(
                fields=["year", "party_name"],
                condition=Q(party="contractor"),
                name="safety_agreement_once_per_contractor",
            ),
        ]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self) -> str:
        return f"{self.year} {self.party_name}"

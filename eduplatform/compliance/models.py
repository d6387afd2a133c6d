from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplianceFact(models.Model):
    """One measured value of one school for one key and period, e.g.
    (school 2199000001, "assets.stocktake_match_rate", "2026-autumn") = 98.7.

    Public schema, so that the bureau's dashboards read one table instead of every school's
    schema. Written by the school's domain actions in the same transaction as the change
    (a school's search_path includes public), and recomputed nightly from the school's own
    records; any difference is reported as drift.
    """

    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="compliance_facts")
    key = models.CharField(_("指标"), max_length=80)
    period = models.CharField(_("周期"), max_length=20)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=4)
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("合规数据")
        verbose_name_plural = _("合规数据")
        constraints = [
            models.UniqueConstraint(fields=["school", "key", "period"], name="compliance_fact_unique")
        ]
        indexes = [models.Index(fields=["key", "period"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.key} {self.period} = {self.value}"


class DriftReport(models.Model):
    """What the nightly recompute found different from the facts the actions wrote."""

    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    period = models.CharField(max_length=20)
    recorded = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    recomputed = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("合规数据偏差")
        verbose_name_plural = _("合规数据偏差")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.school_id} {self.key} {self.period}: {self.recorded} != {self.recomputed}"

"""GB/T 14885 classification codes (固定资产等资产基础分类与代码), in the public schema.

Two editions are in use: the 2022 edition (in force since 2022-12-30, a letter and six
digits, houses and structures from A010000) and the 2010 edition (seven digits in six
categories) that old ledgers still carry. The official tables come from the district,
which loads them (eduplatform.classification.actions.load_code_table); a row with no
district is one the platform ships itself, and it ships only what it can state with
certainty: the six top categories of the 2010 edition. The platform never invents codes.
"""

from __future__ import annotations

import re

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Edition(models.TextChoices):
    GB_2022 = "2022", _("GB/T 14885-2022")
    GB_2010 = "2010", _("GB/T 14885-2010")


CODE_PATTERNS = {
    Edition.GB_2022: re.compile(r"^[A-Z]\d{6}$"),
    Edition.GB_2010: re.compile(r"^\d{7}$"),
}


def edition_of(code: str) -> Edition | None:
    """Which edition a code is written in, from its shape alone."""
    for edition, pattern in CODE_PATTERNS.items():
        if pattern.match(code):
            return Edition(edition)
    return None


class ClassificationCodeQuerySet(models.QuerySet["ClassificationCode"]):
    def for_district(self, district) -> ClassificationCodeQuerySet:
        """Codes in force for a district: those the platform ships and those its bureaus loaded."""
        return self.filter(Q(district__isnull=True) | Q(district_id__in=district.ancestor_ids()))


class ClassificationCode(models.Model):
    district = models.ForeignKey(
        "district.District",
        verbose_name=_("教育局"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="classification_codes",
        help_text=_("为空表示平台内置的代码。"),
    )
    edition = models.CharField(_("版本"), max_length=4, choices=Edition.choices)
    code = models.CharField(_("分类代码"), max_length=7)
    name = models.CharField(_("名称"), max_length=200)
    parent_code = models.CharField(_("上级代码"), max_length=7, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClassificationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("资产分类代码")
        verbose_name_plural = _("资产分类代码")
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "edition", "code"],
                name="classification_code_unique",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["edition", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CodeMapping(models.Model):
    """The district's correspondence from a 2010 code to a 2022 code, where it supplies one."""

    district = models.ForeignKey(
        "district.District", verbose_name=_("教育局"), on_delete=models.CASCADE, related_name="+"
    )
    code_2010 = models.CharField(_("2010 版代码"), max_length=7)
    code_2022 = models.CharField(_("2022 版代码"), max_length=7)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("新旧分类代码对照")
        verbose_name_plural = _("新旧分类代码对照")
        ordering = ["code_2010"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code_2010"], name="classification_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code_2010} -> {self.code_2022}"

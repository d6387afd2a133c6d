"""The district's inspection template library (public schema).

A template (每日巡查, 月度消防检查 ...) belongs to a bureau and applies to its schools and
the schools of its child districts. Its content lives in versions: the bureau edits a
draft, publishes it, and the template's `current_version` moves to it. A published
version is never edited again, so an inspection that used it keeps its exact wording.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.models import SchoolKind


class TemplateCategory(models.TextChoices):
    DAILY_PATROL = "daily_patrol", _("每日巡查")
    WEEKLY_CHECK = "weekly_check", _("周安全检查")
    FIRE = "fire", _("消防检查")
    FOOD_SAFETY = "food_safety", _("食品安全检查")
    BUILDING = "building", _("校舍检查")
    ELECTRICAL = "electrical", _("用电安全")
    SPORTS_EQUIPMENT = "sports_equipment", _("体育器材")
    SURROUNDINGS = "surroundings", _("周边环境")
    VEHICLE = "vehicle", _("校车")
    CUSTOM = "custom", _("其他")


class Frequency(models.TextChoices):
    SCHOOL_DAY = "school_day", _("每个上学日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    PER_TERM = "per_term", _("每学期若干次")
    ON_DEMAND = "on_demand", _("按需")


class ItemKind(models.TextChoices):
    PASS_FAIL = "pass_fail", _("合格/不合格/不适用")
    NUMBER = "number", _("数值")
    TEXT = "text", _("文字")
    CHOICE = "choice", _("选项")
    PHOTO = "photo", _("照片")
    SIGNATURE = "signature", _("签名")


class Severity(models.TextChoices):
    MINOR = "minor", _("一般隐患")
    MAJOR = "major", _("较大隐患")
    CRITICAL = "critical", _("重大隐患")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class ChecklistTemplate(models.Model):
    district = models.ForeignKey(
        "district.District",
        verbose_name=_("教育局"),
        on_delete=models.PROTECT,
        related_name="checklist_templates",
    )
    name = models.CharField(_("模板名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=TemplateCategory.choices)
    # Empty: every kind of school.
    school_kinds = ArrayField(
        models.CharField(max_length=20, choices=SchoolKind.choices),
        verbose_name=_("适用学段"),
        default=list,
        blank=True,
    )
    frequency = models.CharField(_("频次"), max_length=20, choices=Frequency.choices)
    times_per_term = models.PositiveSmallIntegerField(_("每学期次数"), default=1)
    description = models.TextField(_("说明"), blank=True)
    # A stable name for the seeded library, so seeding again finds what it made.
    library_key = models.CharField(max_length=50, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    current_version = models.ForeignKey(
        "TemplateVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检查模板")
        verbose_name_plural = _("检查模板")
        ordering = ["category", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "library_key"], condition=~Q(library_key=""), name="checklist_library_key"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, school_kind: str) -> bool:
        return not self.school_kinds or school_kind in self.school_kinds

    @property
    def is_required(self) -> bool:
        return self.frequency != Frequency.ON_DEMAND


class TemplateVersion(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("模板版本")
        verbose_name_plural = _("模板版本")
        ordering = ["template_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_number"),
            models.UniqueConstraint(
                fields=["template"], condition=Q(status="draft"), name="template_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class TemplateSection(models.Model):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("分组名称"), max_length=100)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("模板分组")
        verbose_name_plural = _("模板分组")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ItemDefinition(models.Model):
    """What an inspection item asks and how its answer is judged.

    Shared by the district's template items, a school's local items, and the copy an
    inspection keeps of every item it asked (so that nothing edited later changes it).
    """

    text = models.CharField(_("检查内容"), max_length=300)
    guidance = models.CharField(_("检查要点"), max_length=500, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ItemKind.choices, default=ItemKind.PASS_FAIL)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    minimum = models.DecimalField(_("最小值"), max_digits=12, decimal_places=3, null=True, blank=True)
    maximum = models.DecimalField(_("最大值"), max_digits=12, decimal_places=3, null=True, blank=True)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    # Choices that count as a failure (e.g. grades C and D of a building check).
    failing_choices = models.JSONField(_("不合格选项"), default=list, blank=True)
    is_required = models.BooleanField(_("必填"), default=True)
    photo_required_on_failure = models.BooleanField(_("不合格须拍照"), default=True)
    severity_on_failure = models.CharField(
        _("不合格隐患等级"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    opens_hazard = models.BooleanField(_("不合格时生成隐患"), default=True)
    # Days to rectify a hazard this item opens; empty: the district's default for the severity.
    hazard_deadline_days = models.PositiveSmallIntegerField(_("整改期限（天）"), null=True, blank=True)

    DEFINITION_FIELDS = (
        "text", "guidance", "kind", "unit", "minimum", "maximum", "choices", "failing_choices",
        "is_required", "photo_required_on_failure", "severity_on_failure", "opens_hazard",
        "hazard_deadline_days",
    )  # fmt: skip

    class Meta:
        abstract = True

    def definition(self) -> dict:
        return {name: getattr(self, name) for name in self.DEFINITION_FIELDS}

    @property
    def can_fail(self) -> bool:
        return self.kind == ItemKind.PASS_FAIL or (
            self.kind == ItemKind.CHOICE and bool(self.failing_choices)
        )


class TemplateItem(ItemDefinition):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("顺序"), default=0)
    # The same item across versions keeps its key, so answers can be compared over time.
    key = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["version", "position"])]

    def __str__(self) -> str:
        return self.text


class EscalationReason(models.TextChoices):
    CRITICAL = "critical", _("重大隐患")
    OVERDUE = "overdue", _("逾期未整改")


class HazardEscalation(models.Model):
    """A school's hazard raised to the bureau: a critical one, or one long past its deadline.

    Public schema, written in the school action's transaction, so that the bureau's page
    reads one table instead of every school's schema. The hazard itself stays in the
    school's schema; `hazard_id` names it there.
    """

    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="+")
    hazard_id = models.BigIntegerField()
    hazard_number = models.CharField(_("隐患编号"), max_length=30)
    description = models.CharField(_("隐患描述"), max_length=300)
    location = models.CharField(_("位置"), max_length=100, blank=True)
    severity = models.CharField(_("等级"), max_length=10, choices=Severity.choices)
    deadline = models.DateField(_("整改期限"))
    reason = models.CharField(_("督办原因"), max_length=10, choices=EscalationReason.choices)
    escalated_at = models.DateTimeField(_("上报时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("隐患督办")
        verbose_name_plural = _("隐患督办")
        ordering = ["-escalated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "hazard_id", "reason"], name="hazard_escalation_once")
        ]
        indexes = [models.Index(fields=["resolved_at", "escalated_at"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.hazard_number} {self.reason}"

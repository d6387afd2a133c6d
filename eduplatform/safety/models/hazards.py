from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from eduplatform.checklists.models import Severity
from eduplatform.safety.models.fields import person


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("检查/巡查发现")
    REPORT = "report", _("随手拍上报")
    BUREAU_VISIT = "bureau_visit", _("督导检查")
    BUILDING = "building", _("校舍鉴定")


class HazardCategory(models.TextChoices):
    FIRE = "fire", _("消防")
    ELECTRICAL = "electrical", _("用电")
    BUILDING = "building", _("校舍")
    FACILITIES = "facilities", _("设施设备")
    FOOD = "food", _("食品卫生")
    TRAFFIC = "traffic", _("交通")
    LABORATORY = "laboratory", _("实验室/危化品")
    SURROUNDINGS = "surroundings", _("周边环境")
    OTHER = "other", _("其他")


class HazardStatus(models.TextChoices):
    FOUND = "found", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    RECTIFIED = "rectified", _("已整改待验收")
    VERIFIED = "verified", _("已验收销号")
    REOPENED = "reopened", _("验收未通过")


# Hazards still waiting for someone to fix them: these can be overdue.
OPEN_STATUSES = (HazardStatus.FOUND, HazardStatus.RECTIFYING, HazardStatus.REOPENED)
# Counted as rectified by the rectification rate (整改率).
RECTIFIED_STATUSES = (HazardStatus.RECTIFIED, HazardStatus.VERIFIED)
# Where "start rectifying" may begin: a new hazard, or one sent back.
STARTABLE_STATUSES = (HazardStatus.FOUND, HazardStatus.REOPENED)


class HazardQuerySet(models.QuerySet["Hazard"]):
    def open(self) -> HazardQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today) -> HazardQuerySet:
        return self.open().filter(deadline__lt=today)


class Hazard(models.Model):
    """One entry of the hazard register (隐患台账)."""

    number = models.CharField(_("隐患编号"), max_length=30, unique=True, null=True, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=HazardSource.choices)
    category = models.CharField(_("类别"), max_length=20, choices=HazardCategory.choices)
    severity = models.CharField(_("等级"), max_length=10, choices=Severity.choices)
    location = models.CharField(_("位置"), max_length=100)
    description = models.TextField(_("隐患描述"))
    status = models.CharField(
        _("状态"), max_length=12, choices=HazardStatus.choices, default=HazardStatus.FOUND
    )
    # A failed item opens at most one hazard: the one-to-one says so in the database.
    inspection_item = models.OneToOneField(
        "safety.InspectionItem", null=True, blank=True, on_delete=models.PROTECT, related_name="hazard"
    )
    inspection = models.ForeignKey(
        "safety.Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    building = models.ForeignKey(
        "safety.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    reported_by = person(null=True, blank=True, verbose_name=_("发现人"))
    reported_on = models.DateField(_("发现日期"))
    responsible = person(null=True, blank=True, verbose_name=_("整改责任人"))
    deadline = models.DateField(_("整改期限"))
    rectification_started_at = models.DateTimeField(_("开始整改"), null=True, blank=True)
    rectified_by = person(null=True, blank=True, verbose_name=_("整改人"))
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    rectification_notes = models.TextField(_("整改措施"), blank=True)
    verified_by = person(null=True, blank=True, verbose_name=_("验收人"))
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    verification_notes = models.TextField(_("验收意见"), blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    escalated_at = models.DateTimeField(_("上报教育局时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-reported_on", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["reported_on", "id"]),
            models.Index(fields=["severity", "status"]),
            models.Index(fields=["responsible", "status"]),
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.description[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        return self.is_open and self.deadline < today

    # The state rules of the register, asked by the actions (which refuse) and by the pages
    # (which offer only what the actions would accept).

    @property
    def can_start_rectification(self) -> bool:
        return self.status in STARTABLE_STATUSES

    @property
    def can_be_rectified(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_awaiting_verification(self) -> bool:
        """Rectified and waiting for someone to verify it or send it back."""
        return self.status == HazardStatus.RECTIFIED

    @property
    def can_be_reassigned(self) -> bool:
        return self.status != HazardStatus.VERIFIED

    def was_rectified_by(self, person) -> bool:
        """The rectifier may not judge their own work (verify it or send it back)."""
        return self.rectified_by_id is not None and self.rectified_by_id == getattr(person, "pk", None)

    def days_overdue(self, today) -> int:
        return max((today - self.deadline).days, 0) if self.is_open else 0


class HazardPhotoKind(models.TextChoices):
    FOUND = "found", _("隐患照片")
    EVIDENCE = "evidence", _("整改照片")
    VERIFICATION = "verification", _("验收照片")


class HazardPhoto(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("类型"), max_length=12, choices=HazardPhotoKind.choices)
    image = models.ImageField(_("照片"), upload_to="safety/hazards/%Y/%m/")
    uploaded_by = person(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.image.name

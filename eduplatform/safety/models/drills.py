"""Drills (应急演练) and emergency plans (应急预案)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from eduplatform.safety.models.fields import person


class DrillKind(models.TextChoices):
    FIRE = "fire", _("消防疏散演练")
    EARTHQUAKE = "earthquake", _("防震减灾演练")
    EVACUATION = "evacuation", _("紧急疏散演练")
    OTHER = "other", _("其他演练")


class Drill(models.Model):
    kind = models.CharField(_("演练类型"), max_length=20, choices=DrillKind.choices)
    title = models.CharField(_("演练名称"), max_length=100)
    held_on = models.DateField(_("演练日期"))
    students = models.PositiveIntegerField(_("参与学生人数"))
    staff = models.PositiveIntegerField(_("参与教职工人数"))
    evacuation_seconds = models.PositiveIntegerField(_("疏散用时（秒）"), null=True, blank=True)
    evaluation = models.TextField(_("演练评估"), blank=True)
    problems = models.TextField(_("发现的问题"), blank=True)
    recorded_by = person(null=True, blank=True, verbose_name=_("记录人"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"]), models.Index(fields=["updated_at", "id"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class DrillPhoto(models.Model):
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="safety/drills/%Y/%m/")
    uploaded_by = person(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("演练照片")
        verbose_name_plural = _("演练照片")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.image.name


class PlanKind(models.TextChoices):
    GENERAL = "general", _("总体应急预案")
    FIRE = "fire", _("火灾事故")
    EARTHQUAKE = "earthquake", _("地震灾害")
    WEATHER = "weather", _("自然灾害/极端天气")
    FOOD = "food", _("食物中毒")
    EPIDEMIC = "epidemic", _("传染病疫情")
    SECURITY = "security", _("校园安保/暴力事件")
    TRAFFIC = "traffic", _("交通事故")
    OTHER = "other", _("其他")


class EmergencyPlan(models.Model):
    kind = models.CharField(_("预案类型"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("预案名称"), max_length=100)
    document = models.FileField(_("预案文件"), upload_to="safety/plans/%Y/", blank=True)
    version = models.CharField(_("版本"), max_length=20)
    approver = models.CharField(_("审批人"), max_length=50)
    reviewed_on = models.DateField(_("审定日期"))
    recorded_by = person(null=True, blank=True, verbose_name=_("记录人"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["kind", "title", "id"]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self) -> str:
        return self.title

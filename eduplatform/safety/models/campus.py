"""Buildings (校舍), drills (演练), emergency plans (应急预案) and responsibility agreements (安全责任书)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from eduplatform.safety.models.fields import person


class DangerGrade(models.TextChoices):
    A = "A", _("A 级（安全）")
    B = "B", _("B 级（个别构件危险）")
    C = "C", _("C 级（局部危险）")
    D = "D", _("D 级（整体危险）")


class BuildingStructure(models.TextChoices):
    FRAME = "frame", _("框架结构")
    MASONRY = "masonry", _("砖混结构")
    STEEL = "steel", _("钢结构")
    SHEAR_WALL = "shear_wall", _("剪力墙结构")
    OTHER = "other", _("其他")


class Building(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    built_year = models.PositiveSmallIntegerField(_("建成年份"))
    structure = models.CharField(_("结构类型"), max_length=20, choices=BuildingStructure.choices)
    floors = models.PositiveSmallIntegerField(_("层数"))
    area = models.DecimalField(_("建筑面积（㎡）"), max_digits=10, decimal_places=2)
    usage = models.CharField(_("用途"), max_length=50, blank=True)
    grade = models.CharField(_("危险性等级"), max_length=1, choices=DangerGrade.choices, blank=True)
    assessed_on = models.DateField(_("鉴定日期"), null=True, blank=True)
    assessor = models.CharField(_("鉴定单位/人"), max_length=100, blank=True)
    report = models.FileField(_("鉴定报告"), upload_to="safety/buildings/%Y/", blank=True)
    last_checked_on = models.DateField(_("最近检查日期"), null=True, blank=True)
    is_sealed = models.BooleanField(_("已停用封闭"), default=False)
    sealed_at = models.DateTimeField(_("封闭时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("校舍")
        verbose_name_plural = _("校舍")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BuildingAssessment(models.Model):
    """One danger-grade assessment or six-monthly check of a building."""

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="assessments")
    grade = models.CharField(_("危险性等级"), max_length=1, choices=DangerGrade.choices)
    assessed_on = models.DateField(_("鉴定日期"))
    assessor = models.CharField(_("鉴定单位/人"), max_length=100)
    report = models.FileField(_("鉴定报告"), upload_to="safety/buildings/%Y/", blank=True)
    notes = models.TextField(_("说明"), blank=True)
    recorded_by = person(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("校舍鉴定")
        verbose_name_plural = _("校舍鉴定")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.building_id} {self.grade} {self.assessed_on}"

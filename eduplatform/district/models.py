from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

division_code_validator = RegexValidator(
    r"^\d{6}$", _("行政区划代码应为 6 位数字。"), code="invalid_division_code"
)


class District(models.Model):
    """An education bureau (教育局) of a district; a city bureau may be the parent of districts."""

    code = models.CharField(
        _("行政区划代码"), max_length=6, unique=True, validators=[division_code_validator]
    )
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级教育局"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("教育局")
        verbose_name_plural = _("教育局")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def ancestor_ids(self) -> list[int]:
        """This district and every district above it, nearest first."""
        ids = [self.pk]
        parent_id = self.parent_id
        seen = {self.pk}
        while parent_id is not None and parent_id not in seen:
            ids.append(parent_id)
            seen.add(parent_id)
            parent_id = District.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
        return ids

    def descendant_ids(self) -> list[int]:
        """This district and every district below it (a city bureau sees its districts)."""
        ids = [self.pk]
        frontier = [self.pk]
        while frontier:
            frontier = list(
                District.objects.filter(parent_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids


class DistrictSettingValue(models.Model):
    """A bureau's own value for a district setting; see eduplatform.district.settings."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="setting_values")
    key = models.CharField(max_length=80)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("教育局设置")
        verbose_name_plural = _("教育局设置")
        constraints = [models.UniqueConstraint(fields=["district", "key"], name="district_setting_unique")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.key}={self.value}"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    MAKEUP_SCHOOL_DAY = "makeup", _("调休上课")


class CalendarDay(models.Model):
    """A day the district's calendar marks: a holiday on a weekday, or a weekend school day."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="calendar_days")
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("校历日")
        verbose_name_plural = _("校历日")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["district", "date"], name="calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"

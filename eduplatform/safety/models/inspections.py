from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduplatform.checklists.answers import Result
from eduplatform.checklists.models import Frequency, ItemDefinition, TemplateCategory
from eduplatform.safety.models.fields import person, public_reference


class LocalTemplate(models.Model):
    """A school's own checklist (实验室安全检查 ...), kept in its schema. Inspections copy
    its items when they start, so editing it never changes an inspection already made."""

    name = models.CharField(_("模板名称"), max_length=100)
    category = models.CharField(
        _("类别"), max_length=20, choices=TemplateCategory.choices, default=TemplateCategory.CUSTOM
    )
    frequency = models.CharField(
        _("频次"), max_length=20, choices=Frequency.choices, default=Frequency.ON_DEMAND
    )
    times_per_term = models.PositiveSmallIntegerField(_("每学期次数"), default=1)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("本校检查模板")
        verbose_name_plural = _("本校检查模板")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_required(self) -> bool:
        return self.frequency != Frequency.ON_DEMAND


class LocalItem(ItemDefinition):
    """An item the school adds: to its own template, or after a district template's items."""

    local_template = models.ForeignKey(
        LocalTemplate, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    district_template = public_reference("checklists.ChecklistTemplate", null=True, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("本校检查项")
        verbose_name_plural = _("本校检查项")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                name="local_item_one_owner",
                condition=Q(local_template__isnull=False, district_template__isnull=True)
                | Q(local_template__isnull=True, district_template__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.text


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class Inspection(models.Model):
    """One inspection or patrol, from a district template version or a local template.

    The items asked are copied into InspectionItem rows when it starts, and it points at
    the exact version it used; once submitted it is read-only.
    """

    template = public_reference("checklists.ChecklistTemplate", null=True, blank=True, verbose_name=_("模板"))
    template_version = public_reference("checklists.TemplateVersion", null=True, blank=True)
    local_template = models.ForeignKey(
        LocalTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    title = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=TemplateCategory.choices)
    frequency = models.CharField(_("频次"), max_length=20, choices=Frequency.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    location = models.CharField(_("检查地点"), max_length=100, blank=True)
    summary = models.TextField(_("检查小结"), blank=True)
    inspector = person(verbose_name=_("检查人"))
    building = models.ForeignKey(
        "safety.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    performed_on = models.DateField(_("检查日期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("安全检查")
        verbose_name_plural = _("安全检查")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="inspection_one_template",
                condition=Q(
                    template__isnull=False, template_version__isnull=False, local_template__isnull=True
                )
                | Q(template__isnull=True, template_version__isnull=True, local_template__isnull=False),
            )
        ]
        indexes = [
            models.Index(fields=["status", "performed_on"]),
            models.Index(fields=["template", "performed_on"]),
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.performed_on or ''}".strip()

    @property
    def is_submitted(self) -> bool:
        return self.status == InspectionStatus.SUBMITTED


class InspectionItem(ItemDefinition):
    """One item of an inspection: the item as it was asked, and the answer given."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("顺序"))
    section_title = models.CharField(_("分组"), max_length=100, blank=True)
    template_item = public_reference("checklists.TemplateItem", null=True, blank=True)
    local_item = models.ForeignKey(
        LocalItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(_("检查结果"), max_length=4, choices=Result.choices, blank=True)
    number_value = models.DecimalField(_("数值"), max_digits=12, decimal_places=3, null=True, blank=True)
    text_value = models.TextField(_("文字"), blank=True)
    choice_value = models.CharField(_("选项"), max_length=100, blank=True)
    note = models.CharField(_("问题说明"), max_length=500, blank=True)
    signature = models.ImageField(_("签名"), upload_to="safety/signatures/%Y/%m/", blank=True)
    is_failed = models.BooleanField(_("不合格"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检查项记录")
        verbose_name_plural = _("检查项记录")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="inspection_item_position")
        ]

    def __str__(self) -> str:
        return self.text


class InspectionPhoto(models.Model):
    item = models.ForeignKey(InspectionItem, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="safety/inspections/%Y/%m/")
    uploaded_by = person(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.image.name


class InspectionResponsibility(models.Model):
    """Who in the school does a required inspection; they see it on their "today"."""

    template = public_reference("checklists.ChecklistTemplate", null=True, blank=True)
    local_template = models.ForeignKey(
        LocalTemplate, null=True, blank=True, on_delete=models.CASCADE, related_name="responsibilities"
    )
    person = person(verbose_name=_("负责人"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查负责人")
        verbose_name_plural = _("检查负责人")
        constraints = [
            models.UniqueConstraint(
                fields=["template"], condition=Q(template__isnull=False), name="responsible_template"
            ),
            models.UniqueConstraint(
                fields=["local_template"], condition=Q(local_template__isnull=False), name="responsible_local"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_id or self.local_template_id}: {self.person_id}"

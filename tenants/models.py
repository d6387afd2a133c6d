from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

school_code_validator = RegexValidator(
    r"^\d{10}$", _("学校标识码应为 10 位数字。"), code="invalid_school_code"
)


class SchoolKind(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("幼儿园")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    NINE_YEAR = "nine_year", _("九年一贯制")
    VOCATIONAL = "vocational", _("职业学校")


class SchoolStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    ARCHIVED = "archived", _("已归档")


class SchoolQuerySet(models.QuerySet["School"]):
    def active(self) -> SchoolQuerySet:
        return self.filter(status=SchoolStatus.ACTIVE, is_ready=True)


class School(TenantMixin):
    """A school: one tenant, one PostgreSQL schema (`school_<code>`)."""

    code = models.CharField(_("学校标识码"), max_length=10, unique=True, validators=[school_code_validator])
    name = models.CharField(_("学校名称"), max_length=100)
    district = models.ForeignKey(
        "district.District",
        verbose_name=_("教育局"),
        on_delete=models.PROTECT,
        related_name="schools",
    )
    kind = models.CharField(_("学段类型"), max_length=20, choices=SchoolKind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    student_count = models.PositiveIntegerField(_("学生数"), default=0, validators=[MinValueValidator(0)])
    staff_count = models.PositiveIntegerField(_("教职工数"), default=0, validators=[MinValueValidator(0)])
    status = models.CharField(
        _("状态"), max_length=10, choices=SchoolStatus.choices, default=SchoolStatus.ACTIVE
    )
    # True only once the school's schema is complete; routing ignores a school until then.
    is_ready = models.BooleanField(_("已就绪"), default=False)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Provisioning creates the schema itself (tenants.actions.provision_school), so that a
    # school row is never left pointing at a half-made schema.
    auto_create_schema = False
    auto_drop_schema = False

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["district_id", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @staticmethod
    def schema_name_for(code: str) -> str:
        return f"school_{code}"

    @property
    def is_active(self) -> bool:
        return self.status == SchoolStatus.ACTIVE and self.is_ready


class Domain(DomainMixin):
    """The routing key of a school: `/s/<domain>/`, the school code."""

    class Meta:
        verbose_name = _("访问路径")
        verbose_name_plural = _("访问路径")

    def __str__(self) -> str:
        return self.domain

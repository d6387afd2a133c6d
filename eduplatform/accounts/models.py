from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduplatform.accounts.roles import DISTRICT_ROLES, SCHOOL_ROLES, Role

phone_validator = RegexValidator(r"^1\d{10}$", _("请输入 11 位手机号码。"), code="invalid_phone")


class User(AbstractUser):
    """A person. Users live in the public schema; memberships say where they may act."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(
        _("手机号码"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[phone_validator],
    )
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name or self.username


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)


class Membership(models.Model):
    """A user's role in one district (bureau) or one school."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    district = models.ForeignKey(
        "district.District",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    school = models.ForeignKey(
        "tenants.School",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    department = models.CharField(_("部门"), max_length=50, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("成员身份")
        verbose_name_plural = _("成员身份")
        constraints = [
            models.CheckConstraint(
                name="membership_district_xor_school",
                condition=(
                    Q(district__isnull=False, school__isnull=True, role__in=sorted(DISTRICT_ROLES))
                    | Q(district__isnull=True, school__isnull=False, role__in=sorted(SCHOOL_ROLES))
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "district", "role"], name="membership_unique_district_role"
            ),
            models.UniqueConstraint(fields=["user", "school", "role"], name="membership_unique_school_role"),
        ]

    def __str__(self) -> str:
        scope = self.school or self.district
        return f"{self.user} · {self.get_role_display()} · {scope}"

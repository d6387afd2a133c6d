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


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def usable(self) -> ApiKeyQuerySet:
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiKey(models.Model):
    """A key for a government system or a script, scoped to one district or one school.

    Only a hash of the secret is stored; the prefix is kept in clear to find the key and
    to show which key it is. The full key is shown once, when it is made.
    """

    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    district = models.ForeignKey(
        "district.District", null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys"
    )
    school = models.ForeignKey(
        "tenants.School", null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys"
    )
    is_read_write = models.BooleanField(_("可写"), default=False)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="api_key_district_xor_school",
                condition=Q(district__isnull=False, school__isnull=True)
                | Q(district__isnull=True, school__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def label(self) -> str:
        return f"api-key:{self.prefix}"


class ApiKeyRequest(models.Model):
    """One request made with an API key: which key, when, what, and the answer."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="requests")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 密钥调用记录")
        verbose_name_plural = _("API 密钥调用记录")
        indexes = [models.Index(fields=["api_key", "created_at"])]

    def __str__(self) -> str:
        return f"{self.api_key.prefix} {self.method} {self.path} {self.status_code}"

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A department of the school (处室 / 年级组). Lives in the school's own schema."""

    name = models.CharField(_("部门名称"), max_length=50, unique=True)
    is_logistics_office = models.BooleanField(_("总务处"), default=False)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

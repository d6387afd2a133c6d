from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eduplatform.accounts.models import User
from eduplatform.audit.trail import record_change
from eduplatform.organisation.models import Department


def create_department(*, name: str, is_logistics_office: bool = False, actor: User) -> Department:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写部门名称。")}, code="required")
    if Department.objects.filter(name=name).exists():
        raise ValidationError({"name": _("部门“%(name)s”已存在。") % {"name": name}}, code="duplicate")
    with transaction.atomic():
        department = Department.objects.create(name=name, is_logistics_office=is_logistics_office)
        record_change(actor=actor, action="create", instance=department, before=None)
    return department

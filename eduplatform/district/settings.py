"""District settings: the rules DOMAIN.md marks "(district setting)".

Each setting is declared once in code, with its default; a bureau may store its own value,
and a district without one inherits its parent bureau's, then the default. Domains declare
their settings at import time with `declare(...)` (e.g. in their apps' ready()).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise

from eduplatform.district.models import District, DistrictSettingValue


@dataclass(frozen=True)
class DistrictSetting:
    key: str
    label: str | Promise
    default: Any
    # Raises ValidationError (with a Chinese message) for a value a bureau may not set.
    validate: Callable[[Any], None] | None = None
    help_text: str | Promise = ""


_declared: dict[str, DistrictSetting] = {}


def declare(setting: DistrictSetting) -> DistrictSetting:
    _declared[setting.key] = setting
    return setting


def declared() -> dict[str, DistrictSetting]:
    return dict(_declared)


def setting_value(district: District, key: str) -> Any:
    """The value in force for a district: its own, else its nearest ancestor's, else the default."""
    setting = _declared[key]
    ancestors = district.ancestor_ids()
    stored = {
        row.district_id: row.value
        for row in DistrictSettingValue.objects.filter(district_id__in=ancestors, key=key)
    }
    for district_id in ancestors:
        if district_id in stored:
            return stored[district_id]
    return setting.default


def set_setting(*, district: District, key: str, value: Any, actor) -> None:
    from eduplatform.audit.trail import record_event

    setting = _declared[key]
    if setting.validate is not None:
        setting.validate(value)
    with transaction.atomic():
        row = DistrictSettingValue.objects.filter(district=district, key=key).first()
        before = {"value": row.value} if row else None
        DistrictSettingValue.objects.update_or_create(district=district, key=key, defaults={"value": value})
        record_event(
            actor=actor, action="update", object_type="district.setting", object_id=f"{district.code}:{key}",
            before=before, after={"value": value}, school=None,
        )  # fmt: skip


def positive_number(value: Any) -> None:
    from django.utils.translation import gettext as _

    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ValidationError(_("请输入不小于 0 的数字。"), code="invalid")

"""The assets rules a bureau may set (DOMAIN.md, "(district setting)"), with their defaults.

Declared here once; read for a school with `rule(school, KEY)`, which follows the
district's own value, then its parent bureau's, then the default below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplatform.accounts.roles import Role
from eduplatform.assets.models import AssetKind
from eduplatform.district.settings import DistrictSetting, declare, positive_number, setting_value

FIXED_ASSET_THRESHOLD = "assets.fixed_asset_threshold"
SPECIAL_EQUIPMENT_THRESHOLD = "assets.special_equipment_threshold"
SPECIAL_EQUIPMENT_CODES = "assets.special_equipment_codes"
NUMBER_PATTERN = "assets.number_pattern"
DISPOSAL_CHAIN = "assets.disposal_approval_chain"
DEPRECIATION_LIVES = "assets.depreciation_lives"

_NUMBER_TOKEN = re.compile(r"\{(year|school|category|seq(?::0(\d)d)?)\}")
NUMBER_CHARACTERS = re.compile(r"^[A-Za-z0-9._-]+$")


def _validate_number_pattern(value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(_("请填写资产编号规则。"), code="invalid")
    tokens = [match.group(1) for match in _NUMBER_TOKEN.finditer(value)]
    if sum(token.startswith("seq") for token in tokens) != 1 or not value.rstrip().endswith("}"):
        raise ValidationError(_("编号规则须以一个序号 {seq:05d} 结尾。"), code="invalid")
    literal = _NUMBER_TOKEN.sub("", value)
    if literal and not NUMBER_CHARACTERS.match(literal):
        raise ValidationError(
            _("编号规则只能含字母、数字、“-”“_”“.”和 {year}、{school}、{category}、{seq:05d}。"),
            code="invalid",
        )


def _validate_chain(value: Any) -> None:
    message = _("审批环节应为按金额从低到高的列表，每项含金额上限（最后一项为空）和审批角色。")
    if not isinstance(value, list) or not value:
        raise ValidationError(message, code="invalid")
    previous = Decimal("-1")
    for position, tier in enumerate(value):
        if not isinstance(tier, dict) or not isinstance(tier.get("roles"), list) or not tier["roles"]:
            raise ValidationError(message, code="invalid")
        if any(role not in Role.values for role in tier["roles"]):
            raise ValidationError(message, code="invalid")
        below = tier.get("below")
        if below is None:
            if position != len(value) - 1:
                raise ValidationError(message, code="invalid")
            continue
        try:
            amount = Decimal(str(below))
        except InvalidOperation:
            raise ValidationError(message, code="invalid") from None
        if amount <= previous:
            raise ValidationError(message, code="invalid")
        previous = amount
    if value[-1].get("below") is not None:
        raise ValidationError(message, code="invalid")


def _validate_lives(value: Any) -> None:
    message = _('折旧年限应按分类代码版本和代码前缀填写年数，例如 {"2010": {"2": 6}}。')
    if not isinstance(value, dict):
        raise ValidationError(message, code="invalid")
    for edition, lives in value.items():
        if edition not in ("2010", "2022") or not isinstance(lives, dict):
            raise ValidationError(message, code="invalid")
        for prefix, years in lives.items():
            if (
                not isinstance(prefix, str)
                or not isinstance(years, int)
                or isinstance(years, bool)
                or not 0 <= years <= 100
            ):
                raise ValidationError(message, code="invalid")


def _validate_codes(value: Any) -> None:
    if not isinstance(value, dict) or any(
        edition not in ("2010", "2022") or not isinstance(prefixes, list)
        for edition, prefixes in value.items()
    ):
        raise ValidationError(_("请按分类代码版本列出专用设备的代码前缀。"), code="invalid")


declare(DistrictSetting(
    key=FIXED_ASSET_THRESHOLD, label=gettext_lazy("固定资产单价标准（元）"), default=1000,
    validate=positive_number, help_text=gettext_lazy("单价不低于此金额的为固定资产，低于的为低值易耗品。"),
))  # fmt: skip
declare(DistrictSetting(
    key=SPECIAL_EQUIPMENT_THRESHOLD, label=gettext_lazy("专用设备单价标准（元）"), default=1500,
    validate=positive_number,
))  # fmt: skip
declare(DistrictSetting(
    # GB/T 14885-2010 category 3 is special equipment (专用设备); the 2022 edition's codes
    # are the district's to name.
    key=SPECIAL_EQUIPMENT_CODES, label=gettext_lazy("专用设备分类代码前缀"), default={"2010": ["3"], "2022": []},
    validate=_validate_codes,
))  # fmt: skip
declare(DistrictSetting(
    key=NUMBER_PATTERN, label=gettext_lazy("资产编号规则"), default="ZC{year}{seq:05d}",
    validate=_validate_number_pattern,
    help_text=gettext_lazy("可用 {year} 取得年份、{school} 学校标识码、{category} 分类大类，以序号 {seq:05d} 结尾。"),
))  # fmt: skip
declare(DistrictSetting(
    key=DISPOSAL_CHAIN, label=gettext_lazy("资产处置审批流程"),
    default=[
        {"below": 10000, "roles": [Role.LOGISTICS_DIRECTOR.value]},
        {"below": 100000, "roles": [Role.LOGISTICS_DIRECTOR.value, Role.PRINCIPAL.value]},
        {"below": None, "roles": [Role.LOGISTICS_DIRECTOR.value, Role.PRINCIPAL.value, Role.BUREAU_ADMIN.value]},
    ],
    validate=_validate_chain,
    help_text=gettext_lazy("按资产原值决定审批环节：原值低于金额上限的，依次由所列角色审批。"),
))  # fmt: skip
declare(DistrictSetting(
    # Lives by GB/T 14885-2010 top category; 0 is not depreciated (relics, books and
    # archives are not, under the government accounting standard). A longer prefix wins.
    key=DEPRECIATION_LIVES, label=gettext_lazy("固定资产折旧年限（年）"),
    default={"2010": {"1": 30, "2": 6, "3": 10, "4": 0, "5": 0, "6": 15}, "2022": {"A01": 30}},
    validate=_validate_lives,
))  # fmt: skip


_cache: ContextVar[dict | None] = ContextVar("assets_rules_cache", default=None)


@contextmanager
def cached_rules() -> Iterator[None]:
    """Read each rule once inside the block: an import of 50,000 rows asks 150,000 times."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def rule(school, key: str) -> Any:
    cache = _cache.get()
    if cache is None:
        return setting_value(school.district, key)
    cache_key = (school.pk, key)
    if cache_key not in cache:
        cache[cache_key] = setting_value(school.district, key)
    return cache[cache_key]


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def kind_for(school, *, unit_price: Decimal, code: str, edition: str) -> AssetKind:
    """Fixed asset at or above the threshold (special equipment's own), else low-value durable."""
    prefixes = rule(school, SPECIAL_EQUIPMENT_CODES).get(edition, [])
    is_special = any(code.startswith(prefix) for prefix in prefixes)
    threshold = money(rule(school, SPECIAL_EQUIPMENT_THRESHOLD if is_special else FIXED_ASSET_THRESHOLD))
    return AssetKind.FIXED if unit_price >= threshold else AssetKind.LOW_VALUE


def useful_life_for(school, *, code: str, edition: str, kind: str) -> int:
    """The category's life in years by the longest matching code prefix; 0 when not depreciated."""
    if kind != AssetKind.FIXED:
        return 0
    lives = rule(school, DEPRECIATION_LIVES).get(edition, {})
    matching = [prefix for prefix in lives if code.startswith(prefix)]
    return int(lives[max(matching, key=len)]) if matching else 0


@dataclass(frozen=True)
class NumberPattern:
    prefix: str  # everything before the sequence
    width: int

    def format(self, value: int) -> str:
        return f"{self.prefix}{value:0{self.width}d}"


def number_pattern_for(school, *, acquisition_date: date, code: str) -> NumberPattern:
    pattern = rule(school, NUMBER_PATTERN)
    values = {"year": f"{acquisition_date.year:04d}", "school": school.code, "category": code[:1]}
    width = 5

    def substitute(match: re.Match) -> str:
        nonlocal width
        token = match.group(1)
        if token.startswith("seq"):
            width = int(match.group(2) or 5)
            return ""
        return values[token]

    return NumberPattern(prefix=_NUMBER_TOKEN.sub(substitute, pattern), width=width)


def disposal_steps_for(school, value: Decimal) -> list[str]:
    """The roles that approve disposing of a card of this original value, in order."""
    for tier in rule(school, DISPOSAL_CHAIN):
        below = tier.get("below")
        if below is None or value < money(below):
            return list(tier["roles"])
    return list(rule(school, DISPOSAL_CHAIN)[-1]["roles"])

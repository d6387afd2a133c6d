"""How an item's answer is checked and judged: the same rules for every kind of item,
whether it came from the district's library or a school's own list."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from eduplatform.checklists.models import ItemKind, Severity
from eduplatform.checklists.refusals import refusal, refusals


class Result(models.TextChoices):
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"
    NOT_APPLICABLE = "na", "不适用"


def parse_number(raw) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("请输入数字。"), code="invalid_number") from None
    if not value.is_finite():
        raise ValidationError(_("请输入数字。"), code="invalid_number")
    return value


def check_value(item, *, result: str = "", number=None, choice: str = "", field: str) -> None:
    """Refuse a value the item cannot take, naming the item. Empty values pass: whether an
    answer is missing is decided on submit, so that a draft may be saved half-filled."""
    name = item.text
    if result and result not in Result.values:
        raise refusal(field, _("“%(item)s”：检查结果无效。") % {"item": name}, "invalid_result")
    if result and item.kind != ItemKind.PASS_FAIL and result != Result.NOT_APPLICABLE:
        raise refusal(field, _("“%(item)s”：该项不填合格与否。") % {"item": name}, "invalid_result")
    if number is not None:
        if item.kind != ItemKind.NUMBER:
            raise refusal(field, _("“%(item)s”：该项不填数值。") % {"item": name}, "invalid_number")
        if (item.minimum is not None and number < item.minimum) or (
            item.maximum is not None and number > item.maximum
        ):
            raise refusal(
                field,
                _("“%(item)s”：数值应在 %(minimum)s 至 %(maximum)s %(unit)s之间。")
                % {
                    "item": name,
                    "minimum": _plain(item.minimum) if item.minimum is not None else "-∞",
                    "maximum": _plain(item.maximum) if item.maximum is not None else "+∞",
                    "unit": item.unit,
                },
                "out_of_range",
            )
    if choice:
        if item.kind != ItemKind.CHOICE:
            raise refusal(field, _("“%(item)s”：该项不是选择题。") % {"item": name}, "invalid_choice")
        if choice not in item.choices:
            raise refusal(
                field,
                _("“%(item)s”：请从以下选项中选择：%(choices)s。")
                % {"item": name, "choices": "、".join(item.choices)},
                "invalid_choice",
            )


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def is_failed(item, *, result: str, choice: str) -> bool:
    if item.kind == ItemKind.PASS_FAIL:
        return result == Result.FAIL
    if item.kind == ItemKind.CHOICE:
        return bool(choice) and choice in (item.failing_choices or [])
    return False


def is_answered(
    item, *, result: str, number, text: str, choice: str, photo_count: int, has_signature: bool
) -> bool:
    if result == Result.NOT_APPLICABLE:
        return True
    return {
        ItemKind.PASS_FAIL: bool(result),
        ItemKind.NUMBER: number is not None,
        ItemKind.TEXT: bool(text.strip()),
        ItemKind.CHOICE: bool(choice),
        ItemKind.PHOTO: photo_count > 0,
        ItemKind.SIGNATURE: has_signature,
    }[ItemKind(item.kind)]


def check_definition(definition: dict, *, field_prefix: str = "") -> None:
    """Refuse an item the bureau (or a school) cannot publish: a range upside down, a
    choice item without choices, failing choices that are not choices, an unknown severity."""
    errors: dict[str, tuple[str, str]] = {}
    text = (definition.get("text") or "").strip()
    if not text:
        errors[f"{field_prefix}text"] = (_("请填写检查内容。"), "required")
    kind = definition.get("kind")
    if kind not in ItemKind.values:
        errors[f"{field_prefix}kind"] = (_("检查项类型无效。"), "invalid_kind")
    minimum, maximum = definition.get("minimum"), definition.get("maximum")
    if minimum is not None and maximum is not None and minimum > maximum:
        errors[f"{field_prefix}maximum"] = (_("最大值不能小于最小值。"), "invalid_range")
    choices = definition.get("choices") or []
    if kind == ItemKind.CHOICE and len(choices) < 2:
        errors[f"{field_prefix}choices"] = (_("选择题至少需要两个选项。"), "too_few_choices")
    failing = definition.get("failing_choices") or []
    if any(choice not in choices for choice in failing):
        errors[f"{field_prefix}failing_choices"] = (_("不合格选项必须是选项之一。"), "invalid_failing_choice")
    # Absent: the model's default. The API passes what it is given; a form offers only the choices.
    severity = definition.get("severity_on_failure")
    if severity is not None and severity not in Severity.values:
        errors[f"{field_prefix}severity_on_failure"] = (_("请选择隐患等级。"), "invalid_severity")
    if errors:
        raise refusals(errors)

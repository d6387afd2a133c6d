"""The visitor log at the gate: sign a visitor in, sign them out.

The ID number is checked (GB 11643 check character), stored encrypted, and never copied
into the audit trail (audit.trail.SECRET_FIELDS holds "id_number").
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import record_change, snapshot
from eduplatform.checklists.refusals import refusal, refusals
from eduplatform.safety.identity import (
    is_valid_id_number,
    is_valid_phone,
    is_valid_plate,
    normalise_id_number,
    normalise_phone,
    normalise_plate,
)
from eduplatform.safety.models import Visitor


def sign_in_visitor(
    *,
    name: str,
    id_number: str,
    phone: str,
    purpose: str,
    host: str,
    organisation: str = "",
    vehicle_plate: str = "",
    actor,
) -> Visitor:
    errors: dict[str, tuple[str, str]] = {}
    name = (name or "").strip()
    id_number = normalise_id_number(id_number)
    phone = normalise_phone(phone)
    plate = normalise_plate(vehicle_plate)
    if not name:
        errors["name"] = (_("请填写来访人姓名。"), "required")
    if not id_number:
        errors["id_number"] = (_("请填写身份证号。"), "required")
    elif not is_valid_id_number(id_number):
        errors["id_number"] = (_("身份证号无效，请核对 18 位号码（最后一位可能是 X）。"), "invalid_id_number")
    if not phone:
        errors["phone"] = (_("请填写联系电话。"), "required")
    elif not is_valid_phone(phone):
        errors["phone"] = (_("请填写 11 位手机号或带区号的固定电话。"), "invalid_phone")
    if not (purpose or "").strip():
        errors["purpose"] = (_("请填写来访事由。"), "required")
    if not (host or "").strip():
        errors["host"] = (_("请填写被访人（确认人）。"), "required")
    if plate and not is_valid_plate(plate):
        errors["vehicle_plate"] = (_("车牌号格式不正确，例如：京A12345。"), "invalid_plate")
    if errors:
        raise refusals(errors)
    with transaction.atomic():
        visitor = Visitor.objects.create(
            name=name[:50], id_number=id_number, id_number_last4=id_number[-4:], phone=phone,
            organisation=(organisation or "").strip()[:100], purpose=purpose.strip()[:200],
            host=host.strip()[:50], vehicle_plate=plate, entered_at=timezone.now(),
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )  # fmt: skip
        record_change(actor=actor, action="sign_in", instance=visitor, before=None)
    return visitor


def sign_out_visitor(*, visitor: Visitor, actor) -> Visitor:
    with transaction.atomic():
        visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
        if visitor.left_at is not None:
            raise refusal(
                "left_at",
                _("%(name)s 已于 %(time)s 离校。")
                % {"name": visitor.name, "time": timezone.localtime(visitor.left_at).strftime("%H:%M")},
                "already_signed_out",
            )
        before = snapshot(visitor)
        visitor.left_at = timezone.now()
        visitor.signed_out_by = actor if getattr(actor, "pk", None) else None
        visitor.save()
        record_change(actor=actor, action="sign_out", instance=visitor, before=before)
    return visitor

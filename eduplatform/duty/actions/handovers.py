"""Handovers (交接班): a person on the outgoing shift hands over, a person on the next confirms.

The handover says what is still open, which keys and equipment change hands, and any
notes; both sides are timestamped. Only someone on the outgoing shift hands it over, once
per shift, after the shift has started; only someone on the incoming shift confirms it,
once, and never the person who handed it over (someone on both shifts). Nobody hands over
or confirms for someone else: the record is a person's word.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import record_change, snapshot
from eduplatform.checklists.refusals import refusal
from eduplatform.duty.models import Handover, Shift, ShiftMember

# How far after a shift's end its next shift may start and still be offered as "the next".
NEXT_SHIFT_WINDOW = timedelta(days=3)


def is_on_shift(user, shift: Shift) -> bool:
    user_id = getattr(user, "pk", None)
    return user_id is not None and ShiftMember.objects.filter(shift=shift, person_id=user_id).exists()


def next_shift_choices(shift: Shift) -> QuerySet[Shift]:
    """The scheduled shifts that may take over from this one, the likeliest first."""
    return (
        Shift.objects.scheduled()
        .filter(starts_at__gte=shift.starts_at, starts_at__lte=shift.ends_at + NEXT_SHIFT_WINDOW)
        .exclude(pk=shift.pk)
        .order_by("starts_at", "id")
    )


def hand_over(
    *, shift: Shift, to_shift: Shift | None, open_matters: str = "", keys_equipment: str = "", notes: str = "",
    actor,
) -> Handover:  # fmt: skip
    with transaction.atomic():
        shift = Shift.objects.select_for_update().get(pk=shift.pk)
        if not is_on_shift(actor, shift):
            raise refusal("shift", _("您不在本班次的值班人员中，不能交班。"), "not_on_shift")
        if shift.is_cancelled:
            raise refusal("shift", _("该班次已取消，不能交班。"), "shift_cancelled")
        if shift.starts_at > timezone.now():
            raise refusal("shift", _("班次尚未开始，不能交班。"), "shift_not_started")
        if Handover.objects.filter(from_shift=shift).exists():
            raise refusal("shift", _("本班次已交班。"), "already_handed_over")
        if to_shift is None:
            raise refusal("to_shift", _("请选择接班的班次。"), "required")
        if not next_shift_choices(shift).filter(pk=to_shift.pk).exists():
            raise refusal("to_shift", _("请选择本班次之后的下一个班次。"), "invalid_next_shift")
        if not ShiftMember.objects.filter(shift=to_shift).exclude(person_id=actor.pk).exists():
            # Nobody else could confirm it: a handover is between two people.
            raise refusal("to_shift", _("接班班次只有您本人，交接班须由另一人接班确认。"), "same_person")
        handover = Handover.objects.create(
            from_shift=shift, to_shift=to_shift, open_matters=(open_matters or "").strip(),
            keys_equipment=(keys_equipment or "").strip(), notes=(notes or "").strip(),
            handed_over_by=actor, handed_over_at=timezone.now(),
        )  # fmt: skip
        record_change(actor=actor, action="hand_over", instance=handover, before=None)
    return handover


def confirm_handover(*, handover: Handover, notes: str = "", actor) -> Handover:
    with transaction.atomic():
        handover = Handover.objects.select_for_update().select_related("to_shift").get(pk=handover.pk)
        if not is_on_shift(actor, handover.to_shift):
            raise refusal(
                "received_by", _("您不在接班班次的值班人员中，不能确认接班。"), "not_on_incoming_shift"
            )
        if handover.is_confirmed:
            raise refusal("received_by", _("已确认接班。"), "already_confirmed")
        if handover.handed_over_by_id == actor.pk:
            # On both shifts: the one who handed over does not also sign as the one who took over.
            raise refusal(
                "received_by", _("交班人不能确认自己的交班，请由接班班次的其他人员确认。"), "same_person"
            )
        if handover.to_shift.is_cancelled:
            raise refusal("received_by", _("接班班次已取消。"), "shift_cancelled")
        before = snapshot(handover)
        handover.received_by = actor
        handover.received_at = timezone.now()
        handover.receipt_notes = (notes or "").strip()
        handover.save()
        record_change(actor=actor, action="confirm", instance=handover, before=before)
    return handover

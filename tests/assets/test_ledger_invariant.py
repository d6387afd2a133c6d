"""The ledger invariant: whatever actions are tried, in whatever order, a card's state is
exactly what replaying its movements gives, and a refused action changes nothing. With
splits (拆分) of a batch card, the same holds for every card of the batch, and the batch
as a whole keeps its quantity, its original value and its accumulated depreciation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplatform.assets import actions
from eduplatform.assets.models import Asset, DisposalRequest, DisposalStatus, card_state, replay
from tests.assets.conftest import FURNITURE

STEPS = [
    "issue_teacher",
    "issue_class",
    "reclaim",
    "borrow",
    "return_good",
    "return_damaged",
    "transfer_lab",
    "transfer_classroom",
    "repair_out",
    "repair_back",
    "repair_failed",
    "damage",
    "request_disposal",
    "approve_disposal",
    "reject_disposal",
    "correct_value",
]


def apply(step: str, card: Asset, people, places, school_class) -> None:
    keeper, director = people.keeper, people.director
    pending = DisposalRequest.objects.filter(asset=card, status=DisposalStatus.PENDING).first()
    match step:
        case "issue_teacher":
            actions.issue_asset(card, custodian=people.teacher, location=places.classroom, actor=keeper)
        case "issue_class":
            actions.issue_asset(card, school_class=school_class, actor=keeper)
        case "reclaim":
            actions.reclaim_asset(card, location=places.storeroom, actor=keeper)
        case "borrow":
            actions.borrow_asset(
                card, borrower=people.teacher, due_date=timezone.localdate() + timedelta(days=3), actor=keeper
            )
        case "return_good":
            actions.return_asset(card, condition="good", actor=keeper)
        case "return_damaged":
            actions.return_asset(card, condition="damaged", actor=keeper)
        case "transfer_lab":
            actions.transfer_asset(
                card, to_location=places.lab, to_department=places.teaching, approver=director, actor=keeper
            )
        case "transfer_classroom":
            actions.transfer_asset(
                card, to_location=places.classroom, to_class=school_class, approver=director, actor=keeper
            )
        case "repair_out":
            actions.send_for_repair(card, vendor="维修点", fault="故障", actor=keeper)
        case "repair_back":
            actions.return_from_repair(card, is_repaired=True, actor=keeper)
        case "repair_failed":
            actions.return_from_repair(card, is_repaired=False, actor=keeper)
        case "damage":
            actions.report_damage(card, description="损坏", actor=keeper)
        case "request_disposal":
            actions.request_disposal(card, method="scrap", reason="报废", actor=keeper)
        case "approve_disposal":
            if pending is None:
                raise ValidationError("nothing pending", code="none")
            actions.approve_disposal(pending, actor=director)
        case "reject_disposal":
            if pending is None:
                raise ValidationError("nothing pending", code="none")
            actions.reject_disposal(pending, note="不同意", actor=director)
        case "correct_value":
            actions.update_asset_details(card, changes={"original_value": Decimal("4000.00")}, actor=keeper)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(STEPS), min_size=1, max_size=14))
def test_the_card_is_always_the_replay_of_its_movements(steps, register, people, places, school_class):
    card = register()
    for step in steps:
        before = card_state(Asset.objects.get(pk=card.pk))
        movements_before = card.movements.count()
        try:
            apply(step, Asset.objects.get(pk=card.pk), people, places, school_class)
        except (ValidationError, PermissionDenied):
            # A refusal changes neither the card nor its ledger.
            assert card_state(Asset.objects.get(pk=card.pk)) == before
            assert card.movements.count() == movements_before
        fresh = Asset.objects.get(pk=card.pk)
        assert replay(fresh.movements.order_by("id")) == card_state(fresh), steps


# Moves of part of a batch (a quantity), and the split alone.
PART_STEPS = [
    "split",
    "issue_part",
    "borrow_part",
    "transfer_part",
    "repair_part",
    "damage_part",
    "dispose_part",
]


def apply_part(step: str, card: Asset, quantity, people, places) -> None:
    keeper = people.keeper
    match step:
        case "split":
            actions.split_asset(card, quantity=quantity, actor=keeper)
        case "issue_part":
            actions.issue_asset(
                card, quantity=quantity, custodian=people.teacher, location=places.classroom, actor=keeper
            )
        case "borrow_part":
            actions.borrow_asset(
                card, quantity=quantity, borrower=people.teacher, due_date=timezone.localdate(), actor=keeper
            )
        case "transfer_part":
            actions.transfer_asset(
                card, quantity=quantity, to_location=places.lab, approver=people.director, actor=keeper
            )
        case "repair_part":
            actions.send_for_repair(card, quantity=quantity, vendor="维修点", fault="腿松了", actor=keeper)
        case "damage_part":
            actions.report_damage(card, quantity=quantity, description="桌面开裂", actor=keeper)
        case "dispose_part":
            actions.request_disposal(card, quantity=quantity, method="scrap", reason="报废", actor=keeper)


def batch_of(root: Asset) -> list[Asset]:
    """The first card and every card split from it (their numbers derive from its)."""
    return list(Asset.objects.filter(Q(pk=root.pk) | Q(number__startswith=f"{root.number}-")).order_by("pk"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(PART_STEPS + STEPS),
            st.integers(min_value=0, max_value=7),  # which card of the batch
            st.one_of(st.none(), st.integers(min_value=-1, max_value=14)),  # how many items
        ),
        min_size=1,
        max_size=12,
    )
)
def test_splits_keep_every_card_the_replay_of_its_movements_and_the_batch_whole(
    steps, register, people, places, school_class
):
    # 12 desks, a fixed asset depreciated over 15 years: value and depreciation both split.
    root = register(name="课桌", classification_code=FURNITURE, unit_price="1033.33", quantity=12)
    today = timezone.localdate()
    for step, index, quantity in steps:
        batch = batch_of(root)
        card = batch[index % len(batch)]
        states = {each.pk: card_state(each) for each in batch}
        movements_before = sum(each.movements.count() for each in batch)
        value_before = sum(each.original_value for each in batch)
        depreciation_before = sum(each.depreciation(today).accumulated for each in batch)
        refused = False
        try:
            if step in PART_STEPS:
                apply_part(step, card, quantity, people, places)
            else:
                apply(step, card, people, places, school_class)
        except (ValidationError, PermissionDenied):
            refused = True
        after = batch_of(root)
        if refused:
            # A refusal changes no card of the batch, adds none, and writes no movement.
            assert {each.pk: card_state(each) for each in after} == states
            assert sum(each.movements.count() for each in after) == movements_before
        for each in after:
            assert replay(each.movements.order_by("id")) == card_state(each), steps
        # Conserved across the card and its parts: quantity always; value and depreciation
        # unless the step corrected a card's value.
        assert sum(each.quantity for each in after) == 12, steps
        if step == "correct_value" and not refused:
            assert sum(each.original_value for each in after) == value_before - card.original_value + Decimal(
                "4000.00"
            )
        else:
            assert sum(each.original_value for each in after) == value_before, steps
            assert sum(each.depreciation(today).accumulated for each in after) == depreciation_before, steps
        for each in after:
            depreciation = each.depreciation(today)
            assert Decimal("0.00") <= depreciation.accumulated <= each.original_value

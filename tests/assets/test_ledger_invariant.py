"""The ledger invariant: whatever actions are tried, in whatever order, a card's state is
exactly what replaying its movements gives, and a refused action changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplatform.assets import actions
from eduplatform.assets.models import Asset, DisposalRequest, DisposalStatus, card_state, replay

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
                card, borrower=people.teacher, due_date=date.today() + timedelta(days=3), actor=keeper
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

"""A stocktake on a known book: the expected list, the count, the summary figures, and closing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from eduplatform.assets import actions, facts
from eduplatform.assets.models import (
    AcquisitionMethod,
    Asset,
    AssetStatus,
    CountResult,
    MovementKind,
    card_state,
    replay,
)
from eduplatform.assets.stocktakes import Figures, discrepancies, summarise
from eduplatform.compliance.models import ComplianceFact
from tests.assets.conftest import FURNITURE

D = Decimal


@pytest.fixture
def travel():
    with time_machine.travel("2024-09-05 10:00 +0800", tick=False):
        yield


@pytest.fixture
def book(travel, register, places):
    """Four cards on the books at 2024-08-31."""
    return {
        "projector": register(),  # 4,580.00 from 2023-09: 12 months of 72
        "computer": register(
            name="台式计算机", unit_price=D("6000"), acquisition_date=date(2022, 3, 15)
        ),  # 30 months
        "stools": register(
            name="学生凳",
            classification_code=FURNITURE,
            unit_price=D("80"),
            quantity=400,
            unit="张",
            location=places.classroom,
        ),  # low-value: not depreciated
        "printer": register(
            name="激光打印机", unit_price=D("2000"), acquisition_date=date(2024, 1, 10)
        ),  # 8 months
    }


@pytest.fixture
def counted(book, people, places):
    stocktake = actions.open_stocktake(
        name="2024 年秋季全校盘点", scope="school", reference_date=date(2024, 8, 31), actor=people.keeper
    )
    actions.record_count(stocktake, asset=book["projector"], actor=people.keeper)
    actions.record_count(stocktake, asset=book["computer"], found=False, actor=people.keeper)
    actions.record_count(stocktake, asset=book["stools"], counted_quantity=398, actor=people.keeper)
    actions.record_count(stocktake, asset=book["printer"], location=places.lab, actor=people.keeper)
    actions.record_gain(
        stocktake,
        name="木质书柜",
        classification_code=FURNITURE,
        value=D("1200"),
        location=places.lab,
        actor=people.keeper,
    )
    return stocktake


def test_the_expected_list_is_the_book_at_the_reference_date(book, people):
    stocktake = actions.open_stocktake(
        name="盘点", scope="school", reference_date=date(2023, 12, 31), actor=people.keeper
    )
    # The printer was acquired after the reference date.
    assert set(stocktake.items.values_list("asset__name", flat=True)) == {
        "多媒体投影仪",
        "台式计算机",
        "学生凳",
    }
    projector_item = stocktake.items.get(asset=book["projector"])
    assert (projector_item.book_accumulated_depreciation, projector_item.book_net_value) == (
        D("254.44"),
        D("4325.56"),
    )


def test_a_stocktake_of_some_places_or_some_categories(book, people, places):
    by_place = actions.open_stocktake(
        name="教室盘点",
        scope="locations",
        locations=[places.classroom],
        reference_date=date(2024, 8, 31),
        actor=people.keeper,
    )
    assert list(by_place.items.values_list("asset__name", flat=True)) == ["学生凳"]
    actions.mark_uncounted_not_found(by_place, actor=people.keeper)
    actions.close_stocktake(by_place, actor=people.director)
    by_category = actions.open_stocktake(
        name="家具盘点",
        scope="categories",
        category_prefixes=["6"],
        reference_date=date(2024, 8, 31),
        actor=people.keeper,
    )
    assert list(by_category.items.values_list("asset__name", flat=True)) == ["学生凳"]


def test_the_summary_of_a_known_book(counted):
    summary = summarise(counted)
    assert (summary.expected_items, summary.pending_items, summary.matched_items) == (4, 0, 1)
    assert (summary.wrong_place_items, summary.not_found_items, summary.gain_items) == (1, 1, 1)
    assert summary.book == Figures(403, D("44580.00"), D("3485.55"), D("41094.45"))
    assert summary.counted == Figures(401, D("39620.00"), D("985.55"), D("38634.45"))
    assert summary.losses == Figures(3, D("6160.00"), D("2500.00"), D("3660.00"))
    assert summary.gains == Figures(1, D("1200.00"), D("0.00"), D("1200.00"))
    assert summary.match_rate == D("25.00")
    # The book, less the losses, plus the gains, is what was counted.
    assert summary.book.original_value - summary.losses.original_value + summary.gains.original_value == (
        summary.counted.original_value
    )
    assert discrepancies(counted).count() == 4


def test_closing_applies_the_approved_adjustments_as_movements(counted, book, people, places, in_school):
    items = {item.asset_id: item for item in counted.items.all()}
    gain = counted.items.get(result=CountResult.GAIN)
    approved = [items[book[name].pk].pk for name in ("computer", "stools", "printer")] + [gain.pk]
    actions.close_stocktake(counted, approved_items=approved, actor=people.director)
    counted.refresh_from_db()
    assert (counted.status, counted.match_rate) == ("closed", D("25.00"))
    cards = {name: Asset.objects.get(pk=card.pk) for name, card in book.items()}
    assert cards["computer"].status == AssetStatus.LOST
    assert (cards["stools"].quantity, cards["stools"].original_value) == (398, D("31840.00"))
    assert cards["printer"].location == places.lab
    assert cards["projector"].movements.count() == 1  # nothing to adjust
    found = Asset.objects.get(name="木质书柜")
    assert (found.acquisition_method, found.original_value, found.location) == (
        AcquisitionMethod.STOCKTAKE_GAIN,
        D("1200.00"),
        places.lab,
    )
    assert found.movements.get().kind == MovementKind.STOCKTAKE_GAIN
    for card in [*cards.values(), found]:
        assert replay(card.movements.order_by("id")) == card_state(card)
    done = ComplianceFact.objects.get(school=in_school, key=facts.STOCKTAKE_DONE, period="2024-autumn")
    rate = ComplianceFact.objects.get(school=in_school, key=facts.STOCKTAKE_MATCH_RATE, period="2024-autumn")
    assert (done.value, rate.value) == (D("1"), D("25.00"))


def test_closing_refuses_uncounted_items_and_a_closer_without_approval(book, people):
    stocktake = actions.open_stocktake(
        name="盘点", scope="school", reference_date=date(2024, 8, 31), actor=people.keeper
    )
    with pytest.raises(ValidationError) as raised:
        actions.close_stocktake(stocktake, actor=people.director)
    assert raised.value.error_dict["__all__"][0].code == "items_pending"
    actions.mark_uncounted_not_found(stocktake, actor=people.keeper)
    with pytest.raises(PermissionDenied):
        actions.close_stocktake(stocktake, actor=people.keeper)


def test_only_one_stocktake_is_open_at_a_time_and_a_closed_one_is_read_only(book, people):
    stocktake = actions.open_stocktake(
        name="盘点", scope="school", reference_date=date(2024, 8, 31), actor=people.keeper
    )
    with pytest.raises(ValidationError):
        actions.open_stocktake(
            name="又一次", scope="school", reference_date=date(2024, 8, 31), actor=people.keeper
        )
    actions.mark_uncounted_not_found(stocktake, actor=people.keeper)
    actions.close_stocktake(stocktake, actor=people.director)
    with pytest.raises(ValidationError) as raised:
        actions.record_count(stocktake, asset=book["projector"], actor=people.keeper)
    assert raised.value.error_dict["__all__"][0].code == "stocktake_closed"


def test_a_card_off_the_list_cannot_be_ticked(book, register, people, places):
    stocktake = actions.open_stocktake(
        name="教室",
        scope="locations",
        locations=[places.classroom],
        reference_date=date(2024, 8, 31),
        actor=people.keeper,
    )
    with pytest.raises(ValidationError) as raised:
        actions.record_count(stocktake, asset=book["projector"], actor=people.keeper)
    assert raised.value.error_dict["asset"][0].code == "not_in_stocktake"

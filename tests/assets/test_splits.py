"""Part of a batch card moving on its own (拆分): 40 of 400 stools issued, lent, transferred,
repaired, reported damaged or disposed of. The part becomes a card with a derived number,
its share of the value and depreciation (to the fen), and a movement on both cards."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from eduplatform.accounts.roles import Role
from eduplatform.assets import actions
from eduplatform.assets.exports import FINANCE_HEADERS, finance_cards_workbook, ledger_workbook
from eduplatform.assets.models import (
    Asset,
    AssetStatus,
    DamageReport,
    DisposalRequest,
    EndOfTermResult,
    MovementKind,
    StocktakeItem,
    card_state,
    replay,
)
from eduplatform.assets.stocktakes import summarise
from eduplatform.audit.models import AuditEvent
from tests.assets.conftest import FURNITURE, drawn_signature
from tests.assets.test_actions import refusal_code, refusal_field
from tests.world import make_user


@pytest.fixture
def stools(register) -> Asset:
    """400 stools on one card (低值易耗品: not depreciated)."""
    return register(name="学生凳", classification_code=FURNITURE, unit_price="85.00", quantity=400, unit="张")


@pytest.fixture
def desks(register) -> Asset:
    """3 desks worth 3,000.01 (a fixed asset, 15 years): a third is not a whole fen."""
    return register(
        name="实验台",
        classification_code=FURNITURE,
        unit_price="1000.00",
        quantity=3,
        original_value="3000.01",
        unit="张",
    )


def fresh(card: Asset) -> Asset:
    return Asset.objects.get(pk=card.pk)


def assert_replays(*cards: Asset) -> None:
    for card in cards:
        card = fresh(card)
        assert replay(card.movements.order_by("id")) == card_state(card)


# --- The split -------------------------------------------------------------------------------


def test_issuing_part_of_a_batch_makes_it_a_card_of_its_own(stools, people, places, school_class):
    movement = actions.issue_asset(
        stools, quantity=40, school_class=school_class, location=places.classroom, actor=people.keeper
    )
    part, stools = movement.asset, fresh(stools)
    assert part.pk != stools.pk and movement.kind == MovementKind.ISSUE
    assert part.number == f"{stools.number}-001"
    assert (part.quantity, part.original_value, part.status) == (40, Decimal("3400.00"), AssetStatus.IN_USE)
    assert (part.school_class, part.location) == (school_class, places.classroom)
    assert (stools.quantity, stools.original_value, stools.status) == (360, Decimal("30600.00"), "in_stock")
    assert stools.location == places.storeroom
    # Same classification and acquisition; it says where it came from.
    for name in (
        "classification_code",
        "name",
        "unit_price",
        "acquisition_date",
        "funding",
        "voucher_number",
    ):
        assert getattr(part, name) == getattr(stools, name)
    assert part.split_from == stools
    split_in = part.movements.order_by("id").first()
    assert (split_in.kind, split_in.details["split_from_number"], split_in.details["quantity"]) == (
        MovementKind.SPLIT_IN,
        stools.number,
        40,
    )
    split_out = stools.movements.get(kind=MovementKind.SPLIT_OUT)
    assert (split_out.details["part_number"], split_out.changes["quantity"]) == (part.number, [400, 360])
    assert_replays(stools, part)
    # Audited: the new card created, the batch card updated, in the same transaction as the move.
    assert AuditEvent.objects.filter(
        object_type="assets.asset", object_id=str(part.pk), action="create"
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="assets.asset", object_id=str(stools.pk), context__kind="split_out"
    ).exists()


def test_a_part_starts_without_the_batch_finance_number_or_report(stools, people):
    Asset.objects.filter(pk=stools.pk).update(finance_number="CZ-2023-0088", is_reported_to_finance=True)
    part = actions.split_asset(fresh(stools), quantity=40, actor=people.keeper)
    # The finance system knows the batch by its number; the part is new to it.
    assert (part.finance_number, part.is_reported_to_finance) == ("", False)
    assert (fresh(stools).finance_number, fresh(stools).is_reported_to_finance) == ("CZ-2023-0088", True)


def test_parts_are_numbered_from_the_first_card(stools, people, places):
    first = actions.split_asset(stools, quantity=10, actor=people.keeper)
    second = actions.split_asset(stools, quantity=10, actor=people.keeper)
    of_part = actions.split_asset(first, quantity=4, actor=people.keeper)
    assert [first.number, second.number, of_part.number] == [
        f"{stools.number}-001",
        f"{stools.number}-002",
        f"{stools.number}-003",
    ]
    assert of_part.split_from == first
    assert [fresh(card).quantity for card in (stools, first, second, of_part)] == [380, 6, 10, 4]


def test_a_number_taken_already_is_skipped(stools, register, people):
    register(number=f"{stools.number}-001")
    assert actions.split_asset(stools, quantity=1, actor=people.keeper).number == f"{stools.number}-002"


def test_a_number_too_long_to_derive_comes_from_the_pattern(register, people):
    long = register(number="A" * 38, quantity=10)
    part = actions.split_asset(long, quantity=1, actor=people.keeper)
    assert part.number == "ZC202300001" and part.split_from == long


def test_value_and_depreciation_are_shared_to_the_fen(desks, people):
    today = timezone.localdate()
    whole = desks.depreciation(today)
    assert whole.accumulated > 0  # acquired 2023-09-01, 15 years
    part = actions.split_asset(desks, quantity=1, actor=people.keeper)
    rest = fresh(desks)
    assert part.original_value == Decimal("1000.00")
    assert rest.original_value == Decimal("2000.01")
    share = (whole.accumulated / 3).quantize(Decimal("0.01"))
    assert part.depreciation(today).accumulated == share
    assert part.depreciation(today).accumulated + rest.depreciation(today).accumulated == whole.accumulated
    assert part.depreciation(today).net_value + rest.depreciation(today).net_value == whole.net_value
    # Each depreciates the rest of its own value over the rest of the life: all of it in the end.
    end = date(2038, 9, 1)
    assert part.depreciation(end).net_value == rest.depreciation(end).net_value == Decimal("0.00")
    assert part.movements.first().details["accumulated_depreciation"] == str(share)


def test_moving_every_item_is_the_plain_move(stools, people, places):
    movement = actions.issue_asset(stools, quantity=400, custodian=people.teacher, actor=people.keeper)
    assert movement.asset_id == stools.pk
    assert not Asset.objects.filter(split_from=stools).exists()


@pytest.mark.parametrize(
    ("quantity", "code"), [(0, "invalid_quantity"), (-3, "invalid_quantity"), (401, "quantity_too_large")]
)
def test_a_bad_quantity_is_refused_and_leaves_nothing(stools, people, quantity, code):
    with pytest.raises(ValidationError) as raised:
        actions.issue_asset(stools, quantity=quantity, custodian=people.teacher, actor=people.keeper)
    assert (refusal_field(raised), refusal_code(raised)) == ("quantity", code)
    assert Asset.objects.count() == 1
    assert fresh(stools).status == AssetStatus.IN_STOCK


def test_a_split_alone_needs_fewer_items_than_the_card(stools, people):
    for quantity, code in ((400, "quantity_too_large"), (0, "invalid_quantity"), (True, "invalid_quantity")):
        with pytest.raises(ValidationError) as raised:
            actions.split_asset(stools, quantity=quantity, actor=people.keeper)
        assert refusal_code(raised) == code
    assert Asset.objects.count() == 1


def test_a_disposed_card_or_one_awaiting_disposal_is_not_split(stools, register, people):
    request = actions.request_disposal(stools, method="scrap", reason="旧", actor=people.keeper)
    with pytest.raises(ValidationError) as raised:
        actions.split_asset(stools, quantity=1, actor=people.keeper)
    assert refusal_code(raised) == "disposal_pending"
    actions.approve_disposal(request, actor=people.director)
    actions.approve_disposal(request, actor=people.principal)  # 34,000 yuan: two steps
    assert fresh(stools).status == AssetStatus.DISPOSED
    with pytest.raises(ValidationError) as raised:
        actions.split_asset(stools, quantity=1, actor=people.keeper)
    assert refusal_code(raised) == "off_books"
    with pytest.raises(ValidationError) as raised:
        actions.issue_asset(stools, quantity=1, custodian=people.teacher, actor=people.keeper)
    assert refusal_code(raised) == "not_in_stock"
    assert Asset.objects.count() == 1


def test_a_card_counted_in_an_open_stocktake_is_not_split(stools, people, places):
    stocktake = actions.open_stocktake(
        name="盘点", scope="school", reference_date=timezone.localdate(), actor=people.keeper
    )
    actions.record_count(stocktake, asset=stools, actor=people.keeper)
    with pytest.raises(ValidationError) as raised:
        actions.split_asset(stools, quantity=40, actor=people.keeper)
    assert refusal_code(raised) == "counted_in_open_stocktake"
    with pytest.raises(ValidationError) as raised:
        actions.transfer_asset(
            stools, quantity=40, to_location=places.lab, approver=people.director, actor=people.keeper
        )
    assert refusal_code(raised) == "counted_in_open_stocktake"
    assert Asset.objects.count() == 1


def test_a_refused_move_takes_its_split_back(stools, people, places):
    with pytest.raises(ValidationError) as raised:
        # The teacher may not approve a transfer: the split made first is undone with it.
        actions.transfer_asset(
            stools, quantity=40, to_location=places.lab, approver=people.teacher, actor=people.keeper
        )
    assert refusal_code(raised) == "not_an_approver"
    assert Asset.objects.count() == 1 and fresh(stools).quantity == 400
    assert not stools.movements.filter(kind=MovementKind.SPLIT_OUT).exists()
    # The numbers were not used up either.
    part = actions.split_asset(stools, quantity=1, actor=people.keeper)
    assert part.number == f"{stools.number}-001"


def test_each_move_takes_part_of_a_batch(stools, people, places):
    keeper = people.keeper
    lent = actions.borrow_asset(
        stools,
        quantity=5,
        borrower=people.teacher,
        due_date=timezone.localdate() + timedelta(days=3),
        actor=keeper,
    ).asset
    moved = actions.transfer_asset(
        stools, quantity=20, to_location=places.lab, approver=people.director, actor=keeper
    ).asset
    repaired = actions.send_for_repair(stools, quantity=3, vendor="木工", fault="腿松", actor=keeper).asset
    broken = actions.report_damage(stools, quantity=2, description="凳面开裂", actor=keeper).asset
    disposal = actions.request_disposal(stools, quantity=30, method="scrap", reason="老旧", actor=keeper)
    assert [(card.quantity, card.status) for card in (lent, moved, repaired, broken, disposal.asset)] == [
        (5, "borrowed"),
        (20, "in_stock"),
        (3, "in_repair"),
        (2, "damaged"),
        (30, "disposal_pending"),
    ]
    assert moved.location == places.lab and lent.borrower == people.teacher
    # The disposal is asked for the part, at its value, with the chain that value needs.
    assert disposal.value == Decimal("2550.00") and disposal.steps == ["logistics_director"]
    stools = fresh(stools)
    assert (stools.quantity, stools.status) == (340, AssetStatus.IN_STOCK)
    cards = Asset.objects.filter(name="学生凳")
    assert sum(card.quantity for card in cards) == 400
    assert sum(card.original_value for card in cards) == Decimal("34000.00")
    assert_replays(*cards)


def test_part_of_a_borrowed_batch_reported_damaged_comes_back_alone(stools, people):
    lent = actions.borrow_asset(
        stools, quantity=40, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper
    ).asset
    report = actions.report_damage(lent, quantity=3, description="坏了三张", actor=people.keeper)
    assert (report.asset.quantity, report.asset.status, report.asset.borrower) == (3, "damaged", None)
    lent = fresh(lent)
    assert (lent.quantity, lent.status, lent.borrower) == (37, "borrowed", people.teacher)


# --- Stocktakes, exports, class lists ------------------------------------------------------------


def test_a_card_still_to_count_in_the_open_stocktake_brings_its_part_along(desks, stools, people):
    stocktake = actions.open_stocktake(
        name="期末盘点", scope="school", reference_date=timezone.localdate(), actor=people.keeper
    )
    book = summarise(stocktake).book
    part = actions.split_asset(desks, quantity=1, actor=people.keeper)
    actions.issue_asset(stools, quantity=40, custodian=people.teacher, actor=people.keeper)
    summary = summarise(stocktake)
    assert summary.expected_items == 4
    assert summary.book == book  # quantity, value, depreciation and net value unchanged
    item = StocktakeItem.objects.get(stocktake=stocktake, asset=part)
    assert (item.book_quantity, item.book_original_value) == (1, Decimal("1000.00"))
    actions.record_count(stocktake, asset=part, actor=people.keeper)  # its label can be scanned
    # A stocktake opened later expects the parts as cards of their own.
    actions.mark_uncounted_not_found(stocktake, actor=people.keeper)
    actions.close_stocktake(stocktake, actor=people.director)
    later = actions.open_stocktake(
        name="复盘", scope="school", reference_date=timezone.localdate(), actor=people.keeper
    )
    assert later.items.count() == 4
    assert summarise(later).book.quantity == 403


def test_exports_list_the_parts_and_where_they_came_from(stools, people):
    part = actions.issue_asset(stools, quantity=40, custodian=people.teacher, actor=people.keeper).asset
    ledger = list(load_workbook(io.BytesIO(ledger_workbook(Asset.objects.all()))).active.values)
    assert sorted((row[0], row[9]) for row in ledger[1:]) == [(stools.number, 360), (part.number, 40)]
    finance = list(
        load_workbook(
            io.BytesIO(finance_cards_workbook(Asset.objects.all(), as_of=timezone.localdate()))
        ).active.values
    )
    column = FINANCE_HEADERS.index("拆分自")
    assert {row[0]: row[column] or "" for row in finance[1:]} == {
        stools.number: "",
        part.number: stools.number,
    }


def test_a_class_list_holds_the_part_the_class_was_given(stools, people, school_class):
    actions.issue_asset(stools, quantity=45, school_class=school_class, actor=people.keeper)
    property_list = actions.generate_class_property_list(school_class, actor=people.keeper)
    assert [(item.asset.number, item.quantity) for item in property_list.items.all()] == [
        (f"{stools.number}-001", 45)
    ]


def test_a_signed_class_list_follows_stools_moved_to_another_class_or_sent_for_repair(
    stools, people, places, school_class
):
    actions.issue_asset(stools, school_class=school_class, actor=people.keeper)
    property_list = actions.generate_class_property_list(school_class, actor=people.keeper)
    actions.sign_class_property_list(property_list, signature=drawn_signature(), actor=people.teacher)
    other = actions.create_school_class(name="三年级3班", grade=3, number=3, actor=people.director)
    # Mid-term, 40 of the 400 stools go to the class next door.
    movement = actions.transfer_asset(
        stools, quantity=40, to_class=other, approver=people.director, actor=people.keeper
    )
    part = movement.asset
    # And 10 go for repair: still the class's, but not in the room at the end of the term.
    in_repair = actions.send_for_repair(
        stools, quantity=10, vendor="家具厂", fault="凳腿松动", actor=people.keeper
    ).asset
    assert sorted((item.asset.number, item.quantity) for item in property_list.items.all()) == [
        (stools.number, 350),
        (part.number, 40),
        (in_repair.number, 10),
    ]
    # At the end of the term the teacher accounts for the 350; the others are not asked for.
    stays = property_list.items.get(asset=stools)
    with pytest.raises(ValidationError) as raised:
        actions.check_class_property_list(
            property_list, results={}, signature=drawn_signature(), actor=people.teacher
        )
    assert raised.value.error_dict["results"][0].code == "items_unchecked"
    actions.check_class_property_list(
        property_list, results={stays.pk: "ok"}, signature=drawn_signature(), actor=people.teacher
    )
    assert {
        item.asset_id: (item.end_result, item.damage_report_id) for item in property_list.items.all()
    } == {
        stools.pk: (EndOfTermResult.OK, None),
        part.pk: (EndOfTermResult.MOVED, None),
        in_repair.pk: (EndOfTermResult.MOVED, None),
    }
    assert not DamageReport.objects.exists()


def test_a_teacher_cannot_mark_an_item_moved_out_themselves(stools, people, school_class):
    actions.issue_asset(stools, school_class=school_class, actor=people.keeper)
    property_list = actions.generate_class_property_list(school_class, actor=people.keeper)
    actions.sign_class_property_list(property_list, signature=drawn_signature(), actor=people.teacher)
    item = property_list.items.get()
    with pytest.raises(ValidationError) as raised:
        actions.check_class_property_list(
            property_list, results={item.pk: "moved"}, signature=drawn_signature(), actor=people.teacher
        )
    assert raised.value.error_dict["results"][0].code == "items_unchecked"
    item.refresh_from_db()
    assert item.end_result == ""


# --- Pages -----------------------------------------------------------------------------------


def page(school, path: str = "") -> str:
    return f"/s/{school.code}/assets/{path}"


def test_the_move_forms_ask_how_many_only_of_a_batch(stools, projector, in_school, client_for, people):
    keeper = client_for(people.keeper)
    for verb in ("issue", "borrow", "transfer", "repair-out", "damage", "dispose"):
        assert 'name="quantity"' in keeper.get(page(in_school, f"{stools.pk}/{verb}/")).content.decode(), verb
        assert (
            'name="quantity"' not in keeper.get(page(in_school, f"{projector.pk}/{verb}/")).content.decode()
        )


def test_issue_forty_stools_on_the_page(stools, in_school, client_for, people, school_class):
    keeper = client_for(people.keeper)
    response = keeper.post(
        page(in_school, f"{stools.pk}/issue/"), {"quantity": 40, "school_class": school_class.pk}
    )
    part = Asset.objects.get(split_from=stools)
    assert response["Location"].endswith(f"/assets/{part.pk}/")
    body = keeper.get(response["Location"]).content.decode()
    assert 'data-testid="split-from"' in body and stools.number in body and "拆分转入" in body
    body = keeper.get(page(in_school, f"{stools.pk}/")).content.decode()
    assert 'data-testid="asset-parts"' in body and part.number in body and "拆分转出" in body


@pytest.mark.parametrize(
    ("quantity", "message"),
    [("0", "数量应为正整数。"), ("401", "卡片上只有 400 张，不能超过。"), ("四十", "")],
)
def test_a_bad_quantity_is_shown_beside_the_field(stools, in_school, client_for, people, quantity, message):
    response = client_for(people.keeper).post(
        page(in_school, f"{stools.pk}/issue/"), {"quantity": quantity, "custodian": people.teacher.pk}
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="id_quantity_error"' in body
    assert message in body
    assert Asset.objects.count() == 1


def test_outsiders_cannot_split_on_the_pages(
    stools, in_school, client_for, people, member_b, other_inspector
):
    url = page(in_school, f"{stools.pk}/issue/")
    data = {"quantity": 40, "custodian": people.teacher.pk}
    assert client_for(member_b).post(url, data).status_code == 404
    assert client_for(other_inspector).post(url, data).status_code == 404
    anonymous = client_for().post(url, data)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_for(people.principal).post(url, data).status_code == 403  # may view, not move
    assert Asset.objects.count() == 1


def test_the_card_page_costs_the_same_with_one_part_or_many(stools, in_school, client_for, people):
    keeper = client_for(people.keeper)
    actions.split_asset(stools, quantity=1, actor=people.keeper)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert keeper.get(page(in_school, f"{stools.pk}/")).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(6):
        actions.split_asset(stools, quantity=1, actor=people.keeper)
    assert queries() == one


# --- API -------------------------------------------------------------------------------------


def api(school, path: str) -> str:
    return f"/s/{school.code}/api/v1/assets/{path}"


def test_the_api_moves_part_of_a_batch(stools, in_school, client_for, people, places):
    keeper = client_for(people.keeper)
    response = keeper.post(
        api(in_school, f"cards/{stools.pk}/transfer/"),
        {"quantity": 40, "to_location": places.lab.pk, "approver": people.director.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    part_id = response.json()["asset"]
    assert part_id != stools.pk and response.json()["asset_number"] == f"{stools.number}-001"
    card = keeper.get(api(in_school, f"cards/{part_id}/")).json()
    assert (card["quantity"], card["split_from"], card["original_value"]) == (40, stools.pk, "3400.00")
    kinds = [row["kind"] for row in keeper.get(api(in_school, f"cards/{stools.pk}/movements/")).json()]
    assert kinds == ["register", "split_out"]


@pytest.mark.parametrize(
    ("quantity", "code"),
    [(0, "invalid_quantity"), (-1, "invalid_quantity"), (401, "quantity_too_large"), ("x", "invalid")],
)
def test_the_api_refuses_a_bad_quantity_with_its_code(stools, in_school, client_for, people, quantity, code):
    response = client_for(people.keeper).post(
        api(in_school, f"cards/{stools.pk}/disposal-request/"),
        {"quantity": quantity, "method": "scrap", "reason": "旧"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]["quantity"][0]["code"] == code
    assert not DisposalRequest.objects.exists() and Asset.objects.count() == 1


def test_outsiders_cannot_split_through_the_api(stools, in_school, client_for, people, member_b, school_b):
    url = api(in_school, f"cards/{stools.pk}/issue/")
    data = {"quantity": 40, "custodian": people.teacher.pk}
    assert client_for(member_b).post(url, data, content_type="application/json").status_code == 404
    other_keeper = make_user(Role.ASSET_KEEPER, school=school_b)
    assert client_for(other_keeper).post(url, data, content_type="application/json").status_code == 404
    anonymous = client_for().post(url, data, content_type="application/json")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    assert Asset.objects.count() == 1


def test_the_card_list_costs_the_same_with_parts(
    stools, in_school, client_for, people, django_assert_num_queries
):
    keeper = client_for(people.keeper)
    with CaptureQueriesContext(connection) as whole:
        assert len(keeper.get(api(in_school, "cards/")).json()["results"]) == 1
    for _ in range(5):
        actions.split_asset(stools, quantity=1, actor=people.keeper)
    with django_assert_num_queries(len(whole)):
        assert len(keeper.get(api(in_school, "cards/")).json()["results"]) == 6


def test_the_end_of_term_check_shows_what_moved_out_on_the_page_and_in_the_api(
    stools, in_school, client_for, people, school_class
):
    actions.issue_asset(stools, school_class=school_class, actor=people.keeper)
    property_list = actions.generate_class_property_list(school_class, actor=people.keeper)
    actions.sign_class_property_list(property_list, signature=drawn_signature(), actor=people.teacher)
    other = actions.create_school_class(name="三年级3班", grade=3, number=3, actor=people.director)
    part = actions.transfer_asset(
        stools, quantity=40, to_class=other, approver=people.director, actor=people.keeper
    ).asset
    teacher = client_for(people.teacher)
    body = teacher.get(f"/s/{in_school.code}/assets/lists/{property_list.pk}/").content.decode()
    moved = re.findall(r'<p [^>]*data-testid="not-with-the-class">(.*?)</p>', body)
    assert moved == [f"{part.number} 学生凳 · 40张 · 已调出本班，不需核对"]
    stays = property_list.items.get(asset=stools)
    assert f'name="item_{stays.pk}"' in body and "已调出" not in re.sub(
        r"<p [^>]*not-with-the-class.*?</p>", "", body
    )
    url = api(in_school, f"class-property-lists/{property_list.pk}/")
    items = {row["asset"]: row for row in teacher.get(url).json()["items"]}
    assert (items[stools.pk]["to_check"], items[part.pk]["to_check"]) == (True, False)
    refused = teacher.post(
        url + "check/",
        {"results": {str(stays.pk): "moved"}, "signature": drawn_signature()},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "results" in refused.content.decode()
    done = teacher.post(
        url + "check/",
        {"results": {str(stays.pk): "ok"}, "signature": drawn_signature()},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert dict(property_list.items.values_list("asset_id", "end_result")) == {
        stools.pk: "ok",
        part.pk: "moved",
    }

"""The assets pages: the ledger and its search, a card and its history, the movement forms,
labels, stocktakes, consumables, class lists, imports and the school home."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from eduplatform.accounts.roles import Role
from eduplatform.assets import actions
from eduplatform.assets.models import Asset, AssetStatus, ClassPropertyList, Consumable, PropertyListStatus
from tests.assets.conftest import FURNITURE, drawn_signature
from tests.world import make_user


def page(school, path: str = "") -> str:
    return f"/s/{school.code}/assets/{path}"


@pytest.fixture
def keeper(people, client_for):
    return client_for(people.keeper)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# --- The ledger --------------------------------------------------------------------------------


def test_a_ledger_row_shows_the_card_where_it_is_who_has_it_and_its_state(
    register, keeper, in_school, places, people
):
    card = register(
        name="<b>投影仪</b> & 幕布", unit_price=Decimal("1234.50"), location=places.lab, quantity=3
    )
    actions.issue_asset(card, custodian=people.teacher, actor=people.keeper)
    card.refresh_from_db()
    body = keeper.get(page(in_school), HTTP_HX_REQUEST="true").content.decode()
    row = re.search(r'<tr data-testid="ledger-row">(.*?)</tr>', body, re.S).group(1)
    # Every value is escaped: a name typed with markup shows as typed.
    assert f'<a href="/s/{in_school.code}/assets/{card.pk}/">&lt;b&gt;投影仪&lt;/b&gt; &amp; 幕布</a>' in row
    assert f'value="{card.pk}" aria-label="选择 {card.number}"' in row
    assert f"{card.number} · 3{card.unit}" in row
    assert row.count(places.lab.label) == 2  # beside the name on a phone, in its column on a wide screen
    assert f"· {card.custodian_name}" in row and card.custodian_name
    assert "3703.50" in row  # original value: 3 × 1234.50
    assert '<span class="badge assets-status-in_use">在用</span>' in row


def test_the_ledger_finds_by_chinese_substring_filters_and_sorts(register, keeper, in_school, places):
    register(name="多媒体投影仪")
    register(name="笔记本电脑", unit_price=Decimal("6200"), location=places.lab)
    register(name="投影幕布", unit_price=Decimal("800"))
    body = keeper.get(page(in_school), {"q": "投影"}).content.decode()
    assert "多媒体投影仪" in body and "投影幕布" in body and "笔记本电脑" not in body
    body = keeper.get(page(in_school), {"location": places.lab.pk}).content.decode()
    assert "笔记本电脑" in body and "投影幕布" not in body
    # The filter shows the room chosen, and offers the others.
    assert f'<option value="{places.lab.pk}" selected>{places.lab.label}</option>' in body
    assert f'<option value="{places.storeroom.pk}">{places.storeroom.label}</option>' in body
    body = keeper.get(page(in_school), {"kind": "low_value"}).content.decode()
    assert "投影幕布" in body and "多媒体投影仪" not in body
    body = keeper.get(page(in_school), {"sort": "-value"}).content.decode()
    assert body.index("笔记本电脑") < body.index("多媒体投影仪") < body.index("投影幕布")
    # htmx asks for the table alone, and then for the count.
    fragment = keeper.get(page(in_school), {"q": "电脑"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "笔记本电脑" in fragment
    assert keeper.get(page(in_school, "count/"), {"q": "投影"}).content.decode().strip() == "共 2 项资产"


def test_the_ledger_page_costs_the_same_for_three_cards_or_sixty(register, keeper, in_school, people):
    for _ in range(3):
        register()
    few = queries_for(keeper, page(in_school))
    for number in range(57):
        card = register(name=f"课桌{number}", classification_code=FURNITURE, unit_price="260")
        if number % 3 == 0:
            actions.issue_asset(card, custodian=people.teacher, actor=people.keeper)
    many = queries_for(keeper, page(in_school))
    assert few == many == 8
    # Pages of 50 without a count: 51 rows are read to know there is a next page.
    first = keeper.get(page(in_school)).content.decode()
    assert first.count('data-testid="ledger-row"') == 50 and 'rel="next"' in first
    second = keeper.get(page(in_school), {"page": 2}).content.decode()
    assert second.count('data-testid="ledger-row"') == 10 and 'rel="next"' not in second
    assert keeper.get(page(in_school, "count/")).content.decode().strip() == "共 60 项资产"


def test_other_list_pages_cost_a_fixed_number_of_queries(register, keeper, in_school, people):
    for _ in range(3):
        actions.request_disposal(register(), method="scrap", reason="旧", actor=people.keeper)
        actions.create_consumable(name=f"耗材{_}", actor=people.keeper)
    expected = {"disposals/": 8, "consumables/": 7, "stocktakes/": 7, "locations/": 7, "classes/": 8}
    assert {path: queries_for(keeper, page(in_school, path)) for path in expected} == expected


def test_exports_give_the_filtered_ledger_and_the_finance_cards(register, keeper, in_school):
    register(name="多媒体投影仪")
    register(name="笔记本电脑")
    response = keeper.get(page(in_school, "export.xlsx"), {"q": "电脑"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("资产编号", "财政编号") and len(rows) == 2 and rows[1][4] == "笔记本电脑"
    response = keeper.get(page(in_school, "export-finance.xlsx"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert "累计折旧" in header and "净值" in header and len(rows) == 3
    assert rows[1][header.index("经费来源")] == "财政拨款"


# --- A card --------------------------------------------------------------------------------------


def test_lend_and_get_back_a_projector_on_the_pages(projector, keeper, in_school, people):
    body = keeper.get(page(in_school, f"{projector.pk}/")).content.decode()
    assert "借出" in body and "入库验收" in body
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = keeper.post(
        page(in_school, f"{projector.pk}/borrow/"), {"borrower": people.teacher.pk, "due_date": due}
    )
    assert response.status_code == 302
    projector.refresh_from_db()
    assert projector.status == AssetStatus.BORROWED
    body = keeper.get(page(in_school, f"{projector.pk}/")).content.decode()
    assert "周老师" in body and "归还" in body
    keeper.post(page(in_school, f"{projector.pk}/return/"), {"condition": "good"})
    projector.refresh_from_db()
    assert projector.status == AssetStatus.IN_STOCK


def test_the_asset_page_costs_the_same_for_a_short_or_a_long_history(projector, keeper, in_school, people):
    url = page(in_school, f"{projector.pk}/")
    short = queries_for(keeper, url)
    for _ in range(20):
        actions.borrow_asset(
            projector, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper
        )
        actions.return_asset(projector, actor=people.keeper)
    assert queries_for(keeper, url) == short
    body = keeper.get(url).content.decode()
    assert body.count('class="list-group-item">\n          <div class="d-flex flex-wrap gap-2"><strong') <= 30
    assert 'data-testid="all-history"' in body
    assert keeper.get(url, {"history": "all"}).content.decode().count("入库验收") == 1


def test_a_refusal_is_shown_beside_its_field(projector, keeper, in_school, people, places):
    places.lab.is_active = False
    places.lab.save()
    response = keeper.post(page(in_school, f"{projector.pk}/return/"), {"condition": "good"})
    assert response.status_code == 200
    assert "未借出" in response.content.decode()
    response = keeper.post(
        page(in_school, f"{projector.pk}/transfer/"),
        {"to_location": places.classroom.pk, "approver": people.teacher.pk},
    )
    body = response.content.decode()
    assert 'id="id_approver_error"' in body and "没有审批资产事项的权限" in body


def test_transfer_desks_between_classes_from_the_ledger(register, keeper, in_school, people, school_class):
    other = actions.create_school_class(name="三年级3班", grade=3, number=3, actor=people.director)
    desks = [
        register(name="课桌椅", classification_code=FURNITURE, unit_price="260", school_class=school_class)
        for _ in range(2)
    ]
    chosen = {"asset": [desk.pk for desk in desks]}
    assert keeper.get(page(in_school, "transfer/"), chosen).status_code == 200
    response = keeper.post(
        page(in_school, "transfer/"), {**chosen, "to_class": other.pk, "approver": people.director.pk}
    )
    assert response.status_code == 302
    assert {Asset.objects.get(pk=desk.pk).school_class_id for desk in desks} == {other.pk}


def test_register_a_card_on_the_page(keeper, in_school, people, places):
    response = keeper.post(
        page(in_school, "new/"),
        {
            "name": "实物展台", "classification_code": "2000000", "unit": "台", "quantity": 1, "unit_price": "1680",
            "acquisition_date": "2024-03-01", "acquisition_method": "purchase", "handler": people.keeper.pk,
            "acceptor": people.keeper.pk, "approver": people.principal.pk, "location": places.storeroom.pk,
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "三个不同的人" in response.content.decode()
    assert not Asset.objects.exists()


def test_a_scanned_label_opens_the_card_for_whoever_may_see_it(
    projector, in_school, people, client_for, member_b
):
    label = page(in_school, f"n/{projector.number}/")
    assert client_for(people.principal).get(label)["Location"].endswith(f"/assets/{projector.pk}/")
    assert client_for(people.teacher).get(label).status_code == 404  # not theirs
    actions.issue_asset(projector, custodian=people.teacher, actor=people.keeper)
    assert client_for(people.teacher).get(label).status_code == 302  # now it is
    assert client_for(member_b).get(label).status_code == 404
    anonymous = client_for().get(label)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_labels_fill_a4_sheets_with_qr_codes(register, keeper, in_school):
    cards = [register() for _ in range(26)]
    response = keeper.get(page(in_school, "labels/"), {"asset": [card.pk for card in cards]})
    body = response.content.decode()
    assert body.count('data-testid="label-sheet"') == 2  # 24 + 2
    assert body.count('data-testid="label"') == 26
    assert body.count("<svg") == 26
    assert in_school.name in body and cards[0].number in body


def test_a_photo_is_reencoded_and_served_only_to_those_who_may_see_it(
    projector, keeper, in_school, settings, tmp_path, client_for, people
):
    settings.MEDIA_ROOT = tmp_path
    image = Image.new("RGB", (64, 48), "red")
    output = io.BytesIO()
    image.save(output, format="PNG")
    output.name = "photo.png"
    output.seek(0)
    response = keeper.post(page(in_school, f"{projector.pk}/attachments/"), {"file": output})
    assert response.status_code == 302
    attachment = projector.attachments.get()
    assert (attachment.kind, attachment.content_type) == ("photo", "image/jpeg")
    served = keeper.get(page(in_school, f"{projector.pk}/attachments/{attachment.pk}/"))
    assert served.status_code == 200 and b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    assert (
        client_for(people.teacher)
        .get(page(in_school, f"{projector.pk}/attachments/{attachment.pk}/"))
        .status_code
        == 404
    )
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "photo.jpg"
    keeper.post(page(in_school, f"{projector.pk}/attachments/"), {"file": fake})
    assert projector.attachments.count() == 1


# --- Stocktakes ------------------------------------------------------------------------------


def test_a_small_stocktake_by_ticking_items(register, keeper, in_school, people, client_for):
    first, second, third = register(), register(), register()
    response = keeper.post(
        page(in_school, "stocktakes/"),
        {"name": "期末盘点", "scope": "school", "reference_date": timezone.localdate().isoformat()},
    )
    stocktake = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    count_url = page(in_school, f"stocktakes/{stocktake}/count/")
    body = keeper.get(count_url).content.decode()
    assert body.count('data-testid="count-item"') == 3
    fragment = keeper.post(
        count_url + "?show=pending", {"asset": first.pk, "result": "found"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.content.decode().count('data-testid="count-item"') == 2
    keeper.post(
        count_url,
        {"scanned": f"https://x/s/{in_school.code}/assets/n/{second.number}/"},
        HTTP_HX_REQUEST="true",
    )
    keeper.post(count_url, {"asset": third.pk, "result": "not_found"})
    director = client_for(people.director)
    summary = director.get(page(in_school, f"stocktakes/{stocktake}/")).content.decode()
    assert "66.67%" in summary
    third_item = str(third.stocktake_items.get().pk)
    director.post(page(in_school, f"stocktakes/{stocktake}/close/"), {"approve": [third_item]})
    third.refresh_from_db()
    assert third.status == AssetStatus.LOST
    exported = keeper.get(page(in_school, f"stocktakes/{stocktake}/export.xlsx"))
    workbook = load_workbook(io.BytesIO(exported.content))
    overview = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert overview[2][:2] == ("账实相符率（%）", 66.67)
    details = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert len(details) == 4 and details[3][12] == "盘亏"


# --- Consumables, classes ---------------------------------------------------------------------


def test_consumables_in_and_out_on_the_page(keeper, in_school, people, places):
    keeper.post(
        page(in_school, "consumables/"), {"name": "A4 复印纸", "unit": "包", "low_stock_threshold": 2}
    )
    paper = Consumable.objects.get(name="A4 复印纸")
    url = page(in_school, f"consumables/{paper.pk}/")
    keeper.post(url, {"direction": "in", "in-quantity": 10})
    response = keeper.post(
        url,
        {"direction": "out", "out-quantity": 12, "out-department": places.teaching.pk, "out-requester": people.teacher.pk,
         "out-approver": people.director.pk},
    )  # fmt: skip
    assert "库存不足" in response.content.decode()
    keeper.post(
        url,
        {"direction": "out", "out-quantity": 9, "out-department": places.teaching.pk, "out-requester": people.teacher.pk,
         "out-approver": people.director.pk},
    )  # fmt: skip
    assert '<span class="h2" data-testid="on-hand">1</span>' in keeper.get(url).content.decode()


def test_the_class_teacher_signs_the_class_list_and_a_new_teacher_signs_again(
    register, keeper, in_school, people, school_class, client_for
):
    register(
        name="课桌椅", classification_code=FURNITURE, unit_price="260", quantity=45, school_class=school_class
    )
    keeper.post(page(in_school, f"classes/{school_class.pk}/list/"))
    property_list = ClassPropertyList.objects.get(school_class=school_class)
    url = page(in_school, f"lists/{property_list.pk}/")
    assert (
        client_for(people.other_teacher)
        .post(url, {"step": "sign", "signature": drawn_signature()})
        .status_code
        == 404
    )
    teacher = client_for(people.teacher)
    assert "签收" in teacher.get(url).content.decode()
    empty = teacher.post(url, {"step": "sign", "signature": ""})
    assert "请在签名框中签名" in empty.content.decode()
    teacher.post(url, {"step": "sign", "signature": drawn_signature()})
    property_list.refresh_from_db()
    assert property_list.status == PropertyListStatus.SIGNED
    keeper.post(
        page(in_school, f"classes/{school_class.pk}/teacher/"), {"class_teacher": people.other_teacher.pk}
    )
    property_list.refresh_from_db()
    assert property_list.status == PropertyListStatus.AWAITING_SIGNATURE
    client_for(people.other_teacher).post(url, {"step": "sign", "signature": drawn_signature()})
    property_list.refresh_from_db()
    assert property_list.status == PropertyListStatus.SIGNED
    assert [(s.signer_id, s.is_current) for s in property_list.signatures.order_by("id")] == [
        (people.teacher.pk, False),
        (people.other_teacher.pk, True),
    ]
    item = property_list.items.get()
    client_for(people.other_teacher).post(
        url, {"step": "check", f"item_{item.pk}": "broken", "signature": drawn_signature()}
    )
    property_list.refresh_from_db()
    item.refresh_from_db()
    assert property_list.status == PropertyListStatus.CHECKED
    assert item.damage_report is not None and item.asset.damage_reports.count() == 1


# --- Home, navigation, permissions ----------------------------------------------------------------


def test_the_school_home_shows_the_assets_facts(register, in_school, people, client_for):
    card = register()
    actions.borrow_asset(card, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper)
    actions.request_disposal(register(), method="scrap", reason="旧", actor=people.keeper)
    body = client_for(people.director).get(f"/s/{in_school.code}/").content.decode()
    assert "今天应归还的借用 1 件" in body
    assert "待您审批的资产处置 1 项" in body
    assert "本学期尚未完成全校资产盘点" in body
    teacher_home = client_for(people.teacher).get(f"/s/{in_school.code}/").content.decode()
    assert "归还借用的 多媒体投影仪" in teacher_home
    assert "待您审批" not in teacher_home


def test_pages_refuse_who_may_not_act(projector, in_school, people, client_for):
    guard = make_user(Role.GUARD, school=in_school)
    assert client_for(guard).get(page(in_school)).status_code == 403
    assert client_for(people.teacher).get(page(in_school)).status_code == 403
    assert client_for(people.principal).get(page(in_school, f"{projector.pk}/borrow/")).status_code == 403
    assert client_for(people.principal).get(page(in_school)).status_code == 200
    assert client_for(people.teacher).get(page(in_school, "classes/")).status_code == 200

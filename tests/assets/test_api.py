"""The school API for assets: conventions (problem+json, updated_since, cursor pages, query
counts), the actions as POST endpoints, and who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eduplatform.accounts.roles import Role
from eduplatform.assets import actions
from eduplatform.assets.models import Asset, AssetStatus
from tests.assets.conftest import GENERAL_EQUIPMENT
from tests.world import make_user


def url(school, path: str) -> str:
    return f"/s/{school.code}/api/v1/assets/{path}"


@pytest.fixture
def keeper_client(people, client_for):
    return client_for(people.keeper)


def test_the_card_list_pages_by_cursor_and_costs_the_same_for_more_cards(
    register, keeper_client, in_school, django_assert_num_queries
):
    for _ in range(3):
        register()
    # Authentication, membership and capabilities, then the page: never a query per card.
    with django_assert_num_queries(6):
        response = keeper_client.get(url(in_school, "cards/"), {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 2 and body["next"]
    for _ in range(5):
        register()
    with django_assert_num_queries(6):
        assert len(keeper_client.get(url(in_school, "cards/")).json()["results"]) == 8
    first = body["results"][0]
    assert first["original_value"] == "4580.00"  # money as text, never a float
    assert first["location_label"] == "行政楼 1层 器材室"


def test_cards_filter_by_chinese_substring_status_and_updated_since(
    register, keeper_client, in_school, people
):
    register(name="多媒体投影仪")
    laptop = register(name="笔记本电脑")
    actions.borrow_asset(laptop, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper)

    def names(params):
        return [row["name"] for row in keeper_client.get(url(in_school, "cards/"), params).json()["results"]]

    assert names({"q": "投影"}) == ["多媒体投影仪"]
    assert names({"status": "borrowed"}) == ["笔记本电脑"]
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert names({"updated_since": later}) == []
    bad = keeper_client.get(url(in_school, "cards/"), {"updated_since": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["errors"]["updated_since"][0]["code"] == "invalid_datetime"


def test_the_ledger_syncs_by_updated_since(projector, keeper_client, in_school, people):
    moment = timezone.now()
    actions.borrow_asset(
        projector, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper
    )
    rows = keeper_client.get(url(in_school, "movements/"), {"updated_since": moment.isoformat()}).json()[
        "results"
    ]
    assert [(row["kind"], row["asset_number"]) for row in rows] == [("borrow", projector.number)]
    assert rows[0]["changes"]["status"] == ["in_stock", "borrowed"]


def test_register_lend_and_return_through_the_api(keeper_client, in_school, people, places):
    response = keeper_client.post(
        url(in_school, "cards/"),
        {
            "name": "实物展台", "classification_code": GENERAL_EQUIPMENT, "unit_price": "1680.00",
            "acquisition_date": "2024-03-01", "handler": people.keeper.pk, "acceptor": people.director.pk,
            "approver": people.principal.pk, "location": places.storeroom.pk,
        },
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    card = response.json()
    assert (card["status"], card["kind"], card["number"]) == ("in_stock", "fixed", "ZC202400001")
    lent = keeper_client.post(
        url(in_school, f"cards/{card['id']}/borrow/"),
        {"borrower": people.teacher.pk, "due_date": (timezone.localdate() + timedelta(days=3)).isoformat()},
        content_type="application/json",
    )
    assert lent.status_code == 201
    assert lent.json()["kind"] == "borrow"
    back = keeper_client.post(
        url(in_school, f"cards/{card['id']}/return/"), {"condition": "good"}, content_type="application/json"
    )
    assert back.status_code == 201
    assert Asset.objects.get(pk=card["id"]).status == AssetStatus.IN_STOCK


def test_a_refused_action_is_problem_json_naming_the_field_and_code(
    projector, keeper_client, in_school, people
):
    response = keeper_client.post(
        url(in_school, f"cards/{projector.pk}/return/"), {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"]["__all__"][0]["code"] == "not_borrowed"
    assert "未借出" in body["detail"]
    response = keeper_client.post(
        url(in_school, "cards/"),
        {
            "name": "投影仪", "classification_code": GENERAL_EQUIPMENT, "unit_price": "100",
            "acquisition_date": "2024-03-01", "handler": people.keeper.pk, "acceptor": people.keeper.pk,
            "approver": people.principal.pk,
        },
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"]["acceptor"][0]["code"] == "same_person"


def test_an_id_of_something_the_caller_cannot_see_is_an_invalid_choice(
    projector, keeper_client, in_school, school_b
):
    stranger = make_user(Role.STAFF, school=school_b)
    response = keeper_client.post(
        url(in_school, f"cards/{projector.pk}/borrow/"),
        {"borrower": stranger.pk, "due_date": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["borrower"][0]["code"] == "does_not_exist"


def test_transfer_desks_between_classes_in_one_request(
    register, keeper_client, in_school, people, places, school_class
):
    other = actions.create_school_class(name="四年级1班", grade=4, number=1, actor=people.director)
    desks = [register(name="课桌椅", unit_price="260", school_class=school_class) for _ in range(2)]
    response = keeper_client.post(
        url(in_school, "cards/transfer/"),
        {"assets": [desk.pk for desk in desks], "to_class": other.pk, "approver": people.director.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert {Asset.objects.get(pk=desk.pk).school_class_id for desk in desks} == {other.pk}


def test_who_may_do_what(projector, in_school, people, member_b, client_for):
    teacher = client_for(people.teacher)
    assert teacher.get(url(in_school, "cards/")).status_code == 403  # may borrow, not browse the ledger
    assert (
        teacher.post(
            url(in_school, f"cards/{projector.pk}/reclaim/"), {}, content_type="application/json"
        ).status_code
        == 403
    )
    principal = client_for(people.principal)
    assert principal.get(url(in_school, f"cards/{projector.pk}/")).status_code == 200
    assert (
        principal.post(
            url(in_school, f"cards/{projector.pk}/reclaim/"), {}, content_type="application/json"
        ).status_code
        == 403
    )
    outsider = client_for(member_b)
    assert outsider.get(url(in_school, f"cards/{projector.pk}/")).status_code == 404
    assert client_for(people.keeper).get(url(in_school, "cards/999999/")).status_code == 404


def test_disposal_approvals_follow_the_chain(projector, in_school, people, client_for):
    request = actions.request_disposal(projector, method="scrap", reason="损坏", actor=people.keeper)
    refused = client_for(people.principal).post(
        url(in_school, f"disposal-requests/{request.pk}/approve/"), {}, content_type="application/json"
    )
    assert refused.status_code == 403
    approved = client_for(people.director).post(
        url(in_school, f"disposal-requests/{request.pk}/approve/"),
        {"note": "同意"},
        content_type="application/json",
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"


def test_a_stocktake_counted_by_scanning_labels(
    projector, register, keeper_client, in_school, people, client_for
):
    other = register()
    opened = keeper_client.post(
        url(in_school, "stocktakes/"),
        {"name": "期末盘点", "scope": "school", "reference_date": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert opened.status_code == 201
    stocktake = opened.json()["id"]
    label = f"https://edu.example.cn/s/{in_school.code}/assets/n/{projector.number}/"
    counted = keeper_client.post(
        url(in_school, f"stocktakes/{stocktake}/count/"), {"scanned": label}, content_type="application/json"
    )
    assert counted.status_code == 201
    assert counted.json()["result"] == "found"
    unknown = keeper_client.post(
        url(in_school, f"stocktakes/{stocktake}/count/"),
        {"scanned": "ZC-NOT-HERE"},
        content_type="application/json",
    )
    assert unknown.json()["errors"]["asset"][0]["code"] == "unknown_asset"
    keeper_client.post(
        url(in_school, f"stocktakes/{stocktake}/count/"),
        {"asset": other.pk, "found": False},
        content_type="application/json",
    )
    summary = keeper_client.get(url(in_school, f"stocktakes/{stocktake}/summary/")).json()
    assert (summary["expected_items"], summary["matched_items"], summary["match_rate"]) == (2, 1, "50.00")
    assert (
        keeper_client.post(
            url(in_school, f"stocktakes/{stocktake}/close/"), {}, content_type="application/json"
        ).status_code
        == 403
    )
    closed = client_for(people.director).post(
        url(in_school, f"stocktakes/{stocktake}/close/"), {}, content_type="application/json"
    )
    assert closed.json()["status"] == "closed"


def test_list_endpoints_cost_a_fixed_number_of_queries(
    register, keeper_client, in_school, people, django_assert_num_queries
):
    for _ in range(2):
        card = register()
        actions.borrow_asset(
            card, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper
        )
        actions.request_disposal(register(), method="scrap", reason="旧", actor=people.keeper)
    actions.open_stocktake(
        name="盘点", scope="school", reference_date=timezone.localdate(), actor=people.keeper
    )
    actions.create_consumable(name="粉笔", actor=people.keeper)
    expected = {
        "movements/": 6,
        "disposal-requests/": 7,
        "locations/": 6,
        "consumables/": 6,
        "stocktakes/": 7,
    }
    performed = {}
    for path in expected:
        with CaptureQueriesContext(connection) as queries:
            assert keeper_client.get(url(in_school, path)).status_code == 200, path
        performed[path] = len(queries)
    assert performed == expected


def test_a_government_system_syncs_cards_with_its_key(projector, in_school, client_for):
    from datetime import timedelta as delta

    from eduplatform.accounts.api_keys import create_api_key

    _key, secret = create_api_key(
        name="资产系统", actor=None, school=in_school, expires_at=timezone.now() + delta(days=30)
    )
    machine = client_for(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    rows = machine.get(url(in_school, "cards/"), {"updated_since": "2020-01-01T00:00:00+08:00"}).json()[
        "results"
    ]
    assert [row["number"] for row in rows] == [projector.number]
    refused = machine.post(
        url(in_school, f"cards/{projector.pk}/reclaim/"), {}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "api_key_read_only")

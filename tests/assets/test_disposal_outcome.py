"""The outcome of an approved disposal (处置结果): who took the asset, when, for how much
(处置收入), the voucher or document, and whether the proceeds were handed to finance (上缴)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from eduplatform.assets import actions
from eduplatform.assets.models import Asset, AssetMovement, DisposalRequest, MovementKind
from eduplatform.audit.models import AuditEvent
from tests.assets.test_actions import refusal_code, refusal_field

TODAY = timezone.localdate()


@pytest.fixture
def approve(people):
    """A disposal of the card by `method`, approved (4,580 yuan: the logistics director alone)."""

    def make(card: Asset, method: str = "sale") -> DisposalRequest:
        request = actions.request_disposal(card, method=method, reason="闲置多年", actor=people.keeper)
        return actions.approve_disposal(request, actor=people.director)

    return make


@pytest.fixture
def sold(projector, approve) -> DisposalRequest:
    return approve(projector)


def outcome(**overrides) -> dict:
    values = {
        "disposed_on": TODAY,
        "proceeds": "320.00",
        "counterparty": "再生资源回收公司",
        "document_number": "处置-2026-08",
        "is_remitted": False,
    }
    values.update(overrides)
    return values


# --- The action ----------------------------------------------------------------------------------


def test_the_outcome_of_a_sale_is_recorded_on_the_request_and_the_ledger(sold, people):
    recorded = actions.record_disposal_outcome(sold, actor=people.keeper, **outcome())
    assert (recorded.counterparty, recorded.disposed_on, recorded.proceeds) == (
        "再生资源回收公司",
        TODAY,
        Decimal("320.00"),
    )
    assert (recorded.document_number, recorded.is_remitted, recorded.has_outcome) == (
        "处置-2026-08",
        False,
        True,
    )
    movement = AssetMovement.objects.get(asset=sold.asset, kind=MovementKind.DISPOSAL_OUTCOME)
    assert movement.changes == {} and movement.details["proceeds"] == "320.00"
    # Recorded again when the proceeds are handed to finance: audited before and after.
    actions.record_disposal_outcome(sold, actor=people.keeper, **outcome(is_remitted=True))
    event = AuditEvent.objects.filter(object_type="assets.disposalrequest", object_id=str(sold.pk)).latest(
        "id"
    )
    assert (event.before["is_remitted"], event.after["is_remitted"]) == (False, True)
    assert sold.asset.movements.filter(kind=MovementKind.DISPOSAL_OUTCOME).count() == 2


def test_scrap_may_bring_nothing_and_name_no_one(projector, approve, people):
    scrapped = approve(projector, "scrap")
    recorded = actions.record_disposal_outcome(
        scrapped, actor=people.keeper, **outcome(proceeds="0", counterparty="", document_number="")
    )
    assert recorded.proceeds == Decimal("0.00")


def test_a_transfer_out_or_donation_names_who_took_it(register, approve, people):
    for method in ("transfer_out", "donation"):
        request = approve(register(), method)
        with pytest.raises(ValidationError) as raised:
            actions.record_disposal_outcome(
                request, actor=people.keeper, **outcome(counterparty=" ", proceeds="0")
            )
        assert (refusal_field(raised), refusal_code(raised)) == ("counterparty", "required")
        actions.record_disposal_outcome(
            request, actor=people.keeper, **outcome(counterparty="示范区第二小学", proceeds="0")
        )


def test_a_disposal_is_not_dated_before_its_approval(sold, people):
    # Requested ten days ago, approved three days ago: carried out before approval is refused.
    now = timezone.now()
    DisposalRequest.objects.filter(pk=sold.pk).update(
        created_at=now - timedelta(days=10), decided_at=now - timedelta(days=3)
    )
    sold.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        actions.record_disposal_outcome(
            sold, actor=people.keeper, **outcome(disposed_on=TODAY - timedelta(days=5))
        )
    assert (refusal_field(raised), refusal_code(raised)) == ("disposed_on", "before_approval")
    recorded = actions.record_disposal_outcome(
        sold, actor=people.keeper, **outcome(disposed_on=TODAY - timedelta(days=3))
    )
    assert recorded.disposed_on == TODAY - timedelta(days=3)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"proceeds": "-1.00"}, "proceeds", "invalid_amount"),
        ({"proceeds": "12.345"}, "proceeds", "invalid_amount"),
        ({"proceeds": None}, "proceeds", "required"),
        ({"proceeds": "0"}, "proceeds", "sale_without_proceeds"),
        ({"disposed_on": None}, "disposed_on", "required"),
        ({"disposed_on": TODAY - timedelta(days=1)}, "disposed_on", "before_approval"),
        ({"disposed_on": TODAY + timedelta(days=1)}, "disposed_on", "future_date"),
        ({"counterparty": "买" * 201}, "counterparty", "too_long"),
        ({"document_number": "号" * 61}, "document_number", "too_long"),
    ],
)
def test_bad_outcomes_are_refused_and_leave_nothing(sold, people, overrides, field, code):
    with pytest.raises(ValidationError) as raised:
        actions.record_disposal_outcome(sold, actor=people.keeper, **outcome(**overrides))
    assert (refusal_field(raised), refusal_code(raised)) == (field, code)
    sold.refresh_from_db()
    assert not sold.has_outcome and sold.proceeds is None
    assert not AssetMovement.objects.filter(kind=MovementKind.DISPOSAL_OUTCOME).exists()


def test_nothing_to_hand_over_is_not_handed_over(projector, approve, people):
    scrapped = approve(projector, "scrap")
    with pytest.raises(ValidationError) as raised:
        actions.record_disposal_outcome(
            scrapped, actor=people.keeper, **outcome(proceeds="0", is_remitted=True)
        )
    assert (refusal_field(raised), refusal_code(raised)) == ("is_remitted", "nothing_to_remit")


def test_only_an_approved_disposal_with_an_outcome_takes_one(projector, register, approve, people):
    pending = actions.request_disposal(projector, method="sale", reason="闲置", actor=people.keeper)
    with pytest.raises(ValidationError) as raised:
        actions.record_disposal_outcome(pending, actor=people.keeper, **outcome())
    assert refusal_code(raised) == "not_approved"
    rejected = actions.reject_disposal(pending, note="还能用", actor=people.director)
    with pytest.raises(ValidationError) as raised:
        actions.record_disposal_outcome(rejected, actor=people.keeper, **outcome())
    assert refusal_code(raised) == "not_approved"
    lost = approve(register(), "loss")
    with pytest.raises(ValidationError) as raised:
        actions.record_disposal_outcome(lost, actor=people.keeper, **outcome())
    assert refusal_code(raised) == "no_outcome"


# --- Pages ------------------------------------------------------------------------------------------


def page(school, path: str = "") -> str:
    return f"/s/{school.code}/assets/{path}"


def test_record_the_outcome_on_the_page(sold, in_school, client_for, people):
    keeper = client_for(people.keeper)
    disposals = keeper.get(page(in_school, "disposals/"), {"status": "approved"}).content.decode()
    assert 'data-testid="record-outcome"' in disposals
    url = page(in_school, f"disposals/{sold.pk}/outcome/")
    assert keeper.get(url).status_code == 200
    response = keeper.post(
        url,
        {
            "counterparty": "某二手设备公司",
            "disposed_on": TODAY.isoformat(),
            "proceeds": "320",
            "document_number": "处置-08",
            "is_remitted": "on",
        },
    )
    assert response["Location"].endswith(f"/assets/{sold.asset_id}/")
    card = keeper.get(response["Location"]).content.decode()
    assert 'data-testid="disposal-outcome"' in card and "某二手设备公司" in card and "已上缴" in card
    disposals = keeper.get(page(in_school, "disposals/"), {"status": "approved"}).content.decode()
    assert "320.00" in disposals and "修改处置结果" in disposals


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"proceeds": "-5"}, "proceeds", "金额不能为负数。"),
        ({"proceeds": ""}, "proceeds", "请填写处置收入，没有收入填 0。"),
        ({"counterparty": ""}, "counterparty", "请填写接收方。"),
        ({"disposed_on": "2020-01-01"}, "disposed_on", "处置日期不能早于审批通过日期"),
    ],
)
def test_bad_input_is_shown_beside_its_field(sold, in_school, client_for, people, data, field, message):
    form = {"counterparty": "某公司", "disposed_on": TODAY.isoformat(), "proceeds": "10", **data}
    response = client_for(people.keeper).post(page(in_school, f"disposals/{sold.pk}/outcome/"), form)
    body = response.content.decode()
    assert response.status_code == 200 and f'id="id_{field}_error"' in body and message in body
    sold.refresh_from_db()
    assert not sold.has_outcome


def test_outsiders_cannot_record_an_outcome(sold, in_school, client_for, people, member_b, other_inspector):
    url = page(in_school, f"disposals/{sold.pk}/outcome/")
    form = {"counterparty": "某公司", "disposed_on": TODAY.isoformat(), "proceeds": "10"}
    assert client_for(member_b).post(url, form).status_code == 404
    assert client_for(other_inspector).post(url, form).status_code == 404
    assert (
        client_for(people.principal).post(url, form).status_code == 403
    )  # approves, does not keep the books
    anonymous = client_for().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    sold.refresh_from_db()
    assert not sold.has_outcome


def test_the_approved_disposals_page_costs_the_same_with_outcomes(
    register, approve, in_school, client_for, people
):
    keeper = client_for(people.keeper)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert keeper.get(page(in_school, "disposals/"), {"status": "approved"}).status_code == 200
        return len(captured)

    approve(register())
    without_outcome = queries()
    for _ in range(3):
        actions.record_disposal_outcome(approve(register()), actor=people.keeper, **outcome())
    assert queries() == without_outcome


# --- API and export ------------------------------------------------------------------------------------


def api(school, path: str) -> str:
    return f"/s/{school.code}/api/v1/assets/{path}"


def test_the_api_records_and_shows_the_outcome(sold, in_school, client_for, people):
    keeper = client_for(people.keeper)
    response = keeper.post(
        api(in_school, f"disposal-requests/{sold.pk}/outcome/"),
        {
            "disposed_on": TODAY.isoformat(),
            "proceeds": "320.00",
            "counterparty": "某公司",
            "is_remitted": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = keeper.get(api(in_school, f"disposal-requests/{sold.pk}/")).json()
    assert (body["proceeds"], body["counterparty"], body["is_remitted"], body["disposed_on"]) == (
        "320.00",
        "某公司",
        True,
        TODAY.isoformat(),
    )
    assert body["outcome_recorded_at"]


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"proceeds": "-1"}, "proceeds", "invalid_amount"),
        ({"proceeds": "0"}, "proceeds", "sale_without_proceeds"),
        ({"disposed_on": "2020-01-01"}, "disposed_on", "before_approval"),
        ({"disposed_on": "not a date"}, "disposed_on", "invalid"),
    ],
)
def test_the_api_refuses_bad_outcomes_with_their_codes(
    sold, in_school, client_for, people, data, field, code
):
    response = client_for(people.keeper).post(
        api(in_school, f"disposal-requests/{sold.pk}/outcome/"),
        {"disposed_on": TODAY.isoformat(), "proceeds": "10", "counterparty": "某公司", **data},
        content_type="application/json",
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][field][0]["code"] == code


def test_the_api_outcome_is_for_the_keepers_of_this_school(sold, in_school, client_for, people, member_b):
    url = api(in_school, f"disposal-requests/{sold.pk}/outcome/")
    data = {"disposed_on": TODAY.isoformat(), "proceeds": "10", "counterparty": "某公司"}
    refused = client_for(people.principal).post(url, data, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (403, "missing_capability")
    assert client_for(member_b).post(url, data, content_type="application/json").status_code == 404
    assert client_for().post(url, data, content_type="application/json").status_code == 401
    sold.refresh_from_db()
    assert not sold.has_outcome


def test_the_disposal_list_endpoint_costs_the_same_with_outcomes(
    register, approve, in_school, client_for, people, django_assert_num_queries
):
    keeper = client_for(people.keeper)
    approve(register())
    with CaptureQueriesContext(connection) as without_outcome:
        assert len(keeper.get(api(in_school, "disposal-requests/")).json()["results"]) == 1
    for _ in range(3):
        actions.record_disposal_outcome(approve(register()), actor=people.keeper, **outcome())
    with django_assert_num_queries(len(without_outcome)):
        assert len(keeper.get(api(in_school, "disposal-requests/")).json()["results"]) == 4


def test_the_finance_export_gives_the_outcome_of_a_disposed_card(
    sold, register, in_school, client_for, people
):
    actions.record_disposal_outcome(sold, actor=people.keeper, **outcome(is_remitted=True))
    register(name="笔记本电脑")
    response = client_for(people.keeper).get(page(in_school, "export-finance.xlsx"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    disposed = by_number[sold.asset.number]
    assert (
        disposed["使用状况"],
        disposed["处置方式"],
        disposed["处置收入"],
        disposed["处置收入是否上缴"],
    ) == (
        "已处置",
        "出售",
        320,
        "是",
    )
    assert (disposed["处置接收方"], disposed["处置凭证或文件号"]) == ("再生资源回收公司", "处置-2026-08")
    assert disposed["处置日期"].date() == TODAY
    other = next(row for number, row in by_number.items() if number != sold.asset.number)
    assert not other["处置方式"] and other["处置收入"] is None

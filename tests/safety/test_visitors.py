from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.audit.models import AuditEvent
from eduplatform.checklists.refusals import first_code
from eduplatform.safety.actions import sign_in_visitor, sign_out_visitor
from eduplatform.safety.identity import id_check_character, is_valid_id_number, is_valid_plate
from eduplatform.safety.models import Visitor
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.world import make_user

# A well-formed number (GB 11643 check character X) and the same with a wrong check character.
ID_NUMBER = "11010519491231002X"
WRONG_CHECK = "110105194912310021"


@pytest.fixture
def guard(school_a):
    return make_user(Role.GUARD, school=school_a)


def _visit(actor, **fields):
    values = {"name": "张三", "id_number": ID_NUMBER, "phone": "13800138000", "organisation": "市自来水公司",
              "purpose": "检修水管", "host": "李老师", "vehicle_plate": "沪A12345", "actor": actor}  # fmt: skip
    values.update(fields)
    return sign_in_visitor(**values)


def page(school, name, **kwargs):
    return school_reverse(school, f"frontend:safety:{name}", **kwargs)


def api(school, name, **kwargs):
    return school_reverse(school, f"school-api:{name}", **kwargs)


def test_the_check_character_follows_gb_11643():
    assert id_check_character(ID_NUMBER[:17]) == "X"
    assert is_valid_id_number(ID_NUMBER) and is_valid_id_number("110101199003077774")
    assert not is_valid_id_number(WRONG_CHECK)
    assert not is_valid_id_number("11010519491331002X")  # no 13th month
    assert not is_valid_id_number("1101051949123100")  # too short
    for plate in ("沪A12345", "京AD12345", "粤B12345F", "苏E1234学"):
        assert is_valid_plate(plate), plate
    for plate in ("沪A1234", "XA12345", "沪I12345", "沪A123456789"):
        assert not is_valid_plate(plate), plate


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"id_number": WRONG_CHECK}, "id_number", "invalid_id_number"),
        ({"id_number": "12345"}, "id_number", "invalid_id_number"),
        ({"id_number": ""}, "id_number", "required"),
        ({"vehicle_plate": "沪A1234"}, "vehicle_plate", "invalid_plate"),
        ({"phone": "12345"}, "phone", "invalid_phone"),
        ({"host": " "}, "host", "required"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(guard, in_school_a, fields, field, code):
    with pytest.raises(ValidationError) as refused:
        _visit(guard, **fields)
    assert refused.value.error_dict[field][0].code == code
    assert Visitor.objects.count() == 0


def test_the_id_number_is_encrypted_at_rest_and_kept_out_of_the_audit_trail(guard, in_school_a):
    visitor = _visit(guard, id_number=ID_NUMBER.lower(), vehicle_plate="沪a 12345")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM safety_visitor WHERE id = %s", [visitor.pk])
        (raw,) = cursor.fetchone()
    assert ID_NUMBER not in raw and "19491231" not in raw and raw.startswith("gAAAAA")
    stored = Visitor.objects.get(pk=visitor.pk)
    assert stored.id_number == ID_NUMBER and stored.id_number_last4 == "002X"
    assert stored.vehicle_plate == "沪A12345"
    event = AuditEvent.objects.get(object_type="safety.visitor", object_id=str(visitor.pk))
    assert "id_number" not in event.after and ID_NUMBER not in str(event.after)


def test_sign_out_once_and_the_on_campus_list(guard, in_school_a):
    first, second = _visit(guard, name="王五"), _visit(guard, name="赵六", vehicle_plate="")
    assert set(Visitor.objects.on_campus()) == {first, second}
    sign_out_visitor(visitor=first, actor=guard)
    first.refresh_from_db()
    assert first.left_at is not None and first.signed_out_by_id == guard.pk
    assert list(Visitor.objects.on_campus()) == [second]
    with pytest.raises(ValidationError) as refused:
        sign_out_visitor(visitor=first, actor=guard)
    assert first_code(refused.value) == "already_signed_out"


def test_the_id_number_is_masked_for_the_guard_and_shown_to_the_safety_officer(
    school_a, guard, safety_officer
):
    with schema_context(school_a.schema_name):
        visitor = _visit(guard)
    masked = "**************002X"
    guard_client, officer_client = logged_in(guard), logged_in(safety_officer)
    guard_page = guard_client.get(page(school_a, "visitors")).content.decode()
    assert masked in guard_page and ID_NUMBER not in guard_page
    officer_page = officer_client.get(page(school_a, "visitors")).content.decode()
    assert ID_NUMBER in officer_page
    assert (
        guard_client.get(api(school_a, "safety-visitor-detail", pk=visitor.pk)).json()["id_number"] == masked
    )
    assert (
        officer_client.get(api(school_a, "safety-visitor-list")).json()["results"][0]["id_number"]
        == ID_NUMBER
    )
    log = guard_client.get(page(school_a, "visitor-log")).content.decode()
    assert masked in log and ID_NUMBER not in log


def test_the_guard_signs_a_visitor_in_and_out_on_the_tablet_page(school_a, guard):
    client = logged_in(guard)
    url = page(school_a, "visitors")
    refused = client.post(url, {"name": "张三", "id_number": WRONG_CHECK, "phone": "13800138000",
                                "purpose": "送货", "host": "李老师", "vehicle_plate": "沪A1234"})  # fmt: skip
    body = refused.content.decode()
    assert refused.status_code == 200 and "身份证号无效" in body and "车牌号格式不正确" in body
    done = client.post(url, {"name": "张三", "id_number": ID_NUMBER, "phone": "13800138000",
                             "purpose": "送货", "host": "李老师"})  # fmt: skip
    assert done.status_code == 302
    with schema_context(school_a.schema_name):
        visitor = Visitor.objects.get()
    assert "张三" in client.get(url).content.decode()
    assert client.post(page(school_a, "sign-out-visitor", pk=visitor.pk)).status_code == 302
    with schema_context(school_a.schema_name):
        visitor.refresh_from_db()
    assert visitor.left_at is not None
    on_campus = client.get(url).content.decode()
    assert "目前没有在校的来访人员" in on_campus


def test_the_daily_list_by_date(school_a, guard):
    with schema_context(school_a.schema_name):
        today_visit = _visit(guard, name="今日来访")
        earlier = _visit(guard, name="前日来访")
        Visitor.objects.filter(pk=earlier.pk).update(entered_at=timezone.now() - timedelta(days=2))
    client = logged_in(guard)
    shown = client.get(page(school_a, "visitor-log")).content.decode()
    assert "今日来访" in shown and "前日来访" not in shown
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    shown = client.get(page(school_a, "visitor-log") + f"?date={day}").content.decode()
    assert "前日来访" in shown and "今日来访" not in shown
    listed = client.get(api(school_a, "safety-visitor-list") + f"?date={day}").json()["results"]
    assert [row["name"] for row in listed] == ["前日来访"]
    assert today_visit.pk
    # A day that is not in the calendar: today's list on the page, a problem in the API.
    shown = client.get(page(school_a, "visitor-log") + "?date=2026-02-30").content.decode()
    assert "今日来访" in shown
    refused = client.get(api(school_a, "safety-visitor-list") + "?date=2026-02-30")
    assert refused.status_code == 400 and refused.json()["errors"]["date"][0]["code"] == "invalid_date"


def test_the_api_signs_in_and_out_and_refuses_as_problem_json(school_a, guard):
    client = logged_in(guard)
    refused = client.post(
        api(school_a, "safety-visitor-list"),
        {
            "name": "张三",
            "id_number": WRONG_CHECK,
            "phone": "13800138000",
            "purpose": "送货",
            "host": "李老师",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["id_number"][0]["code"] == "invalid_id_number"
    created = client.post(
        api(school_a, "safety-visitor-list"),
        {"name": "张三", "id_number": ID_NUMBER, "phone": "13800138000", "purpose": "送货", "host": "李老师"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    on_campus = client.get(api(school_a, "safety-visitor-list") + "?on_campus=1").json()["results"]
    assert [row["id"] for row in on_campus] == [pk]
    signed_out = client.post(api(school_a, "safety-visitor-sign-out", pk=pk))
    assert signed_out.status_code == 200 and signed_out.json()["is_on_campus"] is False
    again = client.post(api(school_a, "safety-visitor-sign-out", pk=pk))
    assert again.status_code == 400
    assert client.get(api(school_a, "safety-visitor-list") + "?on_campus=1").json()["results"] == []


def test_staff_cannot_open_the_visitor_log(school_a, staff_a):
    client = logged_in(staff_a)
    assert client.get(page(school_a, "visitors")).status_code == 403
    assert client.get(api(school_a, "safety-visitor-list")).status_code == 403


def test_the_visitor_list_pins_its_queries(school_a, safety_officer, guard, django_assert_max_num_queries):
    client = logged_in(safety_officer)

    def add(count):
        with schema_context(school_a.schema_name):
            for _index in range(count):
                _visit(guard)

    for url in (
        page(school_a, "visitors"),
        page(school_a, "visitor-log"),
        api(school_a, "safety-visitor-list"),
    ):
        add(2)
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        few = len(captured.captured_queries)
        add(6)
        with django_assert_max_num_queries(few):
            assert client.get(url).status_code == 200


def test_production_refuses_to_start_without_a_field_encryption_key():
    from tests.platform.test_settings import manage

    secret = "x7$Kq!2pL9#vR4@mZ8^tW1&yN6*bH3(cF5)gJ0-dS" * 2
    missing = manage(
        "check", DEBUG="0", SECRET_KEY=secret, ALLOWED_HOSTS="edu.example.gov.cn", FIELD_ENCRYPTION_KEY=""
    )
    assert missing.returncode != 0 and "FIELD_ENCRYPTION_KEY must be set" in missing.stderr
    malformed = manage("check", DEBUG="0", SECRET_KEY=secret, ALLOWED_HOSTS="edu.example.gov.cn",
                       FIELD_ENCRYPTION_KEY="not-a-key")  # fmt: skip
    assert malformed.returncode != 0 and "FIELD_ENCRYPTION_KEY is not a Fernet key" in malformed.stderr

"""Idle sessions end after SESSION_IDLE_SECONDS (default 30 minutes) without a request."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from eduplatform.audit.models import AuditEvent
from tests.conftest import logged_in

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
IDLE_MESSAGE = "您已超过 30 分钟未操作，为了账号安全已自动退出，请重新登录。"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_a_person_who_keeps_working_stays_signed_in(school_a, member_a, clock):
    client = logged_in(member_a)
    home = f"/s/{school_a.code}/"
    assert client.get(home).status_code == 200
    for _ in range(3):  # an hour and a half in all, never 30 minutes idle
        clock.shift(timedelta(minutes=29))
        assert client.get(home).status_code == 200


def test_after_31_idle_minutes_a_school_page_sends_to_that_school_s_login(school_a, member_a, clock):
    client = logged_in(member_a)
    departments = f"/s/{school_a.code}/departments/"
    assert client.get(departments).status_code == 200

    clock.shift(timedelta(minutes=31))
    response = client.get(departments)

    assert response.status_code == 302
    assert response["Location"] == f"/s/{school_a.code}/accounts/login/?next={departments}"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"])
    assert IDLE_MESSAGE in login_page.content.decode()
    logout = AuditEvent.objects.get(action="logout")
    assert (logout.actor_id, logout.context["reason"]) == (member_a.pk, "idle")


def test_after_31_idle_minutes_the_bureau_portal_sends_to_its_login(inspector, clock):
    client = logged_in(inspector)
    assert client.get("/").status_code == 200

    clock.shift(timedelta(minutes=31))
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_an_idle_htmx_request_reloads_the_whole_login_page(school_a, member_a, clock):
    client = logged_in(member_a)
    client.get(f"/s/{school_a.code}/")

    clock.shift(timedelta(minutes=31))
    response = client.get(f"/s/{school_a.code}/departments/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == f"/s/{school_a.code}/accounts/login/"


def test_an_idle_session_no_longer_authenticates_api_requests(school_a, member_a, clock):
    client = logged_in(member_a)
    api = f"/s/{school_a.code}/api/v1/school/"
    assert client.get(api).status_code == 200

    clock.shift(timedelta(minutes=31))
    response = client.get(api)

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_the_idle_limit_is_a_setting(school_a, member_a, clock, settings):
    settings.SESSION_COOKIE_AGE = 10 * 60
    client = logged_in(member_a)
    client.get(f"/s/{school_a.code}/")

    clock.shift(timedelta(minutes=11))

    assert client.get(f"/s/{school_a.code}/").status_code == 302

"""Changing one's password, and being held at that page when a change is required."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client

from eduplatform.accounts.roles import Role
from eduplatform.audit.models import AuditEvent
from tests.conftest import logged_in
from tests.world import TEST_PASSWORD, make_user

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NEW_PASSWORD = "Lanterns-Over-River-7"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def newcomer(school_a):
    """A teacher whose account was just made with a temporary password."""
    return make_user(Role.STAFF, school=school_a, must_change_password=True)


def change(client: Client, url: str, *, old: str, new: str, confirm: str | None = None, next_url: str = ""):
    data = {
        "old_password": old,
        "new_password": new,
        "new_password_confirm": new if confirm is None else confirm,
    }
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def test_a_temporary_password_holds_every_page_at_the_change_page(school_a, newcomer):
    client = logged_in(newcomer)
    prefix = f"/s/{school_a.code}"

    for page in (f"{prefix}/", f"{prefix}/departments/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == f"{prefix}/accounts/password/?next={page.replace('/', '%2F')}"
    response = client.get("/")
    assert response["Location"] == "/accounts/password/?next=%2F"

    page = client.get(f"{prefix}/accounts/password/")
    assert page.status_code == 200
    assert "您正在使用管理员设置的临时密码。请先设置自己的新密码，然后才能继续使用。" in page.content.decode()


def test_logout_and_static_files_stay_reachable_during_a_forced_change(school_a, newcomer):
    client = logged_in(newcomer)
    assert client.get("/static/frontend/app.css").status_code == 200
    response = client.post(f"/s/{school_a.code}/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == f"/s/{school_a.code}/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_the_api_refuses_a_session_that_must_change_its_password(school_a, newcomer):
    client = logged_in(newcomer)

    response = client.get(f"/s/{school_a.code}/api/v1/school/")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["status"]) == ("password_change_required", 403)
    refusal = AuditEvent.objects.get(action="access_refused")
    assert refusal.context["reason"] == "password_change_required"


def test_changing_the_password_ends_the_hold_keeps_the_session_and_is_audited(school_a, newcomer, clock):
    client = logged_in(newcomer)
    url = f"/s/{school_a.code}/accounts/password/"

    response = change(
        client, url, old=TEST_PASSWORD, new=NEW_PASSWORD, next_url=f"/s/{school_a.code}/departments/"
    )

    assert response.status_code == 302
    assert response["Location"] == f"/s/{school_a.code}/departments/"
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
    assert (newcomer.must_change_password, newcomer.password_changed_at) == (False, START)
    assert client.get(f"/s/{school_a.code}/").status_code == 200  # still signed in
    event = AuditEvent.objects.get(action="password_change")
    assert (event.actor_id, event.object_id) == (newcomer.pk, str(newcomer.pk))
    assert event.before["must_change_password"] is True
    assert event.after["must_change_password"] is False
    assert datetime.fromisoformat(event.after["password_changed_at"]) == START
    assert event.context == {"required_because": "temporary"}
    stored = json.dumps([event.before, event.after, event.context])
    assert NEW_PASSWORD not in stored and TEST_PASSWORD not in stored


def test_anyone_may_change_their_password_voluntarily(member_a):
    client = logged_in(member_a)
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert (
        "要求：不能与姓名、用户名、手机号码等个人信息相似；至少 12 个字符；不能是常见密码；不能全部是数字。"
        in page.content.decode()
    )

    response = change(client, "/accounts/password/", old=TEST_PASSWORD, new=NEW_PASSWORD)

    assert response["Location"] == "/"
    member_a.refresh_from_db()
    assert member_a.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.get(action="password_change").context == {"required_because": ""}


def test_a_wrong_current_password_is_shown_beside_the_field_and_changes_nothing(school_a, newcomer):
    client = logged_in(newcomer)

    response = change(client, "/accounts/password/", old="not-my-password-1", new=NEW_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors == {"old_password": ["当前密码不正确。"]}
    assert 'id="id_old_password_error"' in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.check_password(TEST_PASSWORD)
    assert newcomer.must_change_password is True
    assert not AuditEvent.objects.filter(action="password_change").exists()
    refused = AuditEvent.objects.get(action="password_change_refused")
    assert refused.context == {"reason": "wrong_old_password"}


def test_a_mismatched_confirmation_is_shown_beside_the_field_and_changes_nothing(newcomer):
    client = logged_in(newcomer)

    response = change(
        client, "/accounts/password/", old=TEST_PASSWORD, new=NEW_PASSWORD, confirm=NEW_PASSWORD + "x"
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password_confirm": ["两次输入的新密码不一致。"]}
    newcomer.refresh_from_db()
    assert (newcomer.check_password(TEST_PASSWORD), newcomer.must_change_password) == (True, True)
    assert not AuditEvent.objects.filter(action__startswith="password_change").exists()


@pytest.mark.parametrize(
    ("new", "errors"),
    [
        ("Short-pw-1", ["密码太短，至少需要 12 个字符。"]),
        ("qwerty123456", ["这个密码太常见，容易被猜到，请换一个。"]),
        (TEST_PASSWORD, ["新密码不能与当前密码相同。"]),
    ],
)
def test_a_new_password_the_policy_refuses_is_shown_beside_the_field(member_a, new, errors):
    client = logged_in(member_a)

    response = change(client, "/accounts/password/", old=TEST_PASSWORD, new=new)

    assert response.context["form"].errors == {"new_password": errors}
    member_a.refresh_from_db()
    assert member_a.check_password(TEST_PASSWORD)


def test_mlps_refuses_a_simple_password_on_the_page(member_a, settings):
    settings.PASSWORD_POLICY = "mlps"
    settings.AUTH_PASSWORD_VALIDATORS = [
        *django_settings.AUTH_PASSWORD_VALIDATORS,
        *django_settings.MLPS_PASSWORD_VALIDATORS,
    ]
    client = logged_in(member_a)

    response = change(client, "/accounts/password/", old=TEST_PASSWORD, new="lanterns over the river")

    assert response.context["form"].errors == {
        "new_password": ["密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"]
    }


def test_under_mlps_an_old_password_must_be_changed(school_a, member_a, settings, clock):
    settings.PASSWORD_POLICY = "mlps"
    member_a.password_changed_at = START - timedelta(days=91)
    member_a.save(update_fields=["password_changed_at"])
    client = logged_in(member_a)

    response = client.get(f"/s/{school_a.code}/")
    assert response["Location"] == f"/s/{school_a.code}/accounts/password/?next=%2Fs%2F{school_a.code}%2F"
    page = client.get(f"/s/{school_a.code}/accounts/password/")
    assert (
        "您的密码已超过 90 天未修改。按照安全策略，请先修改密码，然后才能继续使用。" in page.content.decode()
    )

    change(client, f"/s/{school_a.code}/accounts/password/", old=TEST_PASSWORD, new=NEW_PASSWORD)
    assert client.get(f"/s/{school_a.code}/").status_code == 200
    assert AuditEvent.objects.get(action="password_change").context == {"required_because": "expired"}


def test_under_mlps_a_recent_password_is_not_held(school_a, member_a, settings, clock):
    settings.PASSWORD_POLICY = "mlps"
    member_a.password_changed_at = START - timedelta(days=89)
    member_a.save(update_fields=["password_changed_at"])

    assert logged_in(member_a).get(f"/s/{school_a.code}/").status_code == 200


def test_the_standard_policy_never_expires_a_password(school_a, member_a, clock):
    member_a.password_changed_at = START - timedelta(days=900)
    member_a.save(update_fields=["password_changed_at"])

    assert logged_in(member_a).get(f"/s/{school_a.code}/").status_code == 200

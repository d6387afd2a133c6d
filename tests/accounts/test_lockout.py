"""Lockout after five failed logins: per account (username or phone alike) and per address."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from eduplatform.accounts.lockout import client_ip
from eduplatform.accounts.roles import Role
from eduplatform.accounts.security import unlock_account
from eduplatform.audit.models import AuditEvent
from tests.world import TEST_PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LOGIN = "/accounts/login/"
WRONG_PASSWORD_MESSAGE = "用户名（或手机号）与密码不匹配，请重新输入。"
ACCOUNT_LOCKED_AT_0930 = (
    "该账号连续登录失败次数过多，已被暂时锁定。请在 09:30 之后（约 30 分钟后）再试，或联系管理员解锁。"
)
ADDRESS_LOCKED_AT_0930 = "本网络地址登录失败次数过多，已被暂时锁定。请在 09:30 之后（约 30 分钟后）再试。"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def attempt(login: str, password: str, *, address: str, url: str = LOGIN, client: Client | None = None):
    client = client or Client()
    response = client.post(url, {"username": login, "password": password}, REMOTE_ADDR=address)
    return response, client


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_whether_typed_as_username_or_phone(school_a, clock):
    user = make_user(Role.STAFF, school=school_a, phone="13900000001")
    logins = [user.username, "13900000001", user.username, "13900000001"]
    for number, login in enumerate(logins, start=1):
        response, _client = attempt(login, "wrong-password-123", address=f"203.0.113.{number}")
        assert response.status_code == 200
        assert WRONG_PASSWORD_MESSAGE in response.content.decode()

    # The fifth failure, from yet another address: the account is locked, and says so.
    response, _client = attempt(user.username, "wrong-password-123", address="203.0.113.5")
    assert response.status_code == 429
    assert ACCOUNT_LOCKED_AT_0930 in response.content.decode()
    assert WRONG_PASSWORD_MESSAGE not in response.content.decode()

    # Even the right password, by phone, from a fresh address, is refused.
    response, client = attempt("13900000001", TEST_PASSWORD, address="198.51.100.9")
    assert response.status_code == 429
    assert ACCOUNT_LOCKED_AT_0930 in response.content.decode()
    assert not is_signed_in(client)


def test_five_failures_from_one_address_lock_the_address_not_the_accounts(school_a, clock):
    people = [make_user(Role.STAFF, school=school_a) for _ in range(5)]
    school_login = f"/s/{school_a.code}/accounts/login/"
    for person in people[:4]:
        response, _client = attempt(
            person.username, "wrong-password-123", address="203.0.113.7", url=school_login
        )
        assert WRONG_PASSWORD_MESSAGE in response.content.decode()
    response, _client = attempt(
        people[4].username, "wrong-password-123", address="203.0.113.7", url=school_login
    )
    assert response.status_code == 429
    assert ADDRESS_LOCKED_AT_0930 in response.content.decode()

    # Nobody signs in from that address, not even with the right password...
    someone_else = make_user(Role.STAFF, school=school_a)
    response, client = attempt(someone_else.username, TEST_PASSWORD, address="203.0.113.7", url=school_login)
    assert response.status_code == 429
    assert ADDRESS_LOCKED_AT_0930 in response.content.decode()
    assert not is_signed_in(client)
    # ...while the same accounts sign in from elsewhere.
    response, client = attempt(people[0].username, TEST_PASSWORD, address="198.51.100.1", url=school_login)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_lockout_is_audited_once_and_refused_attempts_each_time(school_a, clock):
    user = make_user(Role.STAFF, school=school_a)
    for _ in range(5):
        attempt(user.username, "wrong-password-123", address="203.0.113.20")
    attempt(user.username, TEST_PASSWORD, address="198.51.100.20")

    lockout = AuditEvent.objects.get(action="lockout")
    assert lockout.actor_label == f"login:{user.username}"
    assert lockout.object_id == str(user.pk)
    assert {key: lockout.context[key] for key in ("username", "ip", "failures", "account_locked")} == {
        "username": user.username,
        "ip": "203.0.113.20",
        "failures": 5,
        "account_locked": True,
    }
    assert datetime.fromisoformat(lockout.context["retry_at"]) == START + timedelta(minutes=30)
    failures = AuditEvent.objects.filter(action="login_failed").order_by("sequence")
    assert [event.context["reason"] for event in failures] == ["wrong_credentials"] * 5 + ["locked_out"]


def test_the_lock_ends_after_the_cool_off_and_attempts_meanwhile_do_not_extend_it(school_a, clock):
    user = make_user(Role.STAFF, school=school_a)
    for _ in range(5):
        attempt(user.username, "wrong-password-123", address="203.0.113.30")

    clock.shift(timedelta(minutes=29))
    response, client = attempt(user.username, TEST_PASSWORD, address="203.0.113.30")
    assert response.status_code == 429
    assert "请在 09:30 之后（约 1 分钟后）再试" in response.content.decode()
    assert not is_signed_in(client)

    clock.shift(timedelta(minutes=1, seconds=1))
    response, client = attempt(user.username, TEST_PASSWORD, address="203.0.113.30")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_an_administrator_can_unlock_an_account_early(school_a, clock):
    user = make_user(Role.STAFF, school=school_a)
    admin = make_user(Role.PRINCIPAL, school=school_a)
    for number in range(5):
        attempt(user.username, "wrong-password-123", address=f"203.0.113.{40 + number}")

    assert unlock_account(user=user, actor=admin) == 5

    response, _client = attempt(user.username, TEST_PASSWORD, address="198.51.100.40")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="unlock")
    assert (event.actor_id, event.object_id, event.context["cleared_attempts"]) == (admin.pk, str(user.pk), 5)


def test_the_operator_admin_login_is_locked_too_with_its_own_page(db, clock):
    operator = make_user(is_staff=True, is_superuser=True)
    for _ in range(5):
        response, _client = attempt(
            operator.username, "wrong-password-123", address="203.0.113.60", url="/admin/login/"
        )

    assert response.status_code == 429
    assert ACCOUNT_LOCKED_AT_0930 in response.content.decode()
    response, client = attempt(operator.username, TEST_PASSWORD, address="198.51.100.60", url="/admin/login/")
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_attempts_are_counted_in_the_database_so_no_test_inherits_another_s(school_a):
    """Axes keeps its counts in the database (AXES_HANDLER), rolled back with each test."""
    assert AccessAttempt.objects.count() == 0
    user = make_user(Role.STAFF, school=school_a)
    attempt(user.username, "wrong-password-123", address="203.0.113.50")
    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        (user.username, "203.0.113.50", 1)
    ]


def test_without_trusted_proxies_the_client_address_is_remote_addr():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "10.0.0.1"


PROXY_PROBE = """
from django.test import RequestFactory
from eduplatform.accounts.lockout import client_ip
for forwarded in ["", "198.51.100.7", "6.6.6.6, 198.51.100.7", "198.51.100.7, 10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.2"]:
    meta = {"REMOTE_ADDR": "10.0.0.1"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    print("ip", client_ip(RequestFactory().get("/", **meta)))
"""


def client_ips_behind(proxies: int) -> list[str]:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROXY_PROBE],
        cwd=ROOT,
        env={**os.environ, "TRUSTED_PROXY_COUNT": str(proxies)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [line.split()[1] for line in result.stdout.splitlines() if line.startswith("ip ")]


def test_behind_trusted_proxies_the_client_is_the_address_the_outermost_proxy_added():
    # One proxy (nginx) appends the address it saw; anything left of it the client sent.
    assert client_ips_behind(1) == ["10.0.0.1", "198.51.100.7", "198.51.100.7", "10.0.0.2", "10.0.0.2"]
    # Two proxies: the outer one's entry is second from the right.
    assert client_ips_behind(2) == ["10.0.0.1", "10.0.0.1", "6.6.6.6", "198.51.100.7", "198.51.100.7"]

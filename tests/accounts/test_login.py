from __future__ import annotations

from django.test import Client

from eduplatform.accounts.roles import Role
from tests.world import TEST_PASSWORD, make_user


def test_log_in_with_username_or_phone(school_a):
    user = make_user(Role.STAFF, school=school_a, phone="13912345678")
    for login in (user.username, "13912345678"):
        client = Client()
        response = client.post("/accounts/login/", {"username": login, "password": TEST_PASSWORD})
        assert response.status_code == 302, login
        assert client.get(f"/s/{school_a.code}/").status_code == 200


def test_wrong_password_is_refused_with_a_clear_message(school_a):
    user = make_user(Role.STAFF, school=school_a)
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": "wrong-password-123"})
    assert response.status_code == 200
    assert "用户名（或手机号）与密码不匹配" in response.content.decode()
    assert client.get(f"/s/{school_a.code}/").status_code == 302


def test_inactive_account_cannot_log_in(school_a):
    user = make_user(Role.STAFF, school=school_a, is_active=False)
    response = Client().post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200


def test_logout_ends_the_session(school_a, member_a):
    client = Client()
    client.force_login(member_a)
    assert client.get(f"/s/{school_a.code}/").status_code == 200
    response = client.post(f"/s/{school_a.code}/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == f"/s/{school_a.code}/accounts/login/"
    assert client.get(f"/s/{school_a.code}/").status_code == 302


def test_a_user_without_any_membership_sees_no_school(school_a):
    user = make_user()
    client = Client()
    client.force_login(user)
    assert client.get(f"/s/{school_a.code}/").status_code == 404
    assert "还没有可访问的学校" in client.get("/").content.decode()


def test_an_inactive_membership_grants_nothing(school_a):
    user = make_user(Role.PRINCIPAL, school=school_a)
    user.memberships.update(is_active=False)
    client = Client()
    client.force_login(user)
    assert client.get(f"/s/{school_a.code}/").status_code == 404

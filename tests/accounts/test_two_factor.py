"""Optional TOTP two-factor sign-in, required for bureau admins when the setting is on."""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from eduplatform.accounts.roles import Role
from eduplatform.accounts.security import remove_two_factor
from eduplatform.audit.models import AuditEvent
from frontend.account_views import ENROLMENT_KEY
from tests.conftest import logged_in
from tests.world import TEST_PASSWORD, make_user

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
WRONG_CODE_MESSAGE = "验证码不正确，请输入身份验证器中当前显示的 6 位数字。"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code(key: str, *, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows now (the clock is time-machine's)."""
    totp = TOTP(unhexlify(key.encode()))
    totp.drift = steps_ahead
    return f"{totp.token():06d}"


def wrong_code(key: str) -> str:
    """A 6-digit code that is none of the codes accepted now (one step either side)."""
    accepted = {code(key, steps_ahead=offset) for offset in (-1, 0, 1)}
    return next(f"{number:06d}" for number in range(1_000_000) if f"{number:06d}" not in accepted)


def with_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def sign_in(client: Client, user, prefix: str = ""):
    return client.post(f"{prefix}/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- Enrolment ----------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_and_confirms_with_a_code(member_a, clock):
    client = logged_in(member_a)

    page = client.get("/accounts/two-factor/")

    html = page.content.decode()
    key = client.session[ENROLMENT_KEY]
    assert page.status_code == 200
    assert '<div class="my-3 text-center" data-testid="two-factor-qr"><svg' in html
    secret = page.context["secret"]
    assert secret.replace(" ", "") == b32encode(unhexlify(key)).decode()
    assert secret in html
    assert not TOTPDevice.objects.filter(user=member_a).exists()  # nothing saved until confirmed

    response = client.post("/accounts/two-factor/", {"token": code(key)})

    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=member_a)
    assert (device.confirmed, device.key) == (True, key)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    event = AuditEvent.objects.get(action="two_factor_enrol")
    assert (event.actor_id, event.object_id) == (member_a.pk, str(member_a.pk))
    assert key not in str(event.context)
    assert "已启用" in client.get("/accounts/two-factor/").content.decode()


def test_a_wrong_enrolment_code_is_shown_beside_the_field_audited_and_saves_nothing(member_a, clock):
    client = logged_in(member_a)
    client.get("/accounts/two-factor/")
    key = client.session[ENROLMENT_KEY]

    response = client.post("/accounts/two-factor/", {"token": wrong_code(key)})

    assert response.status_code == 200
    assert response.context["form"].errors == {"token": [WRONG_CODE_MESSAGE]}
    assert 'id="id_token_error"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=member_a).exists()
    failed = AuditEvent.objects.get(action="otp_failed")
    assert (failed.actor_id, failed.context) == (member_a.pk, {"stage": "enrol", "reason": "invalid"})


def test_a_code_that_is_not_six_digits_is_refused_by_the_form(member_a):
    client = logged_in(member_a)
    client.get("/accounts/two-factor/")

    response = client.post("/accounts/two-factor/", {"token": "12ab"})

    assert response.context["form"].errors == {"token": ["请输入 6 位数字验证码。"]}


# --- Signing in with the second step ------------------------------------------------------------


def test_sign_in_asks_for_the_code_after_the_password(school_a, member_a, clock):
    device = with_device(member_a)
    client = Client()
    prefix = f"/s/{school_a.code}"

    response = sign_in(client, member_a, prefix)

    assert response.status_code == 302
    assert response["Location"] == f"{prefix}/accounts/login/verify/"
    assert not is_signed_in(client)
    assert client.get(f"{prefix}/").status_code == 302  # not in yet
    assert client.get(response["Location"]).status_code == 200

    response = client.post(f"{prefix}/accounts/login/verify/", {"token": code(device.key)})

    assert response.status_code == 302
    assert response["Location"] == f"{prefix}/"
    assert is_signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(f"{prefix}/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=member_a).count() == 1


def test_a_wrong_code_at_sign_in_is_refused_beside_the_field_audited_and_throttled(member_a, clock):
    device = with_device(member_a)
    client = Client()
    sign_in(client, member_a)

    response = client.post("/accounts/login/verify/", {"token": wrong_code(device.key)})

    assert response.status_code == 200
    assert response.context["form"].errors == {"token": [WRONG_CODE_MESSAGE]}
    assert not is_signed_in(client)
    failed = AuditEvent.objects.get(action="otp_failed")
    assert (failed.actor_id, failed.context) == (member_a.pk, {"stage": "login", "reason": "invalid"})

    # Straight after a wrong code, even the right one waits (django-otp's back-off).
    response = client.post("/accounts/login/verify/", {"token": code(device.key)})
    assert response.context["form"].errors == {"token": ["验证码错误次数过多，请 1 秒后再试。"]}
    assert not is_signed_in(client)

    clock.shift(timedelta(seconds=2))
    response = client.post("/accounts/login/verify/", {"token": code(device.key)})
    assert response.status_code == 302
    assert is_signed_in(client)


def test_five_wrong_codes_end_the_sign_in_attempt(member_a, clock):
    device = with_device(member_a)
    client = Client()
    sign_in(client, member_a)

    for _ in range(5):
        clock.shift(timedelta(seconds=20))  # past each back-off, so every code is checked
        response = client.post("/accounts/login/verify/", {"token": wrong_code(device.key)})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "验证码错误次数过多，请重新登录。" in client.get("/accounts/login/").content.decode()
    clock.shift(timedelta(seconds=60))
    assert (
        client.post("/accounts/login/verify/", {"token": code(device.key)})["Location"] == "/accounts/login/"
    )
    assert not is_signed_in(client)
    assert AuditEvent.objects.filter(action="otp_failed").count() == 5


def test_the_code_step_expires_after_five_minutes(member_a, clock):
    device = with_device(member_a)
    client = Client()
    sign_in(client, member_a)

    clock.shift(timedelta(minutes=6))
    response = client.post("/accounts/login/verify/", {"token": code(device.key)})

    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)


def test_the_code_step_without_a_password_first_goes_back_to_sign_in():
    response = Client().get("/accounts/login/verify/")
    assert response["Location"] == "/accounts/login/"


def test_without_a_device_sign_in_needs_only_the_password(member_a):
    client = Client()
    assert sign_in(client, member_a)["Location"] == "/"
    assert is_signed_in(client)


# --- Removing a device ------------------------------------------------------------------


def test_a_person_removes_their_device_with_their_password(member_a):
    with_device(member_a)
    client = logged_in(member_a)

    response = client.post("/accounts/two-factor/remove/", {"password": "not-my-password"})
    assert response.status_code == 400
    assert response.context["remove_form"].errors == {"password": ["密码不正确。"]}
    assert TOTPDevice.objects.filter(user=member_a).count() == 1

    response = client.post("/accounts/two-factor/remove/", {"password": TEST_PASSWORD})
    assert response["Location"] == "/accounts/two-factor/"
    assert not TOTPDevice.objects.filter(user=member_a).exists()
    event = AuditEvent.objects.get(action="two_factor_remove")
    assert (event.actor_id, event.context) == (member_a.pk, {"removed_devices": 1, "by_administrator": False})


def test_an_administrator_removes_a_lost_device(school_a, member_a):
    with_device(member_a)
    principal = make_user(Role.PRINCIPAL, school=school_a)

    assert remove_two_factor(user=member_a, actor=principal) == 1

    assert not TOTPDevice.objects.filter(user=member_a).exists()
    event = AuditEvent.objects.get(action="two_factor_remove")
    assert (event.actor_id, event.object_id, event.context["by_administrator"]) == (
        principal.pk,
        str(member_a.pk),
        True,
    )
    assert (
        Client()
        .post("/accounts/login/", {"username": member_a.username, "password": TEST_PASSWORD})
        .status_code
        == 302
    )


# --- Required for bureau admins ---------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED_FOR_BUREAU_ADMINS = True


@pytest.fixture
def bureau_admin(world):
    return make_user(Role.BUREAU_ADMIN, district=world.district)


def test_when_required_a_bureau_admin_must_enrol_before_anything_else(
    bureau_admin, school_a, required, clock
):
    client = logged_in(bureau_admin)

    response = client.get(f"/s/{school_a.code}/")
    assert response["Location"] == f"/s/{school_a.code}/accounts/two-factor/?next=%2Fs%2F{school_a.code}%2F"
    assert client.get("/")["Location"] == "/accounts/two-factor/?next=%2F"
    api = client.get("/api/v1/schools/")
    assert (api.status_code, api.json()["code"]) == (403, "two_factor_required")

    page = client.get("/accounts/two-factor/?next=/")
    assert "局管理员账号必须启用两步验证。请先完成以下设置，然后才能继续使用。" in page.content.decode()
    response = client.post(
        "/accounts/two-factor/", {"token": code(client.session[ENROLMENT_KEY]), "next": "/"}
    )

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/schools/").status_code == 200


def test_when_required_a_bureau_admin_with_a_device_signs_in_with_the_code(bureau_admin, required, clock):
    device = with_device(bureau_admin)
    client = Client()
    sign_in(client, bureau_admin)
    client.post("/accounts/login/verify/", {"token": code(device.key)})

    assert client.get("/").status_code == 200


def test_when_required_a_session_not_verified_by_a_code_must_sign_in_again(bureau_admin, required):
    with_device(bureau_admin)
    client = logged_in(bureau_admin)  # e.g. signed in before the device was added

    response = client.get("/")

    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)


def test_the_requirement_is_only_for_bureau_admins(inspector, member_a, required):
    assert logged_in(inspector).get("/").status_code == 200
    assert logged_in(member_a).get("/accounts/password/").status_code == 200


def test_by_default_two_factor_is_optional_for_bureau_admins(bureau_admin):
    assert logged_in(bureau_admin).get("/").status_code == 200

"""The password policy: "standard" by default, "mlps" (等保) adds character classes and rotation."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from eduplatform.accounts.models import User
from eduplatform.accounts.passwords import is_password_expired

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mlps(settings):
    settings.PASSWORD_POLICY = "mlps"
    settings.AUTH_PASSWORD_VALIDATORS = [
        *django_settings.AUTH_PASSWORD_VALIDATORS,
        *django_settings.MLPS_PASSWORD_VALIDATORS,
    ]


def refusals(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def person() -> User:
    return User(username="zhangwei2026", name="张伟", phone="13912345678")


def test_the_standard_policy_is_the_default():
    assert django_settings.PASSWORD_POLICY == "standard"
    assert django_settings.PASSWORD_MIN_LENGTH == 12


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("Short-pw-1", ["密码太短，至少需要 12 个字符。"]),
        ("qwerty123456", ["这个密码太常见，容易被猜到，请换一个。"]),
        ("zhangwei2026!", ["密码与用户名太相似。"]),
        ("13912345678ab", ["密码与手机号码太相似。"]),
    ],
)
def test_the_standard_policy_refuses_with_chinese_messages(password, messages):
    assert refusals(password, person()) == messages


def test_the_standard_policy_refuses_a_password_of_digits_only():
    assert refusals("314159265358979") == ["密码不能全部是数字。"]


@pytest.mark.parametrize("password", ["lanterns over the river", "Lanterns-Over-River", "bamboo7kettle9"])
def test_the_standard_policy_accepts_a_long_uncommon_password(password):
    assert refusals(password, person()) == []


@pytest.mark.parametrize(
    "password", ["lanterns over the river", "bamboo7kettle9", "BAMBOOKETTLES", "12345678901234567"]
)
def test_mlps_refuses_fewer_than_three_character_classes(mlps, password):
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。" in refusals(password, person())


@pytest.mark.parametrize(
    "password", ["Lanterns-Over-River", "Bamboo7kettle9x", "bamboo-7-kettle", "竹子Kettle2026"]
)
def test_mlps_accepts_three_or_four_character_classes(mlps, password):
    assert refusals(password, person()) == []


def test_mlps_still_applies_the_standard_rules(mlps):
    assert refusals("Ab1-", person()) == ["密码太短，至少需要 12 个字符。"]


def test_rotation_applies_only_under_mlps_after_the_maximum_age(settings):
    now = timezone.now()
    user = User(
        username="li", password_changed_at=now - timedelta(days=91), date_joined=now - timedelta(days=400)
    )
    assert is_password_expired(user, now=now) is False  # standard: no rotation

    settings.PASSWORD_POLICY = "mlps"
    assert is_password_expired(user, now=now) is True
    user.password_changed_at = now - timedelta(days=89)
    assert is_password_expired(user, now=now) is False
    # Never changed on the platform: counted from when the account was made.
    user.password_changed_at = None
    assert is_password_expired(user, now=now) is True
    settings.PASSWORD_MAX_AGE_DAYS = 500
    assert is_password_expired(user, now=now) is False


def manage_check(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PASSWORD_POLICY", "strict", "PASSWORD_POLICY='strict' is not a policy; use standard or mlps."),
        ("PASSWORD_MAX_AGE_DAYS", "ninety", "PASSWORD_MAX_AGE_DAYS='ninety' is not a whole number."),
        ("PASSWORD_MIN_LENGTH", "6", "PASSWORD_MIN_LENGTH=6 is below the minimum of 8."),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT=-1 is below the minimum of 0."),
        ("LOGIN_LOCKOUT_MINUTES", "soon", "LOGIN_LOCKOUT_MINUTES='soon' is not a whole number."),
        (
            "TWO_FACTOR_REQUIRED_FOR_BUREAU_ADMINS",
            "sometimes",
            "TWO_FACTOR_REQUIRED_FOR_BUREAU_ADMINS='sometimes' is not a boolean",
        ),
    ],
)
def test_a_malformed_security_setting_stops_start_up_naming_it(variable, value, message):
    result = manage_check(**{variable: value})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_mlps_is_chosen_by_the_environment():
    script = (
        "from django.conf import settings; "
        "print(settings.PASSWORD_POLICY, [v['NAME'].rsplit('.', 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS][-1])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**os.environ, "PASSWORD_POLICY": "MLPS"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.splitlines()[-1].split() == ["mlps", "CharacterClassesValidator"]

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from eduplatform.environment import Environment

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "reader"),
    [
        ("DEBUG", "maybe", lambda env: env.boolean("DEBUG", default=False)),
        (
            "SESSION_IDLE_SECONDS",
            "half an hour",
            lambda env: env.integer("SESSION_IDLE_SECONDS", 1800),
        ),
        (
            "SESSION_IDLE_SECONDS",
            "5",
            lambda env: env.integer("SESSION_IDLE_SECONDS", 1800, minimum=60),
        ),
        (
            "REDIS_URL",
            "http://cache:6379",
            lambda env: env.url("REDIS_URL", "", schemes=("redis",)),
        ),
        (
            "REDIS_URL",
            "redis://cache:port/0",
            lambda env: env.url("REDIS_URL", "", schemes=("redis",)),
        ),
    ],
)
def test_a_malformed_value_is_refused_naming_the_variable(variable, value, reader):
    with pytest.raises(ImproperlyConfigured, match=variable):
        reader(Environment({variable: value}))


def test_well_formed_values_are_read():
    env = Environment({"DEBUG": "yes", "WORKERS": "4", "HOSTS": "a.example, b.example"})
    assert env.boolean("DEBUG", default=False) is True
    assert env.integer("WORKERS", 1) == 4
    assert env.word_list("HOSTS", []) == ["a.example", "b.example"]
    assert env.boolean("MISSING", default=True) is True


def test_start_up_stops_on_a_malformed_variable():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
    assert "Traceback" not in result.stderr


def test_start_up_without_a_secret_key_in_production_is_refused():
    result = manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x7$Kq!2pL9#vR4@mZ8^tW1&yN6*bH3(cF5)gJ0-dS" * 2,
        ALLOWED_HOSTS="edu.example.gov.cn",
        FIELD_ENCRYPTION_KEY="q1T0Yb2mC3H9yXlZg8d0cU6vYf7pP5nW3sJ4kR2aL1E=",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_unreachable_database_is_one_line_naming_host_and_port():
    result = manage("migrate_all", DATABASE_URL="postgresql://postgres@127.0.0.1:1/eduplatform", DEBUG="1")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "127.0.0.1:1" in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_is_off_unless_asked_for(settings):
    assert Environment({}).boolean("DEBUG", default=False) is False

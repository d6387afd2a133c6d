from __future__ import annotations

from django.db import connection
from django.test import Client


def test_healthz_is_json_and_touches_no_database():
    # No db fixture: pytest-django raises on any database access during this request.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_every_check_when_ready(world):
    response = Client().get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body["checks"]) == {"database", "migrations_public", "migrations_schools", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations_schools"]["schools"] >= 3


def test_readyz_is_503_naming_a_school_whose_migrations_are_not_applied(school_b):
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{school_b.schema_name}".django_migrations WHERE app = %s',
            ["organisation"],
        )
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations_schools"]
    assert body["checks"]["migrations_schools"]["schools"] == [school_b.code]


def test_readyz_is_503_when_the_broker_is_unreachable(world, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]

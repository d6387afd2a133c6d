"""With SENTRY_DSN set, every web and Celery event names the school it happened in."""

from __future__ import annotations

import pytest
import sentry_sdk
from celery.contrib.testing.worker import start_worker
from django.test import Client
from sentry_sdk.transport import Transport

from eduplatform.celery import app
from eduplatform.error_reporting import start_sentry
from tests.conftest import logged_in


class CapturingTransport(Transport):
    """Keeps events in memory instead of sending them anywhere."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type in ("event", "transaction") and item.payload.json:
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events():
    transport = CapturingTransport()
    start_sentry(dsn="https://public@sentry.example.invalid/1", environment="test", traces_sample_rate=0)
    sentry_sdk.get_client().transport = transport
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: off again for the other tests


@app.task(name="tests.report_to_sentry")
def report_to_sentry() -> None:
    sentry_sdk.capture_message("task reporting on purpose", level="error")


def errors_saying(events: list[dict], text: str) -> list[dict]:
    return [
        event
        for event in events
        for value in event.get("exception", {}).get("values", [])
        if text in (value.get("value") or "")
    ]


def test_a_web_error_is_tagged_with_the_school(school_a, member_a, sentry_events, monkeypatch):
    def broken_render(*args, **kwargs):
        raise RuntimeError("page failed on purpose")

    monkeypatch.setattr("frontend.views.render", broken_render)
    client = logged_in(member_a)
    client.raise_request_exception = False
    assert client.get(f"/s/{school_a.code}/").status_code == 500
    errors = errors_saying(sentry_events, "page failed on purpose")
    assert errors, "the error reached Sentry"
    assert errors[-1]["tags"]["school"] == school_a.code


def test_a_district_side_error_is_tagged_as_the_district(world, inspector, sentry_events, monkeypatch):
    def broken_render(*args, **kwargs):
        raise RuntimeError("portal failed on purpose")

    monkeypatch.setattr("frontend.views.render", broken_render)
    client = logged_in(inspector)
    client.raise_request_exception = False
    assert client.get("/").status_code == 500
    assert errors_saying(sentry_events, "portal failed on purpose")[-1]["tags"]["school"] == "district"


def test_a_task_event_is_tagged_with_the_school_it_ran_for(school_a, sentry_events):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"):
        report_to_sentry.apply_async(headers={"_schema_name": school_a.schema_name}).get(timeout=30)
    reported = [event for event in sentry_events if event.get("message") == "task reporting on purpose"]
    assert reported and reported[-1]["tags"]["school"] == school_a.code


def test_without_a_dsn_nothing_is_sent(settings):
    assert settings.SENTRY_DSN == ""
    assert Client().get("/healthz").status_code == 200
    assert sentry_sdk.get_client().transport is None

"""Tasks run in the schema they were sent from, on a real worker and a real Redis broker."""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_context

from eduplatform.celery import app
from eduplatform.organisation.models import Department
from eduplatform.taskqueue import enqueue_on_commit


@app.task(name="tests.report_schema")
def report_schema() -> dict:
    """Report where the task ran and what it can see there."""
    return {
        "schema": connection.schema_name,
        "departments": sorted(Department.objects.values_list("name", flat=True)),
    }


@pytest.fixture
def worker(db):
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
    ) as running:
        yield running


def test_celery_is_configured_for_at_least_once_delivery():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_a_task_enqueued_on_commit_runs_in_the_schema_it_was_sent_from(
    school_a, school_b, worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with schema_context(school_a.schema_name):
            task_id = enqueue_on_commit(report_schema)
        # The connection has moved on by the time the transaction commits.
        connection.set_tenant(school_b)
    assert len(callbacks) == 1
    # The worker has its own connection and sees committed rows only; the template's
    # default departments are committed in every school.
    outcome = app.AsyncResult(task_id).get(timeout=30)
    assert outcome["schema"] == school_a.schema_name
    assert "总务处" in outcome["departments"]


def test_cache_keys_are_separate_per_school(school_a, school_b):
    with schema_context(school_a.schema_name):
        cache.set("dashboard-figure", "A的数据", 30)
    with schema_context(school_b.schema_name):
        assert cache.get("dashboard-figure") is None
    with schema_context(school_a.schema_name):
        assert cache.get("dashboard-figure") == "A的数据"
        cache.delete("dashboard-figure")

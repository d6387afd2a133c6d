"""Sentry set-up. Every event carries the school code it happened in."""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

PUBLIC_SCOPE_TAG = "district"


def start_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
    )


def tag_school(school_code: str | None) -> None:
    """Tag the current Sentry scope (a request or a task) with the school it serves."""
    sentry_sdk.set_tag("school", school_code or PUBLIC_SCOPE_TAG)

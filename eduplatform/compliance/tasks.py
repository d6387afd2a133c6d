from __future__ import annotations

import logging

from django.db import connection

from eduplatform.celery import app

logger = logging.getLogger(__name__)


@app.task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def recompute_school_facts() -> int:
    """Recompute one school's facts; runs in the school's schema (sent with its schema name)."""
    from eduplatform.compliance.facts import recompute_school

    school = connection.tenant
    drift = recompute_school(school)
    for report in drift:
        logger.warning("compliance drift %s", report)
    return len(drift)


@app.task(acks_late=True)
def recompute_all_schools() -> int:
    """Nightly: one recompute task per active school, each in that school's schema."""
    from tenants.models import School

    count = 0
    for schema_name in School.objects.active().values_list("schema_name", flat=True):
        recompute_school_facts.apply_async(headers={"_schema_name": schema_name})
        count += 1
    return count

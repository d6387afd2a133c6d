"""The Celery app. Tasks are tenant-aware: each runs in the schema it was sent from."""

from __future__ import annotations

import os

from celery.schedules import crontab
from celery.signals import task_prerun
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplatform.settings")

app = CeleryApp("eduplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "recompute-compliance-facts": {
        "task": "eduplatform.compliance.tasks.recompute_all_schools",
        "schedule": crontab(hour=2, minute=30),
    },
    "send-safety-reminders": {
        "task": "eduplatform.safety.tasks.send_all_safety_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Overdue borrowings: each borrower and the asset keepers, once a day per item.
    "remind-overdue-borrowings": {
        "task": "eduplatform.assets.tasks.remind_overdue_borrowings_all_schools",
        "schedule": crontab(hour=7, minute=30),
    },
    "clear-expired-sessions": {
        "task": "eduplatform.accounts.tasks.clear_expired_sessions",
        "schedule": 6 * 3600,
    },
}


@task_prerun.connect
def _tag_task_with_school(task=None, **_kwargs):
    from eduplatform.error_reporting import tag_school

    schema = (task.request.headers or {}).get("_schema_name") if task else None
    tag_school(schema.removeprefix("school_") if schema and schema != "public" else None)

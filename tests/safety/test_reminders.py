from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

from django_tenants.utils import schema_context

from eduplatform.checklists.models import HazardEscalation, Severity
from eduplatform.notifications.models import Notification
from eduplatform.safety import tasks
from eduplatform.safety.actions import report_hazard
from eduplatform.safety.models import Hazard
from tests.safety.conftest import clean


def test_the_daily_job_sends_one_task_per_active_school_in_its_schema(world):
    with mock.patch.object(tasks.send_safety_reminders, "apply_async") as send:
        count = tasks.send_all_safety_reminders.run()
    schemas = [call.kwargs["headers"]["_schema_name"] for call in send.call_args_list]
    assert count == len(schemas)
    assert {world.school_a.schema_name, world.school_b.schema_name, world.school_c.schema_name} <= set(
        schemas
    )


def test_reminders_run_in_the_schools_schema_and_are_safe_to_run_twice(
    school_a, school_b, patrol_template, safety_officer, inspector
):
    monday = date(2026, 11, 23)
    with schema_context(school_a.schema_name):
        hazard = report_hazard(category="fire", severity=Severity.MINOR, location="楼道", description="消防栓被遮挡",
                               photos=[clean()], actor=safety_officer, reported_on=monday - timedelta(days=30),
                               deadline=monday - timedelta(days=20))  # fmt: skip
        first = tasks.send_safety_reminders.run(day=monday.isoformat())
        second = tasks.send_safety_reminders.run(day=monday.isoformat())
    assert first > 0 and second == 0
    kinds = set(Notification.objects.filter(user=safety_officer).values_list("kind", flat=True))
    assert {"safety.inspection_due", "safety.hazard_overdue", "safety.hazard_escalated"} <= kinds
    # Long overdue (20 days > 7): on the bureau's list once, and the bureau's inspector told.
    assert (
        HazardEscalation.objects.filter(school=school_a, hazard_id=hazard.pk, reason="overdue").count() == 1
    )
    assert Notification.objects.filter(user=inspector, kind="safety.hazard_escalated").exists()
    # School B's schema has no such hazard and its reminders do not mention A's.
    with schema_context(school_b.schema_name):
        assert not Hazard.objects.filter(pk=hazard.pk, description="消防栓被遮挡").exists()
        tasks.send_safety_reminders.run(day=monday.isoformat())
    assert not Notification.objects.filter(school=school_b, kind="safety.hazard_overdue").exists()

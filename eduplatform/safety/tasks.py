"""The daily safety reminders: one beat task fans out one task per active school.

Each school's task runs in that school's schema and tells the people responsible what is
due today or overdue, and which hazards are past their deadline; hazards long past it go
to the bureau. Every notification has a dedupe key naming the occasion and the day, and
escalation happens once per hazard, so running the job twice tells nobody twice.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.celery import app

logger = logging.getLogger(__name__)


@app.task(acks_late=True)
def send_all_safety_reminders() -> int:
    from tenants.models import School

    count = 0
    for schema_name in School.objects.active().values_list("schema_name", flat=True):
        send_safety_reminders.apply_async(headers={"_schema_name": schema_name})
        count += 1
    return count


@app.task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_safety_reminders(day: str | None = None) -> int:
    """Remind one school (the schema the task was sent to); returns how many people were told."""
    from eduplatform.audit.trail import current_school

    school = current_school()
    if school is None:
        logger.warning("safety reminders sent to the public schema; nothing to do")
        return 0
    return remind_school(school, date.fromisoformat(day) if day else timezone.localdate())


def remind_school(school, today: date) -> int:
    from eduplatform.accounts.models import User
    from eduplatform.checklists.models import EscalationReason
    from eduplatform.district.settings import setting_value
    from eduplatform.duty.reminders import remind_duty
    from eduplatform.notifications.actions import notify
    from eduplatform.safety import facts
    from eduplatform.safety.actions.hazards import escalate_hazard
    from eduplatform.safety.campus_facts import refresh_building_facts
    from eduplatform.safety.campus_reminders import remind_campus
    from eduplatform.safety.models import Hazard
    from eduplatform.safety.notices import school_url
    from eduplatform.safety.people import safety_officers
    from eduplatform.safety.schedule import requirements
    from eduplatform.safety.settings import HAZARD_ESCALATION_OVERDUE_DAYS
    from eduplatform.vehicles.reminders import remind_vehicles

    told = 0
    officers = safety_officers(school)
    with transaction.atomic():
        for requirement in requirements(school, today):
            if requirement.is_done or requirement.due_on > today:
                continue
            recipients = officers
            if requirement.responsible_id:
                recipients = (
                    list(User.objects.filter(pk=requirement.responsible_id, is_active=True)) or officers
                )
            overdue = requirement.due_on < today
            told += notify(
                users=recipients,
                kind="safety.inspection_due",
                title=(_("%(title)s 未按时完成") if overdue else _("今日需完成：%(title)s"))
                % {"title": requirement.title},
                url=school_url(school, "inspections"),
                severity="warning" if overdue else "info",
                dedupe_key=f"safety-due:{school.code}:{requirement.key}:{requirement.due_on.isoformat()}",
                school=school,
            )
        escalate_after = int(setting_value(school.district, HAZARD_ESCALATION_OVERDUE_DAYS))
        for hazard in Hazard.objects.overdue(today).select_related("responsible"):
            recipients = [hazard.responsible] if hazard.responsible_id else []
            told += notify(
                users=[*recipients, *officers],
                kind="safety.hazard_overdue",
                title=_("隐患逾期未整改：%(text)s") % {"text": hazard.description[:40]},
                body=_("整改期限：%(deadline)s") % {"deadline": hazard.deadline.isoformat()},
                url=school_url(school, "hazard", pk=hazard.pk),
                severity="danger",
                dedupe_key=f"hazard-overdue:{school.code}:{hazard.pk}:{today.isoformat()}",
                school=school,
            )
            if hazard.days_overdue(today) >= escalate_after:
                escalate_hazard(school=school, hazard=hazard, reason=EscalationReason.OVERDUE)
        told += remind_campus(school, today, officers)
        told += remind_vehicles(school, today, officers)
        told += remind_duty(school, today)
        facts.refresh_overdue_fact(school)
        refresh_building_facts(school)
    return told

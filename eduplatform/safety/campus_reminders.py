"""The daily reminders of buildings and emergency plans, sent by safety.tasks.remind_school.

Buildings whose six-monthly check is due or overdue, and plans due for their yearly review,
to the school's safety officers. Keys name the occasion and its due date, so a reminder is
sent once per occasion however often the job runs.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from eduplatform.notifications.actions import notify
from eduplatform.safety.buildings import add_months, building_checks, review_months
from eduplatform.safety.models import EmergencyPlan
from eduplatform.safety.notices import school_url


def plans_due(school, today: date) -> list[tuple[EmergencyPlan, date]]:
    months = review_months(school)
    plans = [(plan, add_months(plan.reviewed_on, months)) for plan in EmergencyPlan.objects.all()]
    return sorted(((plan, due) for plan, due in plans if due <= today), key=lambda row: row[1])


def remind_campus(school, today: date, officers) -> int:
    if not officers:
        return 0
    told = 0
    for check in building_checks(school, today):
        if not check.is_due(today):
            continue
        overdue = check.is_overdue(today)
        told += notify(
            users=officers,
            kind="safety.building_check_due",
            title=(_("校舍检查已逾期：%(name)s") if overdue else _("今日应检查校舍：%(name)s"))
            % {"name": check.building.name},
            url=school_url(school, "building", pk=check.building.pk),
            severity="warning" if overdue else "info",
            dedupe_key=f"building-check:{school.code}:{check.building.pk}:{check.due_on.isoformat()}",
            school=school,
        )
    for plan, due_on in plans_due(school, today):
        told += notify(
            users=officers,
            kind="safety.plan_review_due",
            title=_("应急预案待复审：%(title)s") % {"title": plan.title},
            url=school_url(school, "plan", pk=plan.pk),
            severity="warning",
            dedupe_key=f"plan-review:{school.code}:{plan.pk}:{due_on.isoformat()}",
            school=school,
        )
    return told

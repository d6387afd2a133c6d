"""Safety's "today" entries for buildings and emergency plans (frontend.today): building
checks due or overdue, plans due for review, to the people who record safety."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.accounts.roles import Capability
from eduplatform.safety.buildings import building_checks
from eduplatform.safety.campus_reminders import plans_due
from frontend import today
from frontend.access import page_capabilities


@today.provider("safety.buildings", scope=today.SCHOOL)
def building_items(request):
    if Capability.SAFETY_RECORD not in page_capabilities(request):
        return []
    now = timezone.localdate()
    items = []
    for check in building_checks(request.school, now):
        if not check.is_due(now):
            continue
        items.append(
            today.TodayItem(
                title=_("校舍检查：%(name)s") % {"name": check.building.name},
                due=check.due_on,
                url=reverse("frontend:safety:building", kwargs={"pk": check.building.pk}),
                severity=today.Severity.DANGER if check.is_overdue(now) else today.Severity.WARNING,
                detail=_("每半年检查一次"),
            )
        )
    for plan, due_on in plans_due(request.school, now):
        items.append(
            today.TodayItem(
                title=_("应急预案复审：%(title)s") % {"title": plan.title},
                due=due_on,
                url=reverse("frontend:safety:plan", kwargs={"pk": plan.pk}),
                severity=today.Severity.WARNING,
                detail=_("每年复审一次"),
            )
        )
    return items

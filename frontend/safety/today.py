"""Safety's entries on the school's "today" page (frontend.today).

For the school (people who watch safety): required inspections due today or overdue, and
overdue hazards. For this person: the inspections they are responsible for, the hazards
they must fix, and rectifications waiting for them to verify.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.accounts.roles import Capability
from eduplatform.safety.models import Hazard, HazardStatus
from eduplatform.safety.schedule import requirements
from frontend import today
from frontend.access import page_capabilities


@today.provider("safety.inspections", scope=today.SCHOOL)
def due_inspections(request):
    capabilities = page_capabilities(request)
    if Capability.SAFETY_RECORD not in capabilities and Capability.SAFETY_VIEW not in capabilities:
        return []
    now = timezone.localdate()
    url = reverse("frontend:safety:inspections")
    items = []
    for requirement in requirements(request.school, now):
        if requirement.is_done or requirement.due_on > now:
            continue
        mine = requirement.responsible_id == request.user.pk
        if requirement.responsible_id and not mine and Capability.SAFETY_VIEW not in capabilities:
            continue
        overdue = requirement.due_on < now
        items.append(
            today.TodayItem(
                title=requirement.title,
                due=requirement.due_on,
                url=url,
                severity=today.Severity.DANGER if overdue else today.Severity.WARNING,
                detail=_("由您负责") if mine else (_("未按时完成") if overdue else _("今日应完成")),
            )
        )
    return items


@today.provider("safety.hazards", scope=today.SCHOOL)
def hazards(request):
    capabilities = page_capabilities(request)
    now = timezone.localdate()
    items = []
    if Capability.HAZARDS_REPORT in capabilities:
        mine = Hazard.objects.open().filter(responsible_id=request.user.pk)
        for hazard in mine.order_by("deadline")[:20]:
            items.append(
                today.TodayItem(
                    title=_("整改隐患：%(text)s") % {"text": hazard.description[:30]},
                    due=hazard.deadline,
                    url=reverse("frontend:safety:hazard", kwargs={"pk": hazard.pk}),
                    severity=today.Severity.DANGER if hazard.deadline < now else today.Severity.WARNING,
                    detail=hazard.location,
                )
            )
    if Capability.SAFETY_VIEW in capabilities:
        overdue = Hazard.objects.overdue(now).exclude(responsible_id=request.user.pk).count()
        if overdue:
            items.append(
                today.TodayItem(
                    title=_("逾期未整改隐患 %(count)s 条") % {"count": overdue},
                    due=now - timedelta(days=1),
                    url=reverse("frontend:safety:hazards") + "?overdue=1",
                    severity=today.Severity.DANGER,
                )
            )
    if Capability.HAZARDS_VERIFY in capabilities:
        waiting = (
            Hazard.objects.filter(status=HazardStatus.RECTIFIED)
            .exclude(rectified_by_id=request.user.pk)
            .count()
        )
        if waiting:
            items.append(
                today.TodayItem(
                    title=_("待验收的隐患整改 %(count)s 条") % {"count": waiting},
                    due=now,
                    url=reverse("frontend:safety:hazards") + "?status=rectified",
                    severity=today.Severity.INFO,
                )
            )
    return items


# Buildings and plans: registered with the same registry.
from frontend.safety import today_campus as _today_campus  # noqa: E402, F401

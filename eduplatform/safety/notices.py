"""Telling people about safety matters: in-app notifications with once-per-occasion keys."""

from __future__ import annotations

from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from eduplatform.notifications.actions import notify
from eduplatform.safety.people import bureau_people, school_leaders
from tenants.routing import school_reverse


def school_url(school, name: str, **kwargs) -> str:
    try:
        return school_reverse(school, f"frontend:safety:{name}", **kwargs)
    except NoReverseMatch:
        return ""


def tell_about_escalation(*, school, hazard, reason: str) -> int:
    """The bureau's inspectors and admins, the school's principal and safety officers, and
    the person responsible for the hazard."""
    people = [*bureau_people(school), *school_leaders(school)]
    if hazard.responsible_id:
        people.append(hazard.responsible)
    if reason == "critical":
        title = _("%(school)s 发现重大隐患：%(text)s") % {
            "school": school.name,
            "text": hazard.description[:40],
        }
    else:
        title = _("%(school)s 隐患逾期未整改：%(text)s") % {
            "school": school.name,
            "text": hazard.description[:40],
        }
    return notify(
        users=people,
        kind="safety.hazard_escalated",
        title=title,
        body=_("位置：%(location)s；整改期限：%(deadline)s；编号：%(number)s")
        % {"location": hazard.location, "deadline": hazard.deadline.isoformat(), "number": hazard.number},
        url=school_url(school, "hazard", pk=hazard.pk),
        severity="danger",
        dedupe_key=f"hazard-escalated:{school.code}:{hazard.pk}:{reason}",
        school=school,
    )

"""The daily reminders of school vehicles, sent by safety.tasks.remind_school.

Papers of vehicles in service (technical inspection, insurance) and of active drivers
(licence, and the day they reach the age limit) that expire within the district's warning
days (30 by default), and those already overdue, to the school's safety officers. A
reminder's key names the paper, its due date and the stage (expiring / overdue), so each
paper is reminded at most twice per due date however often the job runs; a renewed paper
has a new due date and is reminded afresh. The job also refreshes the date-dependent facts.
"""

from __future__ import annotations

from datetime import date

from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from eduplatform.notifications.actions import notify
from eduplatform.vehicles import facts
from eduplatform.vehicles.rules import Paper, PaperKind, papers_needing_attention


def paper_url(school, paper: Paper) -> str:
    from tenants.routing import school_reverse

    name = "frontend:vehicles:vehicle" if paper.is_vehicle else "frontend:vehicles:driver"
    try:
        return school_reverse(school, name, pk=paper.subject.pk)
    except NoReverseMatch:
        return ""


def paper_title(paper: Paper, today: date) -> str:
    values = {"paper": paper.name, "subject": paper.subject_label, "date": paper.valid_until.isoformat()}
    if paper.kind == PaperKind.AGE:
        if paper.is_overdue(today):
            return _("%(subject)s 已超过 60 周岁，不能再驾驶校车") % values
        return _("%(subject)s 驾驶校车至 %(date)s 止（将满 61 周岁）") % values
    if paper.is_overdue(today):
        return _("%(subject)s 的%(paper)s已于 %(date)s 到期") % values
    return _("%(subject)s 的%(paper)s将于 %(date)s 到期") % values


def remind_vehicles(school, today: date, officers) -> int:
    told = 0
    if officers:
        for paper in papers_needing_attention(today, facts.warning_days(school)):
            overdue = paper.is_overdue(today)
            subject = "vehicle" if paper.is_vehicle else "driver"
            stage = "overdue" if overdue else "expiring"
            told += notify(
                users=officers,
                kind="vehicles.paper_due",
                title=paper_title(paper, today),
                url=paper_url(school, paper),
                severity="danger" if overdue else "warning",
                dedupe_key=(
                    f"vehicle-paper:{school.code}:{subject}:{paper.subject.pk}:{paper.kind}:"
                    f"{paper.valid_until.isoformat()}:{stage}"
                ),
                school=school,
            )
    facts.refresh_all(school)
    return told

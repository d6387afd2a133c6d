"""Which required inspections are due or overdue, by frequency, on the district's school days.

    every school day  due on each school day; overdue when the last school day before
                      today went without one
    weekly / monthly  due by the last school day of the week / month; a week or month with
                      no school day (a holiday week, the summer) asks for none
    N times per term  the k-th is due by the school day k/N of the way through the term

Everything is computed from two queries: the district's calendar over the window (through
district.calendar.school_days) and the school's submitted inspections in it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from eduplatform.checklists.access import templates_for_school
from eduplatform.checklists.models import Frequency
from eduplatform.checklists.refusals import refusal
from eduplatform.compliance.periods import month_bounds, term_for, week_bounds
from eduplatform.district.calendar import school_days
from eduplatform.safety.models import Inspection, InspectionResponsibility, InspectionStatus, LocalTemplate

# How far back a missed daily patrol is still reported as overdue.
DAILY_LOOKBACK_DAYS = 14


@dataclass(frozen=True)
class Requirement:
    key: str  # "t<id>" (district template) or "l<id>" (local template)
    title: str
    frequency: str
    template_id: int | None
    local_template_id: int | None
    due_on: date
    is_done: bool
    done: int = 0
    required: int = 1
    missed: int = 0  # daily: school days missed in the look-back window
    responsible_id: int | None = None

    def is_overdue(self, today: date) -> bool:
        return not self.is_done and self.due_on < today

    def is_due_today(self, today: date) -> bool:
        return not self.is_done and self.due_on == today


@dataclass(frozen=True)
class _Source:
    key: str
    title: str
    frequency: str
    times_per_term: int
    template_id: int | None
    local_template_id: int | None


def required_sources(school) -> list[_Source]:
    sources = [
        _Source(f"t{t.pk}", t.name, t.frequency, t.times_per_term, t.pk, None)
        for t in templates_for_school(school)
        .exclude(frequency=Frequency.ON_DEMAND)
        .order_by("category", "name")
    ]
    sources += [
        _Source(f"l{t.pk}", t.name, t.frequency, t.times_per_term, None, t.pk)
        for t in LocalTemplate.objects.filter(is_active=True).exclude(frequency=Frequency.ON_DEMAND)
    ]
    return sources


def check_required(*, template=None, local_template=None) -> None:
    """Refuse naming who does an inspection that is never required (on demand, or a school
    template no longer in use): nobody would ever be told it is due. The same rule as
    required_sources; which district templates a school uses is its access helpers' job."""
    if template is not None and template.frequency == Frequency.ON_DEMAND:
        raise refusal("template", _("该检查不是必做检查，不能指定负责人。"), "not_required")
    if local_template is not None and not (
        local_template.is_active and local_template.frequency != Frequency.ON_DEMAND
    ):
        raise refusal("local_template", _("该检查不是必做检查，不能指定负责人。"), "not_required")


def requirements(school, today: date, *, sources: list[_Source] | None = None) -> list[Requirement]:
    """The current requirement of each required template: done, due, or overdue."""
    sources = required_sources(school) if sources is None else sources
    if not sources:
        return []
    term = term_for(today)
    previous_month_start = month_bounds(month_bounds(today)[0] - timedelta(days=1))[0]
    start = min(term.start, previous_month_start, today - timedelta(days=DAILY_LOOKBACK_DAYS))
    end = max(term.end, month_bounds(today)[1], week_bounds(today)[1])
    days = school_days(school.district, start, end)
    done_days: dict[str, list[date]] = defaultdict(list)
    for template_id, local_id, performed_on in Inspection.objects.filter(
        status=InspectionStatus.SUBMITTED, performed_on__range=(start, end)
    ).values_list("template_id", "local_template_id", "performed_on"):
        done_days[f"t{template_id}" if template_id else f"l{local_id}"].append(performed_on)
    responsible = {
        (f"t{row.template_id}" if row.template_id else f"l{row.local_template_id}"): row.person_id
        for row in InspectionResponsibility.objects.all()
    }
    result = []
    for source in sources:
        requirement = _requirement(source, today, days, sorted(done_days.get(source.key, [])), term)
        if requirement is not None:
            result.append(
                Requirement(**{**requirement.__dict__, "responsible_id": responsible.get(source.key)})
            )
    return result


def _requirement(
    source: _Source, today: date, days: list[date], done: list[date], term
) -> Requirement | None:
    base = {
        "key": source.key, "title": source.title, "frequency": source.frequency,
        "template_id": source.template_id, "local_template_id": source.local_template_id,
    }  # fmt: skip
    done_set = set(done)
    if source.frequency == Frequency.SCHOOL_DAY:
        # Overdue when the last school day before today has no patrol; `missed` counts the
        # school days missed in a row back from it (bounded by the look-back window).
        window = [day for day in days if today - timedelta(days=DAILY_LOOKBACK_DAYS) <= day <= today]
        earlier = [day for day in window if day < today]
        missed = 0
        for day in reversed(earlier):
            if day in done_set:
                break
            missed += 1
        if missed:
            return Requirement(**base, due_on=earlier[-1], is_done=False, missed=missed)
        if today in window:
            return Requirement(**base, due_on=today, is_done=today in done_set)
        return None
    if source.frequency in (Frequency.WEEKLY, Frequency.MONTHLY):
        bounds = week_bounds if source.frequency == Frequency.WEEKLY else month_bounds
        current_start, current_end = bounds(today)
        previous_start, previous_end = bounds(current_start - timedelta(days=1))
        previous_days = [day for day in days if previous_start <= day <= previous_end]
        if previous_days and not any(previous_start <= day <= previous_end for day in done):
            return Requirement(**base, due_on=previous_days[-1], is_done=False)
        current_days = [day for day in days if current_start <= day <= current_end]
        if not current_days:
            return None
        is_done = any(current_start <= day <= current_end for day in done)
        return Requirement(**base, due_on=current_days[-1], is_done=is_done, done=int(is_done))
    if source.frequency == Frequency.PER_TERM:
        term_days = [day for day in days if term.start <= day <= term.end]
        if not term_days:
            return None
        required = max(source.times_per_term, 1)
        count = sum(1 for day in done if term.start <= day <= term.end)
        if count >= required:
            return Requirement(**base, due_on=term_days[-1], is_done=True, done=count, required=required)
        index = math.ceil(len(term_days) * (count + 1) / required) - 1
        return Requirement(
            **base, due_on=term_days[max(index, 0)], is_done=False, done=count, required=required
        )
    return None


def term_progress(school, today: date) -> tuple[int, int]:
    """Required inspections of this term so far: (done, required), for the compliance fact.

    Daily: one per school day up to today; weekly and monthly: one per week or month that
    had a school day and has ended or been done; per term: the ones due by today.
    """
    sources = required_sources(school)
    term = term_for(today)
    days = [day for day in school_days(school.district, term.start, term.end)]
    past = [day for day in days if day <= today]
    done_days: dict[str, set[date]] = defaultdict(set)
    for template_id, local_id, performed_on in Inspection.objects.filter(
        status=InspectionStatus.SUBMITTED, performed_on__range=(term.start, min(today, term.end))
    ).values_list("template_id", "local_template_id", "performed_on"):
        done_days[f"t{template_id}" if template_id else f"l{local_id}"].add(performed_on)
    done_total = required_total = 0
    for source in sources:
        done = done_days.get(source.key, set())
        if source.frequency == Frequency.SCHOOL_DAY:
            required_total += len(past)
            done_total += len(done & set(past))
        elif source.frequency in (Frequency.WEEKLY, Frequency.MONTHLY):
            bounds = week_bounds if source.frequency == Frequency.WEEKLY else month_bounds
            periods: dict[date, list[date]] = defaultdict(list)
            for day in days:
                periods[bounds(day)[0]].append(day)
            for period_start, period_days in periods.items():
                period_end = bounds(period_start)[1]
                has_one = any(period_start <= day <= period_end for day in done)
                if period_days[-1] < today or has_one:
                    required_total += 1
                    done_total += int(has_one)
        elif source.frequency == Frequency.PER_TERM and days:
            required = max(source.times_per_term, 1)
            due = sum(
                1
                for k in range(1, required + 1)
                if days[max(math.ceil(len(days) * k / required) - 1, 0)] < today
            )
            count = len(done)
            required_total += max(due, min(count, required))
            done_total += min(count, required)
    return done_total, required_total

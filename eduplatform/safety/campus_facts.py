"""Compliance facts of buildings, drills and emergency plans (eduplatform.compliance).

    safety.buildings_by_grade       now     buildings registered; detail: how many per grade
    safety.buildings_dangerous      now     buildings graded C or D, of all assessed
    safety.building_checks_overdue  now     buildings whose six-monthly check is past due
    safety.drills_this_term         term    drills held in the term, against the district minimum
    safety.plans_reviewed           now     percent of emergency plans reviewed within the period

Actions refresh the facts they touch, in their transaction; the nightly recompute uses the
same functions.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.utils import timezone

from eduplatform.compliance.facts import FactSource, FactValue, refresh_fact, register
from eduplatform.compliance.periods import CURRENT, parse_term, term_for
from eduplatform.district.settings import setting_value
from eduplatform.safety.models import Building, DangerGrade, Drill, EmergencyPlan
from eduplatform.safety.settings import DRILLS_PER_TERM

BUILDINGS_BY_GRADE = "safety.buildings_by_grade"
BUILDINGS_DANGEROUS = "safety.buildings_dangerous"
BUILDING_CHECKS_OVERDUE = "safety.building_checks_overdue"
DRILLS_THIS_TERM = "safety.drills_this_term"
PLANS_REVIEWED = "safety.plans_reviewed"

UNASSESSED = "none"


def _now(school, today) -> list[str]:
    return [CURRENT]


def grade_counts() -> dict[str, int]:
    counts = Counter(Building.objects.values_list("grade", flat=True))
    rows = {grade: counts.get(grade, 0) for grade in DangerGrade.values}
    rows[UNASSESSED] = counts.get("", 0)
    return rows


def _by_grade(school, period: str) -> FactValue:
    rows = grade_counts()
    return FactValue(sum(rows.values()), detail=rows)


def _dangerous(school, period: str) -> FactValue:
    rows = grade_counts()
    assessed = sum(rows[grade] for grade in DangerGrade.values)
    dangerous = rows[DangerGrade.C] + rows[DangerGrade.D]
    return FactValue(dangerous, dangerous, assessed, detail={"sealed": rows[DangerGrade.D]})


def _checks_overdue(school, period: str) -> FactValue:
    from eduplatform.safety.buildings import building_checks

    today = timezone.localdate()
    checks = building_checks(school, today)
    overdue = [check for check in checks if check.is_overdue(today)]
    return FactValue(len(overdue), len(overdue), len(checks))


def drills_in_term(term) -> int:
    return Drill.objects.filter(held_on__range=(term.start, term.end)).count()


def _drills(school, period: str) -> FactValue:
    term = parse_term(period)
    minimum = int(setting_value(school.district, DRILLS_PER_TERM))
    done = drills_in_term(term)
    return FactValue(done, done, minimum, detail={"minimum": minimum, "is_met": done >= minimum})


def plans_reviewed(school, today) -> tuple[int, int]:
    """(plans reviewed within the review period, all plans)."""
    from eduplatform.safety.buildings import add_months, review_months

    months = review_months(school)
    dates = list(EmergencyPlan.objects.values_list("reviewed_on", flat=True))
    current = sum(1 for reviewed_on in dates if add_months(reviewed_on, months) >= today)
    return current, len(dates)


def _plans(school, period: str) -> FactValue:
    current, total = plans_reviewed(school, timezone.localdate())
    rate = Decimal(100) if not total else Decimal(current * 100) / Decimal(total)
    return FactValue(rate, current, total)


register(FactSource(BUILDINGS_BY_GRADE, "校舍数量（按等级）", _by_grade, _now))
register(FactSource(BUILDINGS_DANGEROUS, "C、D 级校舍数", _dangerous, _now))
register(FactSource(BUILDING_CHECKS_OVERDUE, "校舍检查逾期数", _checks_overdue, _now))
register(
    FactSource(DRILLS_THIS_TERM, "本学期应急演练次数", _drills, lambda school, today: [term_for(today).key])
)
register(FactSource(PLANS_REVIEWED, "应急预案按期复审率", _plans, _now))


def refresh_building_facts(school) -> None:
    if school is None:
        return
    for key in (BUILDINGS_BY_GRADE, BUILDINGS_DANGEROUS, BUILDING_CHECKS_OVERDUE):
        refresh_fact(school=school, key=key, period=CURRENT)


def refresh_drill_facts(school, day) -> None:
    if school is not None:
        refresh_fact(school=school, key=DRILLS_THIS_TERM, period=term_for(day).key)


def refresh_plan_facts(school) -> None:
    if school is not None:
        refresh_fact(school=school, key=PLANS_REVIEWED, period=CURRENT)


AGREEMENTS_SIGNED = "safety.agreements_signed"


def _agreements(school, period: str) -> FactValue:
    from eduplatform.safety.agreements import progress

    state = progress(school, int(period))
    done, required = state.signed_required, state.required
    rate = Decimal(100) if not required else Decimal(done * 100) / Decimal(required)
    return FactValue(
        rate, done, required, detail={"contractors": sum(1 for a in state.signed if a.party == "contractor")}
    )


register(
    FactSource(AGREEMENTS_SIGNED, "安全责任书签订率", _agreements, lambda school, today: [str(today.year)])
)


def refresh_agreement_facts(school, year: int) -> None:
    if school is not None:
        refresh_fact(school=school, key=AGREEMENTS_SIGNED, period=str(year))

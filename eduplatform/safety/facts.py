"""Compliance facts of the safety domain (eduplatform.compliance).

Periods: hazards by month and by term of the report date; overdue hazards now; required
inspections done by term. Actions refresh the facts a change touches, in its transaction;
the nightly recompute calls the same functions.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from eduplatform.compliance.facts import FactSource, FactValue, record_facts, refresh_fact, register
from eduplatform.compliance.periods import CURRENT, month_bounds, month_key, parse_term, term_for
from eduplatform.safety.models import RECTIFIED_STATUSES, Hazard, HazardStatus

HAZARDS_FOUND = "safety.hazards_found"
HAZARDS_RECTIFIED = "safety.hazards_rectified"
HAZARDS_VERIFIED = "safety.hazards_verified"
RECTIFICATION_RATE = "safety.rectification_rate"
HAZARDS_OVERDUE = "safety.hazards_overdue"
INSPECTIONS_DONE = "safety.required_inspections_done"


def period_bounds(period: str) -> tuple[date, date]:
    if "-W" not in period and period.count("-") == 1 and period.split("-")[1].isdigit():
        year, month = period.split("-")
        return month_bounds(date(int(year), int(month), 1))
    term = parse_term(period)
    return term.start, term.end


def rectification(start: date, end: date) -> dict[str, int]:
    """Found in the period, and of those how many are rectified (or verified), and verified."""
    # Counted by the database in one row: a term can hold thousands of hazards.
    return Hazard.objects.filter(reported_on__range=(start, end)).aggregate(
        found=Count("id"),
        rectified=Count("id", filter=Q(status__in=RECTIFIED_STATUSES)),
        verified=Count("id", filter=Q(status=HazardStatus.VERIFIED)),
    )


def rectification_rate(found: int, rectified: int) -> Decimal:
    """Percent rectified of found; 100 when nothing was found (nothing is left to fix)."""
    if not found:
        return Decimal(100)
    return Decimal(rectified * 100) / Decimal(found)


def rate_label(rate: Decimal) -> str:
    return f"{rate.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _counts(period: str) -> dict[str, int]:
    return rectification(*period_bounds(period))


def _periods(school, today: date) -> list[str]:
    previous_month = month_bounds(today)[0] - timedelta(days=1)
    return [month_key(today), month_key(previous_month), term_for(today).key]


register(
    FactSource(
        HAZARDS_FOUND, "发现隐患数", lambda school, period: FactValue(_counts(period)["found"]), _periods
    )
)
register(
    FactSource(
        HAZARDS_RECTIFIED,
        "已整改隐患数",
        lambda school, period: FactValue(_counts(period)["rectified"]),
        _periods,
    )
)
register(
    FactSource(
        HAZARDS_VERIFIED,
        "已验收隐患数",
        lambda school, period: FactValue(_counts(period)["verified"]),
        _periods,
    )
)


def _rate(school, period: str) -> FactValue:
    counts = _counts(period)
    return FactValue(
        rectification_rate(counts["found"], counts["rectified"]), counts["rectified"], counts["found"]
    )


register(FactSource(RECTIFICATION_RATE, "隐患整改率", _rate, _periods))


def _overdue(school, period: str) -> FactValue:
    return FactValue(Hazard.objects.overdue(timezone.localdate()).count())


register(FactSource(HAZARDS_OVERDUE, "逾期未整改隐患数", _overdue, lambda school, today: [CURRENT]))


def refresh_hazard_facts(school, day: date) -> None:
    """The counts and rate of the day's month and term, and the overdue count: written in
    one statement, as every hazard change calls this."""
    if school is None:
        return
    values: dict[tuple[str, str], FactValue] = {}
    for period in (month_key(day), term_for(day).key):
        counts = _counts(period)
        values[HAZARDS_FOUND, period] = FactValue(counts["found"])
        values[HAZARDS_RECTIFIED, period] = FactValue(counts["rectified"])
        values[HAZARDS_VERIFIED, period] = FactValue(counts["verified"])
        values[RECTIFICATION_RATE, period] = FactValue(
            rectification_rate(counts["found"], counts["rectified"]), counts["rectified"], counts["found"]
        )
    values[HAZARDS_OVERDUE, CURRENT] = _overdue(school, CURRENT)
    record_facts(school=school, facts=values)


def refresh_overdue_fact(school) -> None:
    if school is not None:
        refresh_fact(school=school, key=HAZARDS_OVERDUE, period=CURRENT)


def _inspections(school, period: str) -> FactValue:
    from eduplatform.safety.schedule import term_progress

    term = parse_term(period)
    today = min(timezone.localdate(), term.end)
    done, required = term_progress(school, today)
    rate = Decimal(100) if not required else Decimal(done * 100) / Decimal(required)
    return FactValue(rate, done, required)


register(
    FactSource(
        INSPECTIONS_DONE,
        "必查项目完成率",
        _inspections,
        lambda school, today: [term_for(today).key],
    )
)


def refresh_inspection_facts(school, day: date) -> None:
    if school is not None:
        refresh_fact(school=school, key=INSPECTIONS_DONE, period=term_for(day).key)

"""Recording compliance facts, and recomputing them from a school's own records.

A domain registers a FactSource for each key it measures: how to compute the value from
the school's records for a period, and which periods are worth recomputing today. Its
actions call `record_fact` in their own transaction after a change; the nightly
`recompute_school` calls every source and reports drift where the two disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from eduplatform.compliance.models import ComplianceFact, DriftReport

FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class FactValue:
    value: Decimal | int | float
    numerator: Decimal | int | float | None = None
    denominator: Decimal | int | float | None = None
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FactSource:
    key: str
    label: str
    # compute(school, period) -> FactValue, run inside the school's schema.
    compute: Callable[[object, str], FactValue]
    # periods(school, today) -> the periods to (re)compute today, e.g. this term and last.
    periods: Callable[[object, date], Iterable[str]]


_sources: dict[str, FactSource] = {}


def register(source: FactSource) -> FactSource:
    _sources[source.key] = source
    return source


def sources() -> dict[str, FactSource]:
    return dict(_sources)


def _decimal(number) -> Decimal | None:
    if number is None:
        return None
    return Decimal(str(number)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def record_fact(*, school, key: str, period: str, fact: FactValue) -> ComplianceFact:
    """Write (or overwrite) one fact. Call it inside the action's transaction."""
    return record_facts(school=school, facts={(key, period): fact})[0]


def record_facts(*, school, facts: dict[tuple[str, str], FactValue]) -> list[ComplianceFact]:
    """Write (or overwrite) facts of one school, {(key, period): fact}, in one statement.

    An upsert on the (school, key, period) constraint: one round trip per call, where
    update_or_create took four (savepoint, SELECT ... FOR UPDATE, UPDATE or INSERT,
    release), and actions and the daily jobs refresh several facts at a time.
    """
    if not facts:
        return []
    return ComplianceFact.objects.bulk_create(
        [
            ComplianceFact(
                school=school,
                key=key,
                period=period,
                value=_decimal(fact.value),
                numerator=_decimal(fact.numerator),
                denominator=_decimal(fact.denominator),
                detail=fact.detail,
            )
            for (key, period), fact in facts.items()
        ],
        update_conflicts=True,
        unique_fields=["school", "key", "period"],
        update_fields=["value", "numerator", "denominator", "detail", "updated_at"],
    )


def refresh_fact(*, school, key: str, period: str) -> ComplianceFact:
    """Compute one registered fact now from the school's records and record it.

    Actions use this when the value depends on more than the change at hand (a rate over
    a term): one query over the records is simpler and exact, and runs in the same
    transaction, so the fact always matches what was committed.
    """
    return record_fact(school=school, key=key, period=period, fact=_sources[key].compute(school, period))


def recompute_school(school, *, today: date | None = None) -> list[DriftReport]:
    """Recompute every registered fact of one school; record and return the drift found.

    Runs in the school's schema (the caller sets it). The recomputed value replaces the
    recorded one, so dashboards heal even where an action missed a fact.
    """
    today = today or timezone.localdate()
    drift: list[DriftReport] = []
    with transaction.atomic():
        for source in _sources.values():
            for period in source.periods(school, today):
                fact = source.compute(school, period)
                recomputed = _decimal(fact.value)
                existing = ComplianceFact.objects.filter(school=school, key=source.key, period=period).first()
                if existing is not None and existing.value != recomputed:
                    drift.append(
                        DriftReport.objects.create(
                            school=school,
                            key=source.key,
                            period=period,
                            recorded=existing.value,
                            recomputed=recomputed,
                        )
                    )
                record_fact(school=school, key=source.key, period=period, fact=fact)
    return drift


def facts_for_school(school, keys: Iterable[str] | None = None):
    facts = ComplianceFact.objects.filter(school=school)
    if keys is not None:
        facts = facts.filter(key__in=list(keys))
    return facts.order_by("key", "-period")

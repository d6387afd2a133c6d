"""Straight-line depreciation, as the government accounting standard (政府会计准则第 3 号) has it.

Depreciation is by month; an asset acquired in a month is depreciated from that month
on (当月增加，当月开始计提); there is no residual value, so a fully depreciated asset
is worth nothing on the books; a life of 0 means the asset is not depreciated (land,
cultural relics, books and archives, and low-value durables, which are expensed).

A card split from a batch (拆分) carries its share of the batch's accumulated depreciation
at the split, and depreciates the rest of its value over the rest of the life from there:
the parts of a batch then add up, to the fen, to what the whole had at the split.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Depreciation:
    months: int  # months depreciated so far
    accumulated: Decimal
    net_value: Decimal


def months_depreciated(acquisition_date: date, as_of: date, life_months: int) -> int:
    if life_months <= 0 or as_of < acquisition_date:
        return 0
    months = (as_of.year - acquisition_date.year) * 12 + (as_of.month - acquisition_date.month) + 1
    return min(months, life_months)


def depreciation_as_of(
    *,
    original_value: Decimal,
    acquisition_date: date,
    useful_life_years: int,
    as_of: date,
    carried: Decimal | None = None,
    carried_months: int | None = None,
) -> Depreciation:
    life_months = useful_life_years * 12
    months = months_depreciated(acquisition_date, as_of, life_months)
    if months == 0:
        return Depreciation(0, Decimal("0.00"), original_value.quantize(CENT))
    if months >= life_months:
        accumulated = original_value
    elif carried is not None and carried_months:
        accumulated = _from_carried(original_value, carried, carried_months, months, life_months)
    else:
        accumulated = (original_value * months / life_months).quantize(CENT, rounding=ROUND_HALF_UP)
    accumulated = accumulated.quantize(CENT)
    return Depreciation(months, accumulated, (original_value - accumulated).quantize(CENT))


def _from_carried(
    original_value: Decimal, carried: Decimal, carried_months: int, months: int, life_months: int
) -> Decimal:
    """Accumulated depreciation of a card that carried `carried` at month `carried_months`."""
    if months >= carried_months:
        rest = original_value - carried
        accumulated = carried + rest * (months - carried_months) / (life_months - carried_months)
    else:
        # Before the split the card was part of its batch: its share, pro rata by month.
        accumulated = carried * months / carried_months
    accumulated = accumulated.quantize(CENT, rounding=ROUND_HALF_UP)
    # A value corrected after the split cannot make the depreciation negative or exceed it.
    return min(max(accumulated, Decimal("0.00")), original_value)

"""What a stocktake found: the book against the count, in quantity and money.

The figures are aggregated by the database in one query, whatever the size of the
stocktake. For a batch card counted short or over (398 of 400 stools), the values are
pro rata, rounded to the cent per card.

    match rate (账实相符率) = cards found in their place in the book quantity
                             / cards on the books at the reference date, in percent
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Func, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, NullIf

from eduplatform.assets.models import CountResult, Stocktake, StocktakeItem

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0.00")


class _Cents(Func):
    function = "ROUND"
    template = "%(function)s(%(expressions)s, 2)"
    output_field = MONEY


def _share(field_name: str):
    """The part of a card's book value that was counted: value × counted / book, to the cent."""
    return _Cents(F(field_name) * F("counted_quantity") / NullIf(F("book_quantity"), 0))


_ON_BOOKS = Q(asset__isnull=False)
_FOUND = Q(result__in=[CountResult.FOUND, CountResult.WRONG_PLACE])
_GAIN = Q(result=CountResult.GAIN)
_NOT_FOUND = Q(result=CountResult.NOT_FOUND)
_SHORT = _FOUND & Q(counted_quantity__lt=F("book_quantity"))
_OVER = _FOUND & Q(counted_quantity__gt=F("book_quantity"))


def _money_sum(*whens) -> Coalesce:
    return Coalesce(
        Sum(Case(*whens, default=Value(ZERO), output_field=MONEY)), Value(ZERO), output_field=MONEY
    )


def _count_sum(*whens) -> Coalesce:
    return Coalesce(Sum(Case(*whens, default=Value(0), output_field=IntegerField())), Value(0))


@dataclass(frozen=True)
class Figures:
    quantity: int
    original_value: Decimal
    accumulated_depreciation: Decimal
    net_value: Decimal


@dataclass(frozen=True)
class Summary:
    expected_items: int
    pending_items: int
    matched_items: int
    wrong_place_items: int
    not_found_items: int
    gain_items: int
    book: Figures
    counted: Figures
    gains: Figures  # 盘盈: found off the books, and batches counted over
    losses: Figures  # 盘亏: not found, and batches counted short
    match_rate: Decimal  # percent, two decimals

    @property
    def counted_items(self) -> int:
        return self.expected_items - self.pending_items


def summarise(stocktake: Stocktake) -> Summary:
    row = StocktakeItem.objects.filter(stocktake=stocktake).aggregate(
        total_expected=Count("id", filter=_ON_BOOKS),
        total_pending=Count("id", filter=Q(result=CountResult.PENDING)),
        total_matched=Count("id", filter=Q(result=CountResult.FOUND, counted_quantity=F("book_quantity"))),
        total_wrong_place=Count("id", filter=Q(result=CountResult.WRONG_PLACE)),
        total_not_found=Count("id", filter=_NOT_FOUND),
        total_gain_items=Count("id", filter=_GAIN),
        total_book_quantity=Coalesce(Sum("book_quantity", filter=_ON_BOOKS), Value(0)),
        total_book_original=Coalesce(
            Sum("book_original_value", filter=_ON_BOOKS), Value(ZERO), output_field=MONEY
        ),
        total_book_accumulated=Coalesce(
            Sum("book_accumulated_depreciation", filter=_ON_BOOKS), Value(ZERO), output_field=MONEY
        ),
        total_book_net=Coalesce(Sum("book_net_value", filter=_ON_BOOKS), Value(ZERO), output_field=MONEY),
        total_counted_quantity=Coalesce(Sum("counted_quantity", filter=_FOUND | _GAIN), Value(0)),
        total_counted_original=_money_sum(
            When(_FOUND, then=_share("book_original_value")), When(_GAIN, then=F("gain_value"))
        ),
        total_counted_accumulated=_money_sum(When(_FOUND, then=_share("book_accumulated_depreciation"))),
        total_counted_net=_money_sum(
            When(_FOUND, then=_share("book_net_value")), When(_GAIN, then=F("gain_value"))
        ),
        total_loss_quantity=_count_sum(
            When(_NOT_FOUND, then=F("book_quantity")),
            When(_SHORT, then=F("book_quantity") - F("counted_quantity")),
        ),
        total_loss_original=_money_sum(
            When(_NOT_FOUND, then=F("book_original_value")),
            When(_SHORT, then=F("book_original_value") - _share("book_original_value")),
        ),
        total_loss_accumulated=_money_sum(
            When(_NOT_FOUND, then=F("book_accumulated_depreciation")),
            When(_SHORT, then=F("book_accumulated_depreciation") - _share("book_accumulated_depreciation")),
        ),
        total_loss_net=_money_sum(
            When(_NOT_FOUND, then=F("book_net_value")),
            When(_SHORT, then=F("book_net_value") - _share("book_net_value")),
        ),
        total_gain_quantity=_count_sum(
            When(_GAIN, then=F("counted_quantity")),
            When(_OVER, then=F("counted_quantity") - F("book_quantity")),
        ),
        total_gain_original=_money_sum(
            When(_GAIN, then=F("gain_value")),
            When(_OVER, then=_share("book_original_value") - F("book_original_value")),
        ),
        total_gain_accumulated=_money_sum(
            When(_OVER, then=_share("book_accumulated_depreciation") - F("book_accumulated_depreciation"))
        ),
        total_gain_net=_money_sum(
            When(_GAIN, then=F("gain_value")),
            When(_OVER, then=_share("book_net_value") - F("book_net_value")),
        ),
    )
    expected = row["total_expected"]
    rate = (Decimal(row["total_matched"]) * 100 / expected).quantize(Decimal("0.01")) if expected else ZERO
    return Summary(
        expected_items=expected,
        pending_items=row["total_pending"],
        matched_items=row["total_matched"],
        wrong_place_items=row["total_wrong_place"],
        not_found_items=row["total_not_found"],
        gain_items=row["total_gain_items"],
        book=Figures(
            row["total_book_quantity"],
            row["total_book_original"],
            row["total_book_accumulated"],
            row["total_book_net"],
        ),
        counted=Figures(
            row["total_counted_quantity"],
            row["total_counted_original"],
            row["total_counted_accumulated"],
            row["total_counted_net"],
        ),
        gains=Figures(
            row["total_gain_quantity"],
            row["total_gain_original"],
            row["total_gain_accumulated"],
            row["total_gain_net"],
        ),
        losses=Figures(
            row["total_loss_quantity"],
            row["total_loss_original"],
            row["total_loss_accumulated"],
            row["total_loss_net"],
        ),
        match_rate=rate,
    )


def discrepancies(stocktake: Stocktake) -> QuerySet[StocktakeItem]:
    """Items where the count differs from the book: what closing may adjust."""
    return (
        stocktake.items.filter(
            Q(result__in=[CountResult.NOT_FOUND, CountResult.WRONG_PLACE, CountResult.GAIN])
            | (Q(result=CountResult.FOUND) & ~Q(counted_quantity=F("book_quantity")))
        )
        .select_related("asset", "book_location", "counted_location")
        .order_by("result", "id")
    )

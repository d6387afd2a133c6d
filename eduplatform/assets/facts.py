"""The assets compliance facts the bureau watches, registered with eduplatform.compliance.

Actions refresh the facts they affect inside their own transaction (`refresh`); the
nightly recompute calls the same `compute` functions, so the two can only disagree when
time alone changes a value (a borrowing becomes overdue at midnight), which the daily
overdue task refreshes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.assets.models import (
    OFF_BOOKS_STATUSES,
    Asset,
    AssetKind,
    AssetStatus,
    CountResult,
    DisposalRequest,
    DisposalStatus,
    Stocktake,
    StocktakeScope,
    StocktakeStatus,
)
from eduplatform.compliance.facts import FactSource, FactValue, refresh_fact, register
from eduplatform.compliance.periods import CURRENT, parse_term, term_for

STOCKTAKE_DONE = "assets.stocktake_done"
STOCKTAKE_MATCH_RATE = "assets.stocktake_match_rate"
OVERDUE_BORROWINGS = "assets.overdue_borrowings"
DISPOSALS_PENDING = "assets.disposals_pending"
CARDS_MISSING_FINANCE_FIELDS = "assets.cards_missing_finance_fields"

# What the finance system (行政事业单位资产管理信息系统) will not take a fixed-asset card
# without, beyond what every card has (number, code, name, value, acquisition date).
FINANCE_REQUIRED_FIELDS = {
    "funding": _("经费来源"),
    "procurement_form": _("采购组织形式"),
    "voucher_number": _("会计凭证号"),
    "using_department": _("使用部门"),
    "location": _("存放地点"),
}


def missing_finance_fields_filter() -> Q:
    return (
        Q(funding="")
        | Q(procurement_form="")
        | Q(voucher_number="")
        | Q(using_department__isnull=True)
        | Q(location__isnull=True)
    )


def missing_finance_fields(asset: Asset) -> list[str]:
    """Labels of the finance fields a card lacks (only fixed assets on the books are checked)."""
    if asset.kind != AssetKind.FIXED or not asset.is_on_books:
        return []
    missing = []
    for field, label in FINANCE_REQUIRED_FIELDS.items():
        value = getattr(asset, f"{field}_id" if field in ("using_department", "location") else field)
        if value in ("", None):
            missing.append(str(label))
    return missing


def _term_bounds(period: str) -> tuple[datetime, datetime]:
    term = parse_term(period)
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(term.start, time.min, zone),
        datetime.combine(term.end + timedelta(days=1), time.min, zone),
    )


def _last_school_stocktake(period: str) -> Stocktake | None:
    """The last whole-school stocktake closed in the term (a partial one does not count)."""
    start, end = _term_bounds(period)
    return (
        Stocktake.objects.filter(
            scope=StocktakeScope.SCHOOL,
            status=StocktakeStatus.CLOSED,
            closed_at__gte=start,
            closed_at__lt=end,
        )
        .order_by("-closed_at", "-id")
        .first()
    )


def compute_stocktake_done(school, period: str) -> FactValue:
    stocktake = _last_school_stocktake(period)
    return FactValue(1 if stocktake else 0, detail={"stocktake": stocktake.pk if stocktake else None})


def compute_stocktake_match_rate(school, period: str) -> FactValue:
    stocktake = _last_school_stocktake(period)
    if stocktake is None or stocktake.match_rate is None:
        return FactValue(0, detail={"stocktake": None})
    items = stocktake.items.exclude(asset__isnull=True)
    return FactValue(
        stocktake.match_rate,
        numerator=items.filter(result=CountResult.FOUND, counted_quantity=F("book_quantity")).count(),
        denominator=items.count(),
        detail={"stocktake": stocktake.pk},
    )


def compute_overdue_borrowings(school, period: str) -> FactValue:
    today = timezone.localdate()
    return FactValue(Asset.objects.filter(status=AssetStatus.BORROWED, borrow_due_date__lt=today).count())


def compute_disposals_pending(school, period: str) -> FactValue:
    return FactValue(DisposalRequest.objects.filter(status=DisposalStatus.PENDING).count())


def compute_cards_missing_finance_fields(school, period: str) -> FactValue:
    cards = Asset.objects.filter(kind=AssetKind.FIXED).exclude(status__in=OFF_BOOKS_STATUSES)
    return FactValue(cards.filter(missing_finance_fields_filter()).count(), denominator=cards.count())


def this_and_last_term(school, today: date) -> list[str]:
    term = term_for(today)
    return [term.key, term_for(term.start - timedelta(days=1)).key]


def current(school, today: date) -> list[str]:
    return [CURRENT]


SOURCES = [
    FactSource(STOCKTAKE_DONE, _("本学期已完成全校盘点"), compute_stocktake_done, this_and_last_term),
    FactSource(
        STOCKTAKE_MATCH_RATE, _("盘点账实相符率（%）"), compute_stocktake_match_rate, this_and_last_term
    ),
    FactSource(OVERDUE_BORROWINGS, _("逾期未还的借用"), compute_overdue_borrowings, current),
    FactSource(DISPOSALS_PENDING, _("待审批的处置申请"), compute_disposals_pending, current),
    FactSource(
        CARDS_MISSING_FINANCE_FIELDS,
        _("缺少财务必填项的固定资产卡片"),
        compute_cards_missing_finance_fields,
        current,
    ),
]
for _source in SOURCES:
    register(_source)

CURRENT_KEYS = (OVERDUE_BORROWINGS, DISPOSALS_PENDING, CARDS_MISSING_FINANCE_FIELDS)


def refresh(school, *keys: str, day: date | None = None) -> None:
    """Recompute the named facts now, inside the caller's transaction."""
    if school is None:
        return
    for key in keys:
        if key in (STOCKTAKE_DONE, STOCKTAKE_MATCH_RATE):
            refresh_fact(school=school, key=key, period=term_for(day or timezone.localdate()).key)
        else:
            refresh_fact(school=school, key=key, period=CURRENT)


def as_percent(numerator: int, denominator: int) -> Decimal:
    if not denominator:
        return Decimal("0.00")
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))

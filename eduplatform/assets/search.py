"""Finding cards: one search for the ledger page, its export and the API.

The text search is a substring match on `search_text` (number, names, place, people and
code, upper-cased), served by a GIN trigram index, so that 投影 finds 多媒体投影仪 among
100,000 cards without a sequential scan (pg_trgm needs three characters to use the
index; shorter searches still work, by scanning).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from eduplatform.assets.models import OFF_BOOKS_STATUSES, Asset, AssetKind, AssetStatus

# The orders a list may ask for, each ending in a unique column so that pages are stable.
ORDERINGS = {
    "number": ("number",),
    "-number": ("-number",),
    "name": ("name", "number"),
    "-name": ("-name", "-number"),
    "acquired": ("acquisition_date", "number"),
    "-acquired": ("-acquisition_date", "-number"),
    "value": ("original_value", "number"),
    "-value": ("-original_value", "-number"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
DEFAULT_ORDERING = "number"
ON_BOOKS = "on_books"  # a status filter meaning: every status but disposed of and written off


@dataclass(frozen=True)
class AssetQuery:
    text: str = ""
    status: str = ""
    kind: str = ""
    location_id: int | None = None
    department_id: int | None = None
    class_id: int | None = None
    code: str = ""  # classification code prefix
    ordering: str = DEFAULT_ORDERING

    @classmethod
    def from_params(cls, params) -> AssetQuery:
        """From a query string, ignoring what is malformed rather than failing the page."""

        def number(name: str) -> int | None:
            value = (params.get(name) or "").strip()
            return int(value) if value.isdigit() else None

        status = (params.get("status") or "").strip()
        kind = (params.get("kind") or "").strip()
        ordering = (params.get("sort") or params.get("ordering") or DEFAULT_ORDERING).strip()
        return cls(
            text=(params.get("q") or "").strip()[:100],
            status=status if status in (*AssetStatus.values, ON_BOOKS) else "",
            kind=kind if kind in AssetKind.values else "",
            location_id=number("location"),
            department_id=number("department"),
            class_id=number("class"),
            code=(params.get("code") or "").strip().upper()[:7],
            ordering=ordering if ordering in ORDERINGS else DEFAULT_ORDERING,
        )

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.text
            or self.status
            or self.kind
            or self.location_id
            or self.department_id
            or self.class_id
            or self.code
        )


def search_assets(cards: QuerySet[Asset], query: AssetQuery, *, order: bool = True) -> QuerySet[Asset]:
    if query.text:
        cards = cards.filter(search_text__contains=query.text.upper())
    if query.status == ON_BOOKS:
        cards = cards.exclude(status__in=OFF_BOOKS_STATUSES)
    elif query.status:
        cards = cards.filter(status=query.status)
    if query.kind:
        cards = cards.filter(kind=query.kind)
    if query.location_id:
        cards = cards.filter(location_id=query.location_id)
    if query.department_id:
        cards = cards.filter(using_department_id=query.department_id)
    if query.class_id:
        cards = cards.filter(school_class_id=query.class_id)
    if query.code:
        cards = cards.filter(classification_code__startswith=query.code)
    return cards.order_by(*ORDERINGS[query.ordering]) if order else cards

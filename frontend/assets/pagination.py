"""Pages of the ledger without counting it.

Counting every matching card costs a visit to every matching row: "projector" matches
5,000 cards spread over the whole table, and counting them takes as long as reading the
table (40 ms at 100,000 cards). A page of 50 needs none of that: it reads 51 rows to know
whether there is a next page. The total is fetched by its own small request after the
page is shown (`ledger_count`), so the list appears at once and the count follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass
class WindowPage:
    object_list: list
    number: int
    per_page: int
    has_next: bool

    @classmethod
    def of(cls, queryset: QuerySet, number: str | int | None, per_page: int) -> WindowPage:
        try:
            page = max(int(number or 1), 1)
        except (TypeError, ValueError):
            page = 1
        start = (page - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        return cls(object_list=rows[:per_page], number=page, per_page=per_page, has_next=len(rows) > per_page)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.object_list) - 1 if self.object_list else 0

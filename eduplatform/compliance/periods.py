"""Periods that compliance facts are measured over, as short stable strings.

    day    2026-11-22
    week   2026-W47      (ISO week)
    month  2026-11
    term   2026-autumn   (秋季学期, September to January) / 2027-spring (春季学期, February to July)
    year   2026
    now    current       (a state, e.g. overdue borrowings right now)

A term is named after the calendar year it starts in: the autumn term of 2026 runs from
2026-09-01 to 2027-01-31, the spring term of 2027 from 2027-02-01 to 2027-07-31. August
belongs to no term; for "this term" it counts as the end of the spring term.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

CURRENT = "current"


@dataclass(frozen=True)
class Term:
    year: int
    season: str  # "autumn" or "spring"

    @property
    def key(self) -> str:
        return f"{self.year}-{self.season}"

    @property
    def start(self) -> date:
        return date(self.year, 9, 1) if self.season == "autumn" else date(self.year, 2, 1)

    @property
    def end(self) -> date:
        return date(self.year + 1, 1, 31) if self.season == "autumn" else date(self.year, 7, 31)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def term_for(day: date) -> Term:
    if day.month >= 9:
        return Term(day.year, "autumn")
    if day.month == 1:
        return Term(day.year - 1, "autumn")
    return Term(day.year, "spring")


def parse_term(key: str) -> Term:
    year, _, season = key.partition("-")
    if season not in ("autumn", "spring") or not year.isdigit():
        raise ValueError(f"not a term: {key!r}")
    return Term(int(year), season)


def day_key(day: date) -> str:
    return day.isoformat()


def week_key(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def year_key(day: date) -> str:
    return str(day.year)

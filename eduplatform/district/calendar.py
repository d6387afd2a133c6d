"""School days: Monday to Friday, less the district's holidays, plus its make-up school days."""

from __future__ import annotations

from datetime import date, timedelta

from eduplatform.district.models import CalendarDay, CalendarDayKind, District


def _marked_days(district: District, start: date, end: date) -> dict[date, str]:
    """Marked days of the district, a child district's own marks winning over its parents'."""
    ancestors = district.ancestor_ids()
    rank = {district_id: position for position, district_id in enumerate(ancestors)}
    marks: dict[date, tuple[int, str]] = {}
    for row in CalendarDay.objects.filter(district_id__in=ancestors, date__range=(start, end)):
        position = rank[row.district_id]
        if row.date not in marks or position < marks[row.date][0]:
            marks[row.date] = (position, row.kind)
    return {day: kind for day, (_position, kind) in marks.items()}


def school_days(district: District, start: date, end: date) -> list[date]:
    """Every school day from start to end, both included, in order."""
    if end < start:
        return []
    marks = _marked_days(district, start, end)
    days = []
    day = start
    while day <= end:
        kind = marks.get(day)
        if kind == CalendarDayKind.MAKEUP_SCHOOL_DAY or (
            kind != CalendarDayKind.HOLIDAY and day.weekday() < 5
        ):
            days.append(day)
        day += timedelta(days=1)
    return days


def is_school_day(district: District, day: date) -> bool:
    return bool(school_days(district, day, day))

"""Days as the pages and the API are given them in query strings."""

from __future__ import annotations

from datetime import date

from django.utils.dateparse import parse_date


def day_from(raw: str | None) -> date | None:
    """A YYYY-MM-DD day; None when it is not one, including a well-formed day that is not in
    the calendar (2026-02-30), on which Django's parse_date raises instead."""
    try:
        return parse_date(raw or "")
    except ValueError:
        return None

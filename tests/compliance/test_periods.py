from datetime import date

import pytest

from eduplatform.compliance.periods import Term, month_key, parse_term, term_for, week_key


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (date(2026, 9, 1), "2026-autumn"),
        (date(2026, 12, 31), "2026-autumn"),
        (date(2027, 1, 31), "2026-autumn"),
        (date(2027, 2, 1), "2027-spring"),
        (date(2027, 7, 31), "2027-spring"),
        (date(2027, 8, 15), "2027-spring"),
    ],
)
def test_term_of_a_day(day, term):
    assert term_for(day).key == term


def test_term_bounds_and_parsing():
    autumn = parse_term("2026-autumn")
    assert (autumn.start, autumn.end) == (date(2026, 9, 1), date(2027, 1, 31))
    assert date(2026, 11, 22) in autumn
    assert Term(2027, "spring").end == date(2027, 7, 31)
    with pytest.raises(ValueError):
        parse_term("2026-summer")


def test_week_and_month_keys():
    assert week_key(date(2026, 11, 22)) == "2026-W47"
    assert week_key(date(2027, 1, 1)) == "2026-W53"
    assert month_key(date(2026, 11, 22)) == "2026-11"

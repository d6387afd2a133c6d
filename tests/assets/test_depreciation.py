"""Straight-line depreciation by month, from the month of acquisition, with no residual value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from eduplatform.assets.depreciation import depreciation_as_of


@pytest.mark.parametrize(
    ("as_of", "months", "accumulated", "net_value"),
    [
        (date(2023, 8, 31), 0, "0.00", "4580.00"),  # before acquisition
        (date(2023, 9, 1), 1, "63.61", "4516.39"),  # the month of acquisition counts
        (date(2023, 9, 30), 1, "63.61", "4516.39"),
        (date(2024, 8, 31), 12, "763.33", "3816.67"),
        (date(2026, 2, 28), 30, "1908.33", "2671.67"),
        (date(2029, 7, 31), 71, "4516.39", "63.61"),
        (date(2029, 8, 1), 72, "4580.00", "0.00"),  # fully depreciated: nothing left
        (date(2035, 1, 1), 72, "4580.00", "0.00"),
    ],
)
def test_a_projector_over_six_years(as_of, months, accumulated, net_value):
    result = depreciation_as_of(
        original_value=Decimal("4580.00"), acquisition_date=date(2023, 9, 1), useful_life_years=6, as_of=as_of
    )
    assert (result.months, result.accumulated, result.net_value) == (
        months,
        Decimal(accumulated),
        Decimal(net_value),
    )


def test_an_asset_without_a_life_is_not_depreciated():
    result = depreciation_as_of(
        original_value=Decimal("32000.00"),
        acquisition_date=date(2010, 1, 1),
        useful_life_years=0,
        as_of=date(2030, 1, 1),
    )
    assert (result.accumulated, result.net_value) == (Decimal("0.00"), Decimal("32000.00"))


def test_accumulated_and_net_always_add_up_to_the_original_value():
    for month in range(1, 200):
        as_of = date(2020 + month // 12, month % 12 + 1, 15)
        result = depreciation_as_of(
            original_value=Decimal("1234.57"),
            acquisition_date=date(2020, 1, 20),
            useful_life_years=8,
            as_of=as_of,
        )
        assert result.accumulated + result.net_value == Decimal("1234.57")
        assert Decimal("0") <= result.net_value <= Decimal("1234.57")

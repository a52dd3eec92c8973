"""Business days, holidays, the as-of date and the unit rules the generator relies on."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.demo import program_facts as pf
from caseledger.demo.calendar import (
    Period,
    add_business_days,
    add_months,
    business_days_between,
    holidays,
    is_business_day,
)

D = dt.date


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4), (68, 5)],
)
def test_eight_minute_rule(minutes: int, units: int) -> None:
    assert pf.quarter_hour_units(minutes) == units


@pytest.mark.parametrize(("minutes", "units"), [(179, 0), (180, 1), (359, 1), (360, 2)])
def test_half_day_units(minutes: int, units: int) -> None:
    assert pf.half_day_units(minutes) == units


def test_fees_from_the_seeds() -> None:
    assert pf.service("H2017", ("HO",)).charge_for(3) == pf.Decimal("61.08")
    assert pf.service("H2017", ("HO", "HQ")).charge_for(6) == pf.Decimal("30.54")
    assert pf.service("H2017P").charge_for(2) == pf.Decimal("35.44")
    assert pf.service("H2017S").charge_for(4) == pf.Decimal("17.72")
    assert pf.service("SST").charge_for(1) == pf.Decimal("69.00")
    assert pf.service("CSW").charge_for(4) is None
    assert pf.service("97153").charge_for(8) is None


def test_0372t_is_in_force_only_through_2018() -> None:
    code = pf.service("0372T")
    assert code.in_force(D(2018, 12, 31))
    assert not code.in_force(D(2019, 1, 1))
    assert not pf.service("97153").in_force(D(2018, 12, 31))
    assert pf.service("97153").in_force(D(2019, 1, 1))


def test_federal_holidays_2025() -> None:
    assert holidays(2025) >= {
        D(2025, 1, 1), D(2025, 1, 20), D(2025, 2, 17), D(2025, 5, 26), D(2025, 6, 19),
        D(2025, 7, 4), D(2025, 9, 1), D(2025, 10, 13), D(2025, 11, 11), D(2025, 11, 27),
        D(2025, 12, 25),
    }  # fmt: skip
    assert not is_business_day(D(2025, 7, 4))
    assert is_business_day(D(2025, 7, 3))


def test_business_day_arithmetic() -> None:
    assert add_business_days(D(2025, 1, 3), 1) == D(2025, 1, 6)  # Friday -> Monday
    assert add_business_days(D(2025, 1, 17), 1) == D(2025, 1, 21)  # over MLK day
    assert add_business_days(D(2025, 1, 6), 0) == D(2025, 1, 6)
    assert business_days_between(D(2025, 1, 3), D(2025, 1, 10)) == 5


def test_months_clamp_to_the_last_day() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 12, 15), 2) == D(2025, 2, 15)


def test_as_of_is_the_end_of_the_month_after_the_period() -> None:
    assert Period(D(2025, 1, 1), 12).end == D(2025, 12, 31)
    assert Period(D(2025, 1, 1), 12).as_of == D(2026, 1, 31)
    assert Period(D(2025, 1, 15), 3).end == D(2025, 4, 14)
    assert Period(D(2025, 1, 15), 3).as_of == D(2025, 5, 31)

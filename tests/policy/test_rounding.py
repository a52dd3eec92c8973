"""Minutes to units under each rounding mode (Medicare Claims Processing Manual ch. 5 §20.2;
seed 000 whole half-days; seed 003 untimed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseledger.policy import units_for_minutes

# The published 8-minute table for 15-minute units.
CMS_TABLE = [(7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4), (68, 5)]


@pytest.mark.parametrize(("minutes", "units"), CMS_TABLE)
@pytest.mark.parametrize("mode", ["cms_8_minute", "cpt_midpoint"])
def test_the_8_minute_table(mode: str, minutes: int, units: int) -> None:
    assert units_for_minutes(minutes, 15, mode) == units


@pytest.mark.parametrize(("minutes", "units"), [(0, 0), (179, 0), (180, 1), (359, 1), (360, 2)])
def test_sst_counts_only_whole_half_days(minutes: int, units: int) -> None:
    assert units_for_minutes(minutes, 180, "whole_units") == units


@given(st.integers(min_value=0, max_value=10_000))
def test_untimed_is_one_per_session(minutes: int) -> None:
    assert units_for_minutes(minutes, None, "untimed") == 1


@given(minutes=st.integers(0, 5000), unit=st.integers(1, 240))
def test_midpoint_rounding_passes_the_midpoint_of_each_unit(minutes: int, unit: int) -> None:
    units = units_for_minutes(minutes, unit, "cpt_midpoint")
    # the last unit counted has its midpoint passed; the next one has not
    assert units == 0 or 2 * minutes > (2 * units - 1) * unit
    assert not 2 * minutes > (2 * units + 1) * unit


@given(minutes=st.integers(0, 5000), unit=st.integers(1, 240))
def test_whole_units_never_exceed_the_time(minutes: int, unit: int) -> None:
    units = units_for_minutes(minutes, unit, "whole_units")
    assert units * unit <= minutes < (units + 1) * unit


@given(a=st.integers(0, 3000), b=st.integers(0, 3000))
def test_more_minutes_never_give_fewer_units(a: int, b: int) -> None:
    low, high = sorted((a, b))
    for mode in ("cms_8_minute", "whole_units"):
        assert units_for_minutes(low, 15, mode) <= units_for_minutes(high, 15, mode)


@pytest.mark.parametrize(
    ("minutes", "unit", "mode"),
    [(-1, 15, "cms_8_minute"), (10, None, "cms_8_minute"), (10, 15, "x")],
)
def test_bad_arguments_are_refused(minutes: int, unit: int | None, mode: str) -> None:
    with pytest.raises(ValueError):
        units_for_minutes(minutes, unit, mode)

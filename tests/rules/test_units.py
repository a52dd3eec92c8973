"""GEN-TIME-MISSING, GEN-UNITS-EXCEED-TIME, GEN-UNITS-UNDER-TIME, GEN-UNTIMED-UNITS,
GEN-DAILY-MAX and SST-UNIT-HALF-DAY."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.facts.engines import SparkEngine
from caseledger.policy import units_for_minutes
from tests.rules.scenario import LINE, D, Scenario, T, policy

TIME_MISSING = "GEN-TIME-MISSING"
EXCEED = "GEN-UNITS-EXCEED-TIME"
UNDER = "GEN-UNITS-UNDER-TIME"
UNTIMED = "GEN-UNTIMED-UNITS"
DAILY = "GEN-DAILY-MAX"
HALF_DAY = "SST-UNIT-HALF-DAY"
ALL = (TIME_MISSING, EXCEED, UNDER, UNTIMED, DAILY, HALF_DAY)


def _ids(found: list[Any]) -> list[str]:
    return sorted(f.subject_id for f in found)


def _aba_2018(s: Scenario) -> None:
    """Lets the ABA client be served in 2018, when 0372T was in force."""
    s.row("enrollments", client_id="C-ABA")["start_date"] = D(2018, 1, 1)
    s.row("authorizations", authorization_id="AU-ABA")["start_date"] = D(2018, 1, 1)


def test_the_clean_agency_has_no_unit_findings() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    result = s.audit(ALL)
    assert result.findings == []
    assert sorted(result.rules_checked) == sorted(ALL)


# ---------------------------------------------------------------- GEN-TIME-MISSING


def test_timed_service_without_its_times_is_an_error() -> None:
    s = Scenario()
    no_end = s.encounter("cpr", end_time=None)
    neither = s.encounter("sud", start_time=None, end_time=None)
    found = {f.subject_id: f for f in s.findings(TIME_MISSING)}
    assert sorted(found) == sorted([no_end["encounter_id"], neither["encounter_id"]])
    f = found[no_end["encounter_id"]]
    assert f.severity == "error" and f.carc == "16"
    assert f.message == (
        "No end time is documented for a service billed by time in 15-minute units."
    )
    assert f.amount_at_risk == Decimal("40.72")
    assert "No start or end time" in found[neither["encounter_id"]].message
    # CSW has no rate and this line no charge: the amount is unknown
    assert found[neither["encounter_id"]].amount_at_risk is None


def test_services_not_billed_by_time_need_no_times() -> None:
    s = Scenario()
    _aba_2018(s)
    # SST-TRANSPORT has no unit; 0372T was untimed
    s.encounter("sst", service_code="SST-TRANSPORT", start_time=None, end_time=None, charge=None)
    s.encounter(
        "aba", D(2018, 6, 1), service_code="0372T", units=Decimal(1), start_time=None, end_time=None
    )
    s.encounter("cpr", start_time=None, billable=False)
    assert s.findings(TIME_MISSING) == []


# ---------------------------------------------------------------- GEN-UNITS-EXCEED-TIME


def test_units_beyond_the_8_minute_rule_are_an_error_and_the_boundary_passes() -> None:
    s = Scenario()
    s.encounter("cpr", end_time=T(10, 23))  # 23 minutes support 2 units
    over = s.encounter("cpr", date=D(2025, 1, 9), end_time=T(10, 22))  # 22 support only 1
    found = s.findings(EXCEED)
    assert _ids(found) == [over["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "151"
    assert f.message == (
        "Claimed units (2) exceed the 1 that 22 documented minutes in 15-minute units support."
    )
    assert f.amount_at_risk == Decimal("20.36")  # the one excess unit at the rate


def test_aba_midpoint_rule_and_the_charge_per_unit_when_there_is_no_rate() -> None:
    s = Scenario()
    s.encounter("aba", end_time=T(14, 53))  # 53 minutes: 4 units (midpoint of the 4th passed)
    priced = s.encounter("aba", date=D(2025, 1, 9), end_time=T(14, 52), charge=Decimal("100"))
    unpriced = s.encounter("aba", date=D(2025, 1, 10), end_time=T(14, 52))
    found = {f.subject_id: f for f in s.findings(EXCEED)}
    assert sorted(found) == sorted([priced["encounter_id"], unpriced["encounter_id"]])
    assert found[priced["encounter_id"]].amount_at_risk == Decimal("25.00")
    assert found[unpriced["encounter_id"]].amount_at_risk is None


def test_exceed_time_leaves_sst_untimed_codes_and_lines_without_units_to_others() -> None:
    s = Scenario()
    _aba_2018(s)
    s.encounter("sst", units=Decimal(2))  # 180 minutes, 2 half-days: SST-UNIT-HALF-DAY's
    s.encounter("aba", D(2018, 6, 1), service_code="0372T", units=Decimal(3))  # untimed
    s.encounter("cpr", end_time=T(10, 5), units=None)  # claims what the time supports
    s.encounter("cpr", end_time=None)  # GEN-TIME-MISSING's
    assert s.findings(EXCEED) == []


def test_end_before_start_supports_no_unit() -> None:
    s = Scenario()
    bad = s.encounter("cpr", start_time=T(10, 30), end_time=T(10, 0))
    found = s.findings(EXCEED)
    assert _ids(found) == [bad["encounter_id"]]
    assert found[0].message == (
        "Claimed units (2) exceed the 0 that documented times (end before start) support."
    )
    assert found[0].amount_at_risk == Decimal("40.72")


# ---------------------------------------------------------------- GEN-UNITS-UNDER-TIME


def test_fewer_units_than_the_time_supports_is_information_with_the_money_left() -> None:
    s = Scenario()
    s.encounter("cpr", end_time=T(10, 37))  # 37 minutes support 2: claimed 2
    under = s.encounter("cpr", date=D(2025, 1, 9), end_time=T(10, 38))  # 38 support 3
    result = s.audit([UNDER])
    assert _ids(result.findings) == [under["encounter_id"]]
    f = result.findings[0]
    assert f.severity == "info" and f.carc is None
    assert f.message == (
        "Claimed units (2) are fewer than the 3 that 38 documented minutes in 15-minute units "
        "support; the difference is not billed."
    )
    assert f.amount_at_risk == Decimal("20.36")
    assert result.summary()["amount_at_risk"] == "0.00"


def test_a_second_full_half_day_not_claimed_is_left_on_the_table() -> None:
    s = Scenario()
    s.encounter("sst", end_time=T(14, 59))  # 359 minutes: one full half-day only
    under = s.encounter("sst", date=D(2025, 1, 9), end_time=T(15, 0))
    found = s.findings(UNDER)
    assert _ids(found) == [under["encounter_id"]]
    assert found[0].amount_at_risk == Decimal("69.00")


# ---------------------------------------------------------------- GEN-UNTIMED-UNITS


def test_untimed_code_with_more_than_one_unit_per_session_is_an_error() -> None:
    s = Scenario()
    _aba_2018(s)
    s.encounter("aba", D(2018, 6, 1), service_code="0372T", units=Decimal(1))
    over = s.encounter(
        "aba", D(2018, 6, 2), service_code="0372T", units=Decimal(3), charge=Decimal("90")
    )
    found = s.findings(UNTIMED)
    assert _ids(found) == [over["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "151"
    assert f.message == (
        "Claimed units (3) exceed the 1 per session allowed for the untimed code 0372T."
    )
    assert f.amount_at_risk == Decimal("60.00")  # two excess units at $30 each


def test_0373t_is_untimed_before_2019_and_timed_from_2019() -> None:
    s = Scenario()
    _aba_2018(s)
    before = s.encounter("aba", D(2018, 12, 31), service_code="0373T", units=Decimal(4))
    s.encounter("aba", D(2019, 1, 2), service_code="0373T", units=Decimal(4))
    assert _ids(s.findings(UNTIMED)) == [before["encounter_id"]]


# ---------------------------------------------------------------- GEN-DAILY-MAX


def test_daily_maximum_exactly_reached_passes_and_the_line_that_passes_it_fails() -> None:
    s = Scenario()
    # 97153: 32 units a day. Eight 4-unit hours reach 32 exactly.
    for hour in range(8, 16):
        s.encounter("aba", start_time=T(hour, 0), end_time=T(hour + 1, 0))
    assert s.findings(DAILY) == []
    last = s.encounter("aba", start_time=T(16, 0), end_time=T(17, 0), charge=Decimal("80"))
    found = s.findings(DAILY)
    assert _ids(found) == [last["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "151"
    assert f.message == (
        "This line brings the client's units of 97153 on this day to 36; the daily maximum is 32."
    )
    assert f.amount_at_risk == Decimal("80.00")


def test_daily_maximum_counts_in_time_order_and_only_the_excess_is_at_risk() -> None:
    s = Scenario()
    late = s.encounter(
        "aba", start_time=T(17, 0), end_time=T(18, 0), units=Decimal(4), charge=Decimal("40")
    )
    s.encounter("aba", start_time=T(8, 0), end_time=T(15, 30), units=Decimal(30))
    # another day, another code and another client are counted apart
    s.encounter("aba", D(2025, 1, 9), start_time=T(8, 0), end_time=T(15, 30), units=Decimal(30))
    s.encounter("aba", service_code="97155", start_time=T(19, 0), end_time=T(20, 0))
    found = s.findings(DAILY)
    assert _ids(found) == [late["encounter_id"]]
    assert found[0].amount_at_risk == Decimal("20.00")  # 2 of its 4 units, at $10 each
    assert "to 34;" in found[0].message


def test_daily_maximum_is_not_applied_before_the_code_has_one() -> None:
    s = Scenario()
    _aba_2018(s)
    # 0373T has a daily maximum (32) only from 2019
    s.encounter("aba", D(2018, 6, 1), service_code="0373T", units=Decimal(1))
    s.encounter("aba", D(2018, 6, 1), service_code="0373T", units=Decimal(1), start_time=T(16, 0))
    s.encounter("cpr", units=Decimal(40), end_time=T(20, 0))  # H2017 has no daily maximum
    assert s.findings(DAILY) == []


# ---------------------------------------------------------------- SST-UNIT-HALF-DAY


def test_half_day_needs_180_minutes_per_unit() -> None:
    s = Scenario()
    s.encounter("sst")  # 09:00-12:00, 1 unit
    s.encounter("sst", D(2025, 1, 9), end_time=T(15, 0), units=Decimal(2))
    short = s.encounter("sst", D(2025, 1, 10), end_time=T(11, 59))
    two = s.encounter("sst", D(2025, 1, 13), end_time=T(14, 0), units=Decimal(2))
    found = {f.subject_id: f for f in s.findings(HALF_DAY)}
    assert sorted(found) == sorted([short["encounter_id"], two["encounter_id"]])
    f = found[short["encounter_id"]]
    assert f.severity == "error" and f.carc == "151"
    assert f.message == (
        "The encounter documents 179 minutes, short of the 180 minutes that the 1 half-day "
        "unit(s) claimed need."
    )
    assert f.amount_at_risk == Decimal("69.00")
    # 300 minutes cover one of the two half-days
    assert found[two["encounter_id"]].amount_at_risk == Decimal("69.00")
    assert "short of the 360 minutes" in found[two["encounter_id"]].message


def test_half_day_rule_is_for_sst_only() -> None:
    s = Scenario()
    s.encounter("cpr", end_time=T(10, 5), units=Decimal(2))
    s.encounter("sst", end_time=T(10, 0), billable=False)
    assert s.findings(HALF_DAY) == []


# ---------------------------------------------------------------- against the policy's rounding

PROGRAMS = ("cpr", "sud", "aba", "sst")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    lines=st.lists(
        st.tuples(
            st.sampled_from(PROGRAMS),
            st.integers(min_value=0, max_value=720),
            st.integers(min_value=0, max_value=12),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_unit_rules_agree_with_the_policy_rounding(lines: list[tuple[str, int, int]]) -> None:
    s = Scenario()
    expected: set[tuple[str, str]] = set()
    on = D(2025, 1, 8)
    for n, (program, minutes, units) in enumerate(lines):
        date = on + dt.timedelta(days=n)
        start = dt.datetime.combine(date, T(8, 0))
        end = (start + dt.timedelta(minutes=minutes)).time()
        e = s.encounter(program, date, start_time=T(8, 0), end_time=end, units=Decimal(units))
        code, mods = LINE[program][0], LINE[program][1]
        service = policy().service(code, mods, date)
        assert service is not None and service.rounding is not None
        unit = service.unit_minutes
        supported = units_for_minutes(minutes, unit, service.rounding.value)
        eid = e["encounter_id"]
        if units < supported:
            expected.add((UNDER, eid))
        if program == "sst":
            assert unit is not None
            if minutes < unit * units:
                expected.add((HALF_DAY, eid))
        elif units > supported:
            expected.add((EXCEED, eid))
    found = {(f.rule, f.subject_id) for f in s.audit([EXCEED, UNDER, HALF_DAY]).findings}
    assert found == expected


# ---------------------------------------------------------------- one rule code, any engine


def _findings(s: Scenario, engine: SparkEngine | None = None) -> list[tuple[Any, ...]]:
    return sorted(
        (f.rule, f.subject_id, f.message, f.amount_at_risk)
        for f in s.audit(ALL, engine=engine).findings
    )


def test_spark_finds_the_same_as_duckdb(spark_engine: SparkEngine) -> None:
    s = Scenario()
    _aba_2018(s)
    s.encounter("cpr", end_time=None)
    s.encounter("sud", start_time=None, end_time=None)
    s.encounter("cpr", D(2025, 1, 9), end_time=T(10, 22))
    s.encounter("cpr", D(2025, 1, 10), end_time=T(10, 38))
    s.encounter("aba", D(2018, 6, 2), service_code="0372T", units=Decimal(3))
    s.encounter("aba", start_time=T(8, 0), end_time=T(15, 30), units=Decimal(30))
    s.encounter("aba", start_time=T(17, 0), end_time=T(18, 0), charge=Decimal("40"))
    s.encounter("aba", start_time=None, end_time=T(19, 0), charge=Decimal("40"))
    s.encounter("sst", D(2025, 1, 10), end_time=T(11, 59))
    on_duckdb = _findings(s)
    assert {rule for rule, *_ in on_duckdb} == set(ALL)
    assert _findings(s, spark_engine) == on_duckdb

"""GEN-RATE."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from caseledger.audit.engine import run_audit
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.engines import SparkEngine
from caseledger.policy import load_policy
from tests.rules.scenario import AS_OF, D, Scenario, T

RATE = "GEN-RATE"

#: An agency's override: H2017 HO is paid $21.00 a quarter hour from 2025-02-01.
NEW_RATE = """
pack: acme-cpr
version: "2025.1"
extends: cpr
services:
  H2017HO:
    rates:
      value: 21.00
      cite: DMH rate notice 2025
      from: 2025-02-01
"""


def test_charges_at_the_fee_schedule_pass() -> None:
    s = Scenario()
    s.encounter("sst")  # $69.00 for one half-day
    s.encounter("cpr")  # $40.72 for 2 x $20.36
    s.encounter("cpr", modifiers=("HO", "HQ"), group_id="GS1", charge=Decimal("10.18"))
    s.encounter("cpr", service_code="H2017P", modifiers=(), charge=Decimal("35.44"))
    s.encounter("cpr", units=None)  # 30 minutes claim 2 units: $40.72
    assert s.findings(RATE) == []


def test_a_charge_above_the_fee_schedule_is_a_warning_with_both_amounts() -> None:
    s = Scenario()
    over = s.encounter("cpr", charge=Decimal("45.00"))
    found = s.findings(RATE)
    assert [f.subject_id for f in found] == [over["encounter_id"]]
    f = found[0]
    assert f.severity == "warning" and f.carc == "45"
    assert f.message == (
        "The charge of $45.00 differs from the fee schedule amount of $40.72 (2 × $20.36)."
    )
    assert f.amount_at_risk == Decimal("4.28")
    assert (f.client_id, f.staff_id, f.date) == ("C-CPR", "S-LPC", D(2025, 1, 8))


def test_a_charge_below_the_fee_schedule_is_reported_with_nothing_at_risk() -> None:
    s = Scenario()
    s.encounter("sst", charge=Decimal("60"))
    found = s.findings(RATE)
    assert len(found) == 1
    assert found[0].message == (
        "The charge of $60.00 differs from the fee schedule amount of $69.00 (1 × $69.00)."
    )
    assert found[0].amount_at_risk == Decimal("0.00")


def test_half_a_cent_is_rounding_and_more_is_a_difference() -> None:
    s = Scenario()
    s.encounter("cpr", charge=Decimal("40.725"))
    s.encounter("cpr", D(2025, 1, 9), charge=Decimal("40.715"))
    over = s.encounter("cpr", D(2025, 1, 10), charge=Decimal("40.726"))
    under = s.encounter("cpr", D(2025, 1, 13), charge=Decimal("40.714"))
    assert sorted(f.subject_id for f in s.findings(RATE)) == sorted(
        [over["encounter_id"], under["encounter_id"]]
    )


def test_unknown_rates_missing_charges_and_unbilled_lines_are_not_compared() -> None:
    s = Scenario()
    s.encounter("aba", charge=Decimal("999"))  # 97153: no rate in the sources
    s.encounter("sud", charge=Decimal("999"))  # CSW: no rate in the sources
    s.encounter("cpr", charge=None)
    s.encounter("cpr", charge=Decimal("999"), billable=False)
    s.encounter("cpr", charge=Decimal("999"), service_code="H9999")  # GEN-CODE-UNKNOWN's
    assert s.findings(RATE) == []


def test_fractional_units_show_as_they_are_claimed() -> None:
    s = Scenario()
    s.encounter("sst", units=Decimal("1.5"), end_time=T(13, 30), charge=Decimal("69"))
    found = s.findings(RATE)
    assert len(found) == 1
    assert found[0].message.endswith("of $103.50 (1.5 × $69.00).")


def test_a_rate_change_in_an_override_pack_applies_from_its_date(tmp_path: Path) -> None:
    pack = tmp_path / "acme-cpr.yaml"
    pack.write_text(NEW_RATE)
    policy = load_policy([pack], environ={})
    s = Scenario()
    s.encounter("cpr", D(2025, 1, 31))  # $40.72: the seed's rate until 2025-01-31
    old = s.encounter("cpr", D(2025, 2, 3))  # still $40.72, but the rate is now $21.00
    new = s.encounter("cpr", D(2025, 2, 4), charge=Decimal("42.00"))
    facts = facts_from_dataset(s.dataset())
    result = run_audit(facts, policy, as_of=AS_OF, only=[RATE])
    assert [f.subject_id for f in result.findings] == [old["encounter_id"]]
    assert result.findings[0].message == (
        "The charge of $40.72 differs from the fee schedule amount of $42.00 (2 × $21.00)."
    )
    # under the built-in packs alone the rate stays $20.36
    assert [f.subject_id for f in s.findings(RATE)] == [new["encounter_id"]]


@settings(max_examples=20, deadline=None)
@given(
    lines=st.lists(
        st.tuples(st.integers(min_value=0, max_value=8), st.integers(min_value=0, max_value=20000)),
        min_size=1,
        max_size=6,
    )
)
def test_a_line_is_reported_exactly_when_its_cents_differ(lines: list[tuple[int, int]]) -> None:
    s = Scenario()
    expected = set()
    for n, (units, cents) in enumerate(lines):
        charge = Decimal(cents) / 100
        e = s.encounter("cpr", D(2025, 1, 1 + n), units=Decimal(units), charge=charge)
        if charge != Decimal("20.36") * units:
            expected.add(e["encounter_id"])
    assert {f.subject_id for f in s.findings(RATE)} == expected


def _findings(s: Scenario, engine: SparkEngine | None = None) -> list[tuple[Any, ...]]:
    return sorted(
        (f.subject_id, f.message, f.amount_at_risk) for f in s.audit([RATE], engine=engine).findings
    )


def test_spark_finds_the_same_as_duckdb(spark_engine: SparkEngine) -> None:
    s = Scenario()
    s.encounter("cpr", charge=Decimal("45.00"))
    s.encounter("cpr", D(2025, 1, 9), charge=Decimal("40.725"))
    s.encounter("sst", charge=Decimal("60"))
    s.encounter("sst", D(2025, 1, 9), units=Decimal("1.5"), end_time=T(13, 30))
    s.encounter("cpr", D(2025, 1, 10), units=None, charge=Decimal("20.36"))
    on_duckdb = _findings(s)
    assert len(on_duckdb) == 4
    assert _findings(s, spark_engine) == on_duckdb

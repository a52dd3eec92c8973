"""An agency's override pack changes values from its own dates, through the same registration
as the built-in packs, and every version keeps its own citation."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from caseledger.policy import Registry, builtin_pack_files, load_policy
from caseledger.policy.layering import layer
from caseledger.policy.schema import Dated
from tests.policy.conftest import KNOWN, WritePack

D = dt.date
SEED_CAP = "000_970f1571fa3cbd2e.txt, Service limitations"

NEW_CAP = """
pack: acme-sst
version: "2027.1"
extends: sst
params:
  lifetime_half_days:
    value: 30
    unit: half_days
    cite: DHSS memo 2026-14
    from: 2027-01-01
services:
  SST:
    rates:
      value: 72.50
      cite: DHSS rate notice 2027
      from: 2027-01-01
"""


def test_an_override_changes_a_value_from_its_date_only(write_pack: WritePack) -> None:
    path = write_pack(NEW_CAP)
    policy = load_policy([path], environ={}, known=KNOWN)
    before = policy.param("SST-LIFETIME-CAP", "lifetime_half_days", D(2026, 12, 31))
    after = policy.param("SST-LIFETIME-CAP", "lifetime_half_days", D(2027, 1, 1))
    assert (before.value, before.cite, before.end) == (26, SEED_CAP, D(2026, 12, 31))
    assert (after.value, after.cite, after.end) == (30, "DHSS memo 2026-14", None)
    assert before.origin == "sst.yaml" and after.origin == str(path)
    old_rate = policy.service("SST", [], D(2026, 12, 31))
    new_rate = policy.service("SST", [], D(2027, 1, 1))
    assert old_rate is not None and old_rate.rate is not None
    assert new_rate is not None and new_rate.rate is not None
    assert old_rate.rate.value == Decimal("69.00") and "000_970f1571fa3cbd2e" in old_rate.rate.cite
    assert new_rate.rate.value == Decimal("72.50")
    assert new_rate.rate.cite == "DHSS rate notice 2027"
    # the rest of the service is untouched
    assert new_rate.unit_minutes == 180
    assert policy.versions()["sst"].startswith("1.0 + acme-sst 2027.1 sha256:")


def test_an_override_for_a_bounded_period_resumes_the_base_value(write_pack: WritePack) -> None:
    path = write_pack(
        """
        pack: pilot
        version: "1"
        extends: sst
        params:
          lifetime_half_days:
            value: 40
            unit: half_days
            cite: Pilot waiver
            from: 2025-01-01
            to: 2025-12-31
        """
    )
    policy = load_policy([path], environ={})
    values = [
        policy.param("sst", "lifetime_half_days", day).value
        for day in (D(2024, 12, 31), D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 1))
    ]
    assert values == [26, 40, 40, 26]
    resumed = policy.param("sst", "lifetime_half_days", D(2026, 1, 1))
    assert resumed.cite == SEED_CAP and resumed.start == D(2026, 1, 1)


def test_builtins_and_overrides_register_through_the_same_call(write_pack: WritePack) -> None:
    registry = Registry(KNOWN)
    for path in builtin_pack_files():
        registry.register(path)
    registry.register(write_pack(NEW_CAP))
    policy = registry.build()
    files = [pf.display for pf in policy.packs["sst"].files]
    assert files[0] == "sst.yaml" and len(files) == 2


def test_the_environment_variable_adds_override_files(write_pack: WritePack) -> None:
    first = write_pack(NEW_CAP, "first.yaml")
    second = write_pack(
        """
        pack: later
        version: "2"
        extends: sst
        params:
          lifetime_half_days: {value: 32, unit: half_days, cite: Later memo, from: 2028-01-01}
        """,
        "second.yaml",
    )
    environ = {"CASELEDGER_POLICY_PATH": os.pathsep.join([str(first), str(second)])}
    policy = load_policy(environ=environ)
    cap = [policy.param("sst", "lifetime_half_days", D(y, 1, 1)).value for y in (2026, 2027, 2028)]
    assert cap == [26, 30, 32]
    # extra files come after the environment's, so they win on the days they cover
    third = write_pack(
        """
        pack: last
        version: "3"
        extends: sst
        params:
          lifetime_half_days: {value: 33, unit: half_days, cite: Last memo, from: 2028-01-01}
        """,
        "third.yaml",
    )
    policy = load_policy([third], environ=environ)
    assert policy.param("sst", "lifetime_half_days", D(2029, 1, 1)).value == 33
    assert "last 3" in policy.versions()["sst"]


def test_an_override_can_add_a_service_and_change_a_rule(write_pack: WritePack) -> None:
    path = write_pack(
        """
        pack: acme-aba
        version: "1"
        extends: aba
        services:
          "97153":
            rates: {value: 16.50, cite: MO HealthNet fee schedule 2025, from: 2025-01-01}
          H0032:
            name: Mental health service plan development by a non-physician
            cite: Payer contract 2025, attachment B
            from: 2025-01-01
            rates: {value: 40.00, cite: Payer contract 2025, from: 2025-01-01}
        rules:
          ABA-GROUP-SIZE:
            severity: warning
        """
    )
    policy = load_policy([path], environ={}, known=KNOWN)
    added = policy.service("H0032", [], D(2025, 6, 1))
    assert added is not None and added.rate_amount == Decimal("40.00")
    # the pack's defaults fill the terms the new service leaves out
    assert added.unit_minutes == 15 and added.rounding is not None
    rated = policy.service("97153", [], D(2025, 6, 1))
    assert rated is not None and rated.rate_amount == Decimal("16.50")
    unrated = policy.service("97153", [], D(2024, 12, 31))
    assert unrated is not None and unrated.rate is not None and unrated.rate.value is None
    rule = policy.rule("ABA-GROUP-SIZE")
    assert rule.severity == "warning" and rule.description and rule.carc == "151"


def test_an_override_can_replace_a_value_entirely(write_pack: WritePack) -> None:
    path = write_pack(
        """
        pack: acme
        version: "1"
        extends: sst
        params:
          near_cap_remaining: {value: 5, unit: half_days, cite: Agency policy 12, from: 2008-01-01}
        """
    )
    policy = load_policy([path], environ={})
    history = policy.packs["sst"].pack.params["near_cap_remaining"]
    assert [(v.value, v.cite) for v in history] == [(5, "Agency policy 12")]


def _dated(value: int, start: dt.date, end: dt.date | None) -> Dated[int]:
    data = {"value": value, "cite": f"c{value}", "from": start, "to": end}
    return Dated[int].model_validate(data)


@st.composite
def periods(draw: st.DrawFn, first_value: int) -> list[Dated[int]]:
    start = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2005, 1, 1)))
    out = []
    for i, length in enumerate(draw(st.lists(st.integers(1, 800), min_size=1, max_size=4))):
        end = start + dt.timedelta(days=length - 1)
        out.append(_dated(first_value + i, start, end))
        start = end + dt.timedelta(days=draw(st.integers(1, 400)))
    return out


@given(base=periods(0), top=periods(100), on=st.dates(D(1999, 1, 1), D(2012, 1, 1)))
def test_layering_keeps_the_top_on_its_days_and_the_base_elsewhere(
    base: list[Dated[int]], top: list[Dated[int]], on: dt.date
) -> None:
    merged = layer(base, top)

    def at(versions: list[Dated[int]]) -> list[Dated[int]]:
        return [v for v in versions if v.from_ <= on and (v.to is None or on <= v.to)]

    found = at(merged)
    assert len(found) <= 1
    expected = at(top) or at(base)
    assert [(v.value, v.cite) for v in found] == [(v.value, v.cite) for v in expected]

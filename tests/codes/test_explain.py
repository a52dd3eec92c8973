"""A service code explained from the packs: 0372T ended on 2018-12-31."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from caseledger.cli import app
from caseledger.codes.explain import explain
from caseledger.policy import load_policy

runner = CliRunner()


def test_0372t_is_in_force_through_2018_and_replaced_from_2019() -> None:
    policy = load_policy(environ={})
    before = explain(policy, "0372T", dt.date(2018, 12, 31))
    assert before.known and before.status is not None and before.status.in_force
    after = explain(policy, "0372t", dt.date(2019, 1, 1))
    assert after.status is not None and not after.status.in_force
    assert "97153" in after.status.replaced_by
    assert after.periods and after.periods[0].end == dt.date(2018, 12, 31)
    units = [t for p in after.periods for t in p.terms if t.name == "unit"]
    assert units and "untimed" in units[0].value and units[0].cite
    assert "ABA-GROUP-SIZE" in {r.id for r in after.rules}
    assert "PSR-GROUP-SIZE" not in {r.id for r in after.rules}


def test_a_rate_and_its_citation_come_from_the_pack() -> None:
    e = explain(load_policy(environ={}), "H2017", dt.date(2025, 1, 1))
    rates = [t for p in e.periods for t in p.terms if t.name == "rate per unit"]
    assert rates and all(t.cite for t in rates) and any(t.value.startswith("$") for t in rates)


def test_an_unknown_code() -> None:
    assert not explain(load_policy(environ={}), "ZZ999", dt.date(2025, 1, 1)).known
    done = runner.invoke(app, ["code", "explain", "ZZ999"])
    assert done.exit_code != 0 and "no policy pack knows" in done.output


def test_explain_on_the_command_line() -> None:
    done = runner.invoke(app, ["code", "explain", "0372T", "--date", "2019-01-01"])
    assert done.exit_code == 0 and "deleted" in done.output and "97153" in done.output

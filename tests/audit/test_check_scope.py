"""A rule that says it reads only some programs' encounters (``RuleDef.programs``) finds exactly
the same with every other program's encounters taken away: so the single-encounter check may
leave it out for an encounter of another program."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

import pytest
from typer.testing import CliRunner

from caseledger.audit.engine import builtin_rules, run_audit
from caseledger.cli import app
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.dataset import Dataset, read_dataset
from caseledger.policy import load_policy
from tests.rules.examples import EXAMPLES
from tests.rules.scenario import AS_OF

runner = CliRunner()
SCOPED = sorted({p for d in builtin_rules().values() for p in d.programs or ()})


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, dt.date]:
    folder = tmp_path_factory.mktemp("scope") / "data"
    args = ["demo", "generate", str(folder), "--clients", "40", "--months", "6", "--seed", "9"]
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    as_of = dt.date.fromisoformat(json.loads((folder / "demo.json").read_text())["as_of"])
    return read_dataset(folder).dataset, as_of


def _findings(dataset: Dataset, only: list[str], as_of: dt.date) -> set[tuple[str, ...]]:
    result = run_audit(facts_from_dataset(dataset), load_policy(environ={}), as_of=as_of,
                       only=only)  # fmt: skip
    return {(f.rule, f.subject_type, f.subject_id, f.message) for f in result.findings}


@pytest.mark.parametrize("program", SCOPED)
def test_scoped_rules_are_blind_to_other_programs(
    agency: tuple[Dataset, dt.date], program: str
) -> None:
    dataset, as_of = agency
    policy = load_policy(environ={})
    rules = sorted(r.id for r in builtin_rules().values() if r.programs and program in r.programs)
    assert rules

    def of_program(e: Mapping[str, object]) -> bool:
        day, mods = e.get("date"), e.get("modifiers")
        if not isinstance(day, dt.date):
            return False
        service = policy.service(str(e.get("service_code") or ""),
                                 mods if isinstance(mods, tuple) else (), day)  # fmt: skip
        return service is not None and service.program == program

    encounters = dataset.rows("encounters")
    kept = [e for e in encounters if of_program(e)]
    assert 0 < len(kept) < len(encounters)
    narrowed = Dataset({**dataset.tables, "encounters": kept})
    full = _findings(dataset, rules, as_of)
    assert full, f"the planted agency gives {program}'s rules nothing to find"
    assert _findings(narrowed, rules, as_of) == full


ONE_LINE = sorted(r.id for r in builtin_rules().values() if r.one_line)


def test_one_line_rules_find_the_same_on_each_encounter_alone(
    agency: tuple[Dataset, dt.date],
) -> None:
    """A rule that says it reads only an encounter's own line (``RuleDef.one_line``) finds on
    the whole agency what it finds on the agency's encounters split three ways, and only on
    encounters: no line changes what it finds on another. Split three ways rather than one by
    one, to stay quick; a rule that counted a client's day, month or history would find less."""
    dataset, as_of = agency
    assert ONE_LINE
    encounters = dataset.rows("encounters")
    full = _findings(dataset, ONE_LINE, as_of)
    parts = [
        _findings(Dataset({**dataset.tables, "encounters": encounters[i::3]}), ONE_LINE, as_of)
        for i in range(3)
    ]
    assert {f[1] for f in full} == {"encounter"}
    assert set().union(*parts) == full
    assert len({f[0] for f in full}) >= len(ONE_LINE) // 2, "too few of the rules find anything"


@pytest.mark.parametrize("rule", ONE_LINE)
def test_a_one_line_rule_finds_its_failing_example_on_each_line_alone(rule: str) -> None:
    """Each finding of the rule's failing example (tests/rules/examples.py) stands, word for
    word, with its line the only encounter: a rule that counted the client's other lines that
    day (GEN-DAILY-MAX) or that meeting (CSW-MEETING-UNITS) would lose it."""
    example = EXAMPLES[rule]
    s = example.fails()
    as_of = example.as_of or AS_OF
    found = {(f.subject_id, f.message) for f in s.findings(rule, as_of=as_of)}
    assert found and all(f.subject_type == "encounter" for f in s.findings(rule, as_of=as_of))
    lines = s.tables["encounters"]
    for subject, message in found:
        s.tables["encounters"] = [e for e in lines if e["encounter_id"] == subject]
        alone = {(f.subject_id, f.message) for f in s.findings(rule, as_of=as_of)}
        assert alone == {(subject, message)}, f"{rule} on {subject} alone finds {alone}"


ONE_DAY = sorted(r.id for r in builtin_rules().values() if r.one_day)


def test_one_day_rules_find_the_same_on_the_dates_apart(
    agency: tuple[Dataset, dt.date],
) -> None:
    """A rule that says it reads one date's lines at a time (``RuleDef.one_day``) finds on the
    whole agency what it finds on the agency's encounters split three ways by date: a rule that
    counted a client's week, month or history would find less (or more)."""
    dataset, as_of = agency
    assert ONE_DAY
    encounters = dataset.rows("encounters")

    def part(i: int) -> list[Mapping[str, object]]:
        return [
            e for e in encounters if isinstance(d := e["date"], dt.date) and d.toordinal() % 3 == i
        ]

    full = _findings(dataset, ONE_DAY, as_of)
    parts = [
        _findings(Dataset({**dataset.tables, "encounters": part(i)}), ONE_DAY, as_of)
        for i in range(3)
    ]
    assert set().union(*parts) == full
    assert len({f[0] for f in full}) >= 2, "too few of the rules find anything"


@pytest.mark.parametrize("rule", ONE_DAY)
def test_a_one_day_rule_finds_its_failing_example_on_each_date_alone(rule: str) -> None:
    """Each finding of the rule's failing example stands, word for word, with only the lines
    of its date, and the example's other dates add nothing to it."""
    example = EXAMPLES[rule]
    s = example.fails()
    as_of = example.as_of or AS_OF
    found = {(f.subject_id, f.message) for f in s.findings(rule, as_of=as_of)}
    assert found
    lines = s.tables["encounters"]
    days = {e["date"] for e in lines}
    alone: set[tuple[str, str]] = set()
    for day in days:
        s.tables["encounters"] = [e for e in lines if e["date"] == day]
        alone |= {(f.subject_id, f.message) for f in s.findings(rule, as_of=as_of)}
    assert alone == found

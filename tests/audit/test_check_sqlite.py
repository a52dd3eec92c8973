"""The single-encounter check runs its rules on SQLite where SQLite can run them
(``caseledger.facts.sqlite_rows``): the one-line and one-day rules always, the rules that read
the client's history when the history is a kept one. Each such rule finds there, on its failing
and its passing example, the rows it finds on DuckDB, and so the same findings, message for
message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from caseledger.audit.check import HISTORY_ON_DUCKDB
from caseledger.audit.engine import CompiledAudit, builtin_rules, to_finding
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.sqlite_rows import SQLiteRows
from tests.rules.examples import EXAMPLES
from tests.rules.scenario import AS_OF, policy

RULES = builtin_rules()
ONE_LINE = sorted(r.id for r in RULES.values() if r.one_line)
ONE_DAY = sorted(r.id for r in RULES.values() if r.one_day and not r.one_line)
HISTORY = sorted(
    r.id
    for r in RULES.values()
    if r.kind == "structured" and not r.one_line and not r.one_day and r.id not in HISTORY_ON_DUCKDB
)
#: those SQLite cannot run. SST-SIMILAR-SERVICE reads a list's elements one by one (``unnest``);
#: PSR-GROUP-SIZE and CSW-MISSED-FOLLOWUP use forms Ibis does not write for SQLite (a timestamp
#: shift, a time difference). They run on the lanes' DuckDB.
ON_DUCKDB = {"SST-SIMILAR-SERVICE", "PSR-GROUP-SIZE", "CSW-MISSED-FOLLOWUP"}


def _key(row: dict[str, Any]) -> str:
    return repr(sorted(row.items()))


@pytest.mark.parametrize("bad", [True, False], ids=["failing", "passing"])
@pytest.mark.parametrize("rule", ONE_LINE + ONE_DAY + HISTORY)
def test_a_rule_finds_on_sqlite_what_it_finds_on_duckdb(rule: str, bad: bool) -> None:
    example = EXAMPLES[rule]
    s = example.fails() if bad else example.passes()
    as_of: dt.date = example.as_of or AS_OF
    pol = policy()
    facts = facts_from_dataset(s.dataset())
    expr = CompiledAudit(facts, pol, [RULES[rule]], as_of).parts[rule]
    raw = facts.engine.raw  # type: ignore[attr-defined]
    small = SQLiteRows()
    try:
        statement = small.statement(
            expr, fixed=lambda name: raw.sql(f'SELECT * FROM "{name}"').to_arrow_table()
        )
        if rule in ON_DUCKDB:
            assert statement is None
            return
        assert statement is not None, f"{rule} no longer runs on SQLite"
        on_sqlite = sorted(small.run(statement), key=_key)
    finally:
        small.close()
    on_duckdb = sorted(facts.engine.execute(expr).to_pylist(), key=_key)
    assert on_sqlite == on_duckdb
    assert bool(on_duckdb) == bad, "the example should find something only when failing"
    meta = {m.id: m for m in pol.rules()}[rule]
    assert [to_finding(meta, RULES[rule], r) for r in on_sqlite] == [
        to_finding(meta, RULES[rule], r) for r in on_duckdb
    ]


def test_most_rules_run_on_sqlite() -> None:
    """The check gains only for the rules that run on SQLite: all but those named above."""
    assert set(ONE_LINE + ONE_DAY + HISTORY) > ON_DUCKDB
    assert len(ONE_LINE) >= 28
    assert len(ONE_DAY) >= 4
    assert len(ONE_LINE + ONE_DAY + HISTORY) - len(ON_DUCKDB) >= 45

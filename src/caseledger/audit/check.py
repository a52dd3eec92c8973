"""The single-encounter check: the same rules, on the slice of facts one encounter touches.

The structured rules are built and compiled to SQL once per "today" (``as_of``) and kept; a
check only loads the slice into the same table names and runs the compiled query, so the cost of a
check is the cost of the data, not of building sixty rules. The findings an encounter *causes*
on others (a ninth group member makes the group too large) are the findings of the slice with the
encounter that are not there without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from caseledger.audit.engine import (
    AuditResult,
    CompiledAudit,
    builtin_rules,
    select_rules,
    to_finding,
)
from caseledger.audit.findings import Finding, sort_key
from caseledger.facts.columnar import Facts, arrow_table
from caseledger.facts.dataset import Dataset
from caseledger.facts.engines import DuckDBEngine
from caseledger.facts.schema import TABLES
from caseledger.policy import Policy, RuleMeta
from caseledger.rules.context import NoteContext
from caseledger.rules.registry import RuleDef


@dataclass
class CheckResult:
    encounter_id: str
    #: findings about the encounter itself
    own: list[Finding]
    #: findings on other subjects that this encounter brings about
    caused: list[Finding]

    @property
    def findings(self) -> list[Finding]:
        return self.own + self.caused

    @property
    def blocking(self) -> bool:
        """Whether an error stands in the way of billing the encounter."""
        return any(f.severity == "error" and not f.suppressed for f in self.findings)


@dataclass
class _Compiled:
    sql: str
    audit: CompiledAudit


@dataclass
class EncounterChecker:
    """Keeps one in-process DuckDB database and the compiled rules; check many encounters."""

    policy: Policy
    rules: Mapping[str, RuleDef] | None = None
    analyzer: Any = None
    _engine: DuckDBEngine = field(init=False)
    _compiled: dict[dt.date, _Compiled] = field(default_factory=dict, init=False)
    _defs: list[RuleDef] = field(init=False)
    _metas: dict[str, RuleMeta] = field(init=False)

    def __post_init__(self) -> None:
        self._engine = DuckDBEngine(threads=1)
        defs = self.rules if self.rules is not None else builtin_rules()
        self._defs = select_rules(defs, self.policy)
        self._metas = {m.id: m for m in self.policy.rules()}
        self._facts = Facts(
            self._engine,
            {t.name: self._engine.register(t.name, arrow_table(t, ())) for t in TABLES},
            frozenset(t.name for t in TABLES),
        )

    def _compile(self, as_of: dt.date) -> _Compiled:
        found = self._compiled.get(as_of)
        if found is None:
            audit = CompiledAudit(self._facts, self.policy, self._defs, as_of)
            sql = str(self._engine.backend.compile(audit.expr)) if audit.expr is not None else ""
            found = _Compiled(sql, audit)
            self._compiled[as_of] = found
        return found

    def _load(self, dataset: Dataset) -> None:
        raw = self._engine.raw
        for t in TABLES:
            raw.register(t.name, arrow_table(t, dataset.rows(t.name)))

    def _run(self, dataset: Dataset, as_of: dt.date) -> list[Finding]:
        compiled = self._compile(as_of)
        self._load(dataset)
        by_id = {d.id: d for d in self._defs}
        findings: list[Finding] = []
        if compiled.sql:
            for row in self._engine.raw.sql(compiled.sql).to_arrow_table().to_pylist():
                findings.append(to_finding(self._metas[row["rule"]], by_id[row["rule"]], row))
        notes = [d for d in self._defs if d.kind == "note" and d.check is not None]
        if notes:
            ctx = NoteContext(
                self._facts, compiled.audit.policy_tables, as_of, self.policy, self.analyzer
            )
            for d in notes:
                assert d.check is not None
                findings.extend(to_finding(self._metas[d.id], d, r) for r in d.check(ctx))
        return findings

    def check(self, dataset: Dataset, encounter_id: str, *, as_of: dt.date) -> CheckResult:
        """Checks encounter ``encounter_id`` of the slice ``dataset`` (see
        ``caseledger.store.slices.encounter_slice``)."""
        with_it = self._run(dataset, as_of)
        own = [f for f in with_it if f.subject_type == "encounter" and f.subject_id == encounter_id]
        others = [f for f in with_it if f not in own]
        caused: list[Finding] = []
        if others:
            without = Dataset(
                {
                    **dataset.tables,
                    "encounters": [
                        e for e in dataset.rows("encounters") if e["encounter_id"] != encounter_id
                    ],
                }
            )
            before = {(f.rule, f.subject_type, f.subject_id) for f in self._run(without, as_of)}
            caused = [f for f in others if (f.rule, f.subject_type, f.subject_id) not in before]
        own.sort(key=sort_key)
        caused.sort(key=sort_key)
        return CheckResult(encounter_id, own, caused)

    def close(self) -> None:
        self._engine.close()


def as_result(check: CheckResult, policy: Policy, as_of: dt.date) -> AuditResult:
    """The check's findings in the shape of an audit, for the same outputs."""
    return AuditResult(as_of, policy.versions(), check.findings, [])

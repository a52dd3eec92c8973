"""Running the rules: every structured rule is built once, all of them are combined into one
query, and the engine runs it in a single pass; note rules run in Python over the notes.

The same function serves a whole dataset (the batch audit) and the slice of facts one encounter
touches (the per-encounter check): only the facts differ.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

from caseledger.audit.findings import Finding, sort_key
from caseledger.audit.messages import render
from caseledger.facts.columnar import Facts
from caseledger.facts.policy_frames import policy_frames
from caseledger.policy import Policy, RuleMeta
from caseledger.rules.context import NoteContext, RuleContext
from caseledger.rules.registry import FINDING_COLUMNS, RuleDef, registered

FACTS_MISSING = "GEN-FACTS-MISSING"
CENT = Decimal("0.01")


def builtin_rules() -> dict[str, RuleDef]:
    """The registered rules, after importing the built-in rule modules."""
    importlib.import_module("caseledger.rules")
    return registered()


@dataclass
class AuditResult:
    as_of: dt.date
    policy_versions: dict[str, str]
    findings: list[Finding]
    rules_checked: list[str]
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        by_rule: dict[str, dict[str, Any]] = {}
        by_severity = {"error": 0, "warning": 0, "info": 0}
        total = Decimal(0)
        suppressed = 0
        for f in self.findings:
            if f.suppressed:
                suppressed += 1
                continue
            entry = by_rule.setdefault(
                f.rule, {"severity": f.severity, "count": 0, "amount_at_risk": Decimal(0)}
            )
            entry["count"] += 1
            by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
            if f.amount_at_risk is not None and f.severity == "error":
                entry["amount_at_risk"] += f.amount_at_risk
                total += f.amount_at_risk
        return {
            "findings": sum(by_severity.values()),
            "by_severity": by_severity,
            "amount_at_risk": str(total.quantize(CENT)),
            "suppressed": suppressed,
            "rules_checked": len(self.rules_checked),
            "by_rule": {
                rule: {**v, "amount_at_risk": str(v["amount_at_risk"].quantize(CENT))}
                for rule, v in sorted(by_rule.items())
            },
        }

    def to_dict(self) -> dict[str, Any]:
        start, end = self.period
        return {
            "as_of": self.as_of.isoformat(),
            "period": {
                "from": start.isoformat() if start else None,
                "to": end.isoformat() if end else None,
            },
            "policy": self.policy_versions,
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary(),
        }


def standardize(expr: ir.Table, rule_id: str) -> ir.Table:
    """The rule's rows with exactly the finding columns, in order, plus the rule id."""
    cols: dict[str, Any] = {}
    for name, dtype in FINDING_COLUMNS.items():
        if name in expr.columns:
            cols[name] = expr[name].cast(dtype)
        else:
            cols[name] = ibis.null(dtype)
    cols["rule"] = ibis.literal(rule_id, type="string")
    return expr.select(**cols)


def select_rules(
    rules: Mapping[str, RuleDef],
    policy: Policy,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[RuleDef]:
    known = {m.id for m in policy.rules()}
    unknown = [r for r in (*only, *exclude) if r not in known]
    if unknown:
        raise ValueError(f"unknown rule id(s): {', '.join(unknown)}")
    chosen = [r for rid, r in rules.items() if rid in known]
    if only:
        chosen = [r for r in chosen if r.id in only]
    return [r for r in chosen if r.id not in exclude]


class CompiledAudit:
    """The structured rules built into one expression for one set of facts."""

    def __init__(
        self,
        facts: Facts,
        policy: Policy,
        rules: Sequence[RuleDef],
        as_of: dt.date,
        *,
        policy_tables: Mapping[str, ir.Table] | None = None,
        derived: dict[str, ir.Table] | None = None,
    ):
        """``policy_tables`` and ``derived`` let several days' audits share the tables made
        from the policy (they do not depend on the day); by default they are registered here."""
        self.facts = facts
        if policy_tables is None:
            frames = policy_frames(policy)
            policy_tables = {n: facts.engine.register(n, t) for n, t in frames.items()}
        self.policy_tables = policy_tables
        self.context = RuleContext(
            facts, self.policy_tables, as_of, policy, _derived={} if derived is None else derived
        )
        structured = [r for r in rules if r.kind == "structured"]
        #: each rule's findings, by rule id
        self.parts: dict[str, ir.Table] = {
            r.id: standardize(r.build(self.context), r.id) for r in structured if r.build
        }
        self.expr = union_all(self.parts.values())

    def rows(self) -> list[dict[str, Any]]:
        if self.expr is None:
            return []
        rows: list[dict[str, Any]] = self.facts.engine.execute(self.expr).to_pylist()
        return rows


def union_all(parts: Iterable[ir.Table]) -> ir.Table | None:
    """The rows of every one of ``parts`` (standardized rule findings); None for none."""
    found = list(parts)
    return ibis.union(*found, distinct=False) if found else None


def _day(value: Any) -> dt.date | None:
    """A finding's date as a date. (DuckDB adds an interval to a date as a timestamp, which Ibis
    takes for a date and does not cast: in a union, a rule's dates can come back as midnights.)"""
    return value.date() if isinstance(value, dt.datetime) else value


def _amount(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT)


def to_finding(meta: RuleMeta, definition: RuleDef, row: Mapping[str, Any]) -> Finding:
    values = {k: row.get(k) for k in ("value", "limit", "detail", "amount")}
    return Finding(
        rule=meta.id,
        severity=meta.severity,
        subject_type=meta.subject,
        subject_id=str(row.get("subject_id")),
        client_id=row.get("client_id"),
        staff_id=row.get("staff_id"),
        date=_day(row.get("date")),
        message=render(definition.message, values),
        citation=meta.cite,
        amount_at_risk=_amount(row.get("amount")),
        carc=meta.carc,
    )


def run_audit(
    facts: Facts,
    policy: Policy,
    *,
    as_of: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
    analyzer: Any = None,
    rules: Mapping[str, RuleDef] | None = None,
) -> AuditResult:
    """Audits ``facts`` with the policy in force on each date of service.

    Findings are kept when their date falls in ``start``..``end`` (caps and limits still count the
    whole history). ``only``/``exclude`` pick rules by id."""
    defs = select_rules(rules if rules is not None else builtin_rules(), policy, only, exclude)
    metas = {m.id: m for m in policy.rules()}
    findings: list[Finding] = []
    runnable: list[RuleDef] = []
    missing_meta = metas.get(FACTS_MISSING)
    for d in defs:
        missing = [n for n in d.needs if n not in facts.present]
        if not missing:
            runnable.append(d)
        elif missing_meta is not None and FACTS_MISSING not in exclude:
            files = ", ".join(f"{n}.csv" for n in missing)
            findings.append(
                Finding(
                    rule=FACTS_MISSING,
                    severity=missing_meta.severity,
                    subject_type="rule",
                    subject_id=d.id,
                    client_id=None,
                    staff_id=None,
                    date=None,
                    message=f"{d.id} could not be checked: the dataset has no {files}",
                    citation=missing_meta.cite,
                    amount_at_risk=None,
                    carc=missing_meta.carc,
                )
            )
    compiled = CompiledAudit(facts, policy, runnable, as_of)
    by_id = {d.id: d for d in runnable}
    for row in compiled.rows():
        rid = row["rule"]
        findings.append(to_finding(metas[rid], by_id[rid], row))
    note_rules = [d for d in runnable if d.kind == "note" and d.check is not None]
    if note_rules:
        ctx = NoteContext(facts, compiled.policy_tables, as_of, policy, analyzer)
        for d in note_rules:
            assert d.check is not None
            findings.extend(to_finding(metas[d.id], d, found) for found in d.check(ctx))
    findings = [f for f in findings if _in_period(f, start, end)]
    findings.sort(key=sort_key)
    return AuditResult(
        as_of=as_of,
        policy_versions=policy.versions(),
        findings=findings,
        rules_checked=[d.id for d in runnable],
        period=(start, end),
    )


def _in_period(f: Finding, start: dt.date | None, end: dt.date | None) -> bool:
    if f.date is None:
        return True
    return (start is None or f.date >= start) and (end is None or f.date <= end)

"""The due list: what comes due soon, or is already late, told by the rules themselves.

The rules that judge deadlines are run twice over the same records: as of today, and as of a
few days ahead. A finding there today is overdue. A finding that only appears ahead is coming due,
and its deadline falls within the look-ahead. No deadline is computed here a second time. The
rules and their packs hold the numbers: 48 hours for a follow-up, the month after for a report,
the training windows, the lifetime cap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from caseledger.audit.engine import builtin_rules, run_audit
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.dataset import Dataset, Row
from caseledger.facts.services import service_of
from caseledger.policy import Policy

#: the rules whose findings are deadlines, with what the due list calls them
DUE_RULES: dict[str, str] = {
    "CSW-MISSED-FOLLOWUP": "Follow-up after a missed appointment",
    "SST-MONTHLY-REPORT": "Monthly progress report",
    "PSR-TRAINING-DUE": "Training coming due",
    "SST-LIFETIME-NEAR": "Near the SST lifetime cap",
}
#: how many days ahead the due list looks by default
AHEAD_DAYS = 7
#: how far back an overdue item still shows (older ones are the audit's business)
BEHIND_DAYS = 31


@dataclass(frozen=True)
class DueItem:
    rule: str
    label: str
    message: str
    subject_type: str
    subject_id: str
    client_id: str | None
    staff_id: str | None
    date: dt.date | None
    overdue: bool


def _slim(dataset: Dataset, policy: Policy, rules: Sequence[str]) -> Dataset:
    """Only the tables the due rules read, and only the encounters of their programs: the due
    list is on every home page, so it reads no more than it needs."""
    defs = builtin_rules()
    needed = {t for r in rules for t in defs[r].needs} | {"clients", "agency"}
    programs: set[str] | None = set()
    for r in rules:
        if "encounters" in defs[r].needs:
            scope = defs[r].programs
            programs = None if scope is None or programs is None else programs | set(scope)
    tables = {n: rows for n, rows in dataset.tables.items() if n in needed}
    if programs is not None and "encounters" in tables:
        tables["encounters"] = [e for e in tables["encounters"] if _program(policy, e) in programs]
    return Dataset(tables)


def _program(policy: Policy, e: Row) -> str | None:
    service = service_of(policy, e)
    return service.program if service is not None else None


def due_items(
    dataset: Dataset,
    policy: Policy,
    today: dt.date,
    *,
    ahead_days: int = AHEAD_DAYS,
    behind_days: int = BEHIND_DAYS,
) -> list[DueItem]:
    """The due list of ``dataset``: overdue items (dated within ``behind_days``) first, then
    what comes due within ``ahead_days``, each group by date."""
    known = {m.id for m in policy.rules()}
    rules: Sequence[str] = [r for r in DUE_RULES if r in known]
    if not rules:
        return []
    facts = facts_from_dataset(_slim(dataset, policy, rules))
    now = run_audit(facts, policy, as_of=today, only=rules)
    later = run_audit(facts, policy, as_of=today + dt.timedelta(days=ahead_days), only=rules)
    late = {f.key for f in now.findings}
    seen: set[tuple[str, str, str]] = set()
    items = []
    since = today - dt.timedelta(days=behind_days)
    for f in [*now.findings, *later.findings]:
        stale = f.severity != "info" and f.key in late and f.date is not None and f.date < since
        if f.key in seen or stale:
            continue
        seen.add(f.key)
        items.append(
            DueItem(
                rule=f.rule,
                label=DUE_RULES[f.rule],
                message=f.message,
                subject_type=f.subject_type,
                subject_id=f.subject_id,
                client_id=f.client_id,
                staff_id=f.staff_id,
                date=f.date,
                overdue=f.key in late and f.severity != "info",
            )
        )
    items.sort(key=lambda i: (not i.overdue, i.date or dt.date.max, i.rule, i.subject_id))
    return items

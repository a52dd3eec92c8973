"""The staff compliance matrix: each staff member against each requirement of the programs they
serve, as the staff rules judge it today.

A requirement is a staff rule of the catalog: the licence, the trainings, the education, the
supervision. A cell holds what the rule found for that person: the lines rendered without the
requirement met (with the first date), a deadline coming due, or nothing (met). Programs the
person renders no service in are marked as not applying. The rules do the judging, so the matrix
never disagrees with the audit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from caseledger.audit.engine import builtin_rules, run_audit
from caseledger.audit.findings import Finding
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.dataset import Dataset
from caseledger.facts.services import service_of
from caseledger.policy import Policy

#: the staff rules, in the order the matrix shows them, with a short heading each
REQUIREMENTS: dict[str, str] = {
    "PSR-STAFF-LICENSE": "CPR licence",
    "PSR-INITIAL-TRAINING": "CPR initial training",
    "PSR-SIX-MONTH-TRAINING": "CPR six-month training",
    "PSR-TRAINING-DUE": "CPR training due",
    "SST-DIRECT-CARE-EDUCATION": "SST education",
    "SST-PRIMARY-SKILLS": "SST primary skills",
    "SST-ANNUAL-CE": "SST annual hours",
    "SST-DIDACTIC-QHIP": "SST didactic by a QHIP",
    "SST-SUPERVISOR-QHIP": "SST supervisor QHIP",
    "SST-SUPERVISION-RATIO": "SST supervision ratio",
}


@dataclass
class Cell:
    #: "met", "due" (a deadline ahead), "not met", or "n/a" (the person serves no such program)
    status: str
    lines: int = 0
    first: dt.date | None = None
    message: str | None = None


@dataclass
class Matrix:
    staff: list[dict[str, object]]
    columns: list[tuple[str, str]]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)


def _programs_of(dataset: Dataset, policy: Policy) -> dict[str, set[str]]:
    served: dict[str, set[str]] = defaultdict(set)
    for e in dataset.rows("encounters"):
        if not e.get("staff_id"):
            continue
        service = service_of(policy, e)
        if service is not None and service.program:
            served[str(e["staff_id"])].add(service.program)
    return served


def staff_matrix(dataset: Dataset, policy: Policy, today: dt.date) -> Matrix:
    """The matrix for the staff of ``dataset`` (one agency's records)."""
    known = {m.id for m in policy.rules()}
    rules = [r for r in REQUIREMENTS if r in known]
    defs = builtin_rules()
    result = run_audit(facts_from_dataset(dataset), policy, as_of=today, only=rules)
    served = _programs_of(dataset, policy)
    people = sorted(
        dataset.rows("staff"), key=lambda s: (str(s.get("last_name")), str(s.get("first_name")))
    )
    matrix = Matrix(staff=[dict(s) for s in people], columns=[(r, REQUIREMENTS[r]) for r in rules])
    found: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        who = f.staff_id or (f.subject_id if f.subject_type == "staff" else None)
        if who is not None and f.rule in REQUIREMENTS:
            found[(str(who), f.rule)].append(f)
    for s in people:
        sid = str(s["staff_id"])
        for rule in rules:
            mine = found.get((sid, rule), [])
            scope = defs[rule].programs if rule in defs else None
            applies = scope is None or bool(served.get(sid, set()) & set(scope))
            if mine:
                dated = [f.date for f in mine if f.date is not None]
                first = min(dated) if dated else None
                severity = {f.severity for f in mine}
                matrix.cells[(sid, rule)] = Cell(
                    "due" if severity == {"info"} else "not met",
                    lines=sum(1 for f in mine if f.subject_type == "encounter"),
                    first=first,
                    message=mine[0].message,
                )
            else:
                matrix.cells[(sid, rule)] = Cell("met" if applies else "n/a")
    return matrix

"""What the audit report shows beside the findings: how much of each authorization and of the SST
lifetime cap is used, and staff training compliance month by month.

They are read from the same facts the rules read (so they work on a folder, Parquet or the
store, on any engine), and from the audit's own findings for training compliance.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from caseledger.audit.findings import Finding
from caseledger.facts.columnar import Facts
from caseledger.policy import Policy

#: the rules whose findings say a staff member lacked a required training on a date of service
TRAINING_RULES = frozenset(
    {"PSR-INITIAL-TRAINING", "PSR-SIX-MONTH-TRAINING", "SST-PRIMARY-SKILLS", "SST-ANNUAL-CE"}
)
#: how many authorizations and clients the charts show (the most used first)
TOP = 15
#: how many months the training chart shows (the latest)
MONTHS = 18


@dataclass(frozen=True)
class Usage:
    label: str
    used: float
    limit: float

    @property
    def share(self) -> float:
        return self.used / self.limit if self.limit else 0.0


@dataclass
class ReportExtras:
    authorizations: list[Usage] = field(default_factory=list)
    lifetime: list[Usage] = field(default_factory=list)
    #: (month, share of the staff who rendered services that month with no training finding)
    training: list[tuple[str, float]] = field(default_factory=list)


def authorization_usage(facts: Facts) -> list[Usage]:
    """Units drawn by the billable lines that name each authorization, against its units."""
    if "authorizations" not in facts.present:
        return []
    a, e = facts["authorizations"], facts["encounters"]
    lines = e.filter(e.authorization_id.notnull() & e.billable.fill_null(True))
    drawn = lines.group_by(u_id=lines.authorization_id).aggregate(u_units=lines.units.sum())
    joined = a.filter(a.units.notnull() & (a.units > 0)).left_join(
        drawn, a.authorization_id == drawn.u_id
    )
    rows = facts.engine.execute(
        joined.select(
            label=a.authorization_id + " (" + a.client_id + ")",
            used=joined.u_units.fill_null(0.0).cast("float64"),
            limit=a.units.cast("float64"),
        )
    ).to_pylist()
    found = [Usage(str(r["label"]), float(r["used"]), float(r["limit"])) for r in rows]
    return sorted(found, key=lambda u: (-u.share, u.label))[:TOP]


def lifetime_cap_usage(facts: Facts, policy: Policy, as_of: dt.date) -> list[Usage]:
    """SST half-days billed per client against the pack's lifetime cap."""
    codes = sorted(
        {s.code for s in policy.service_timeline() if s.program == "sst" and s.unit_minutes}
    )
    found = policy.find_param("sst", "lifetime_half_days", as_of)
    if not codes or found is None:
        return []
    cap = float(found.value)
    e = facts["encounters"]
    lines = e.filter(e.service_code.isin(codes) & e.billable.fill_null(True))
    per_client = lines.group_by("client_id").aggregate(used=lines.count())
    rows = facts.engine.execute(per_client).to_pylist()
    usage = [Usage(str(r["client_id"]), float(r["used"]), cap) for r in rows]
    return sorted(usage, key=lambda u: (-u.share, u.label))[:TOP]


def training_compliance(facts: Facts, findings: Sequence[Finding]) -> list[tuple[str, float]]:
    """For each month, the share of the staff who rendered services with no training finding."""
    e = facts["encounters"]
    month = e.date.strftime("%Y-%m")
    staffed = e.filter(e.staff_id.notnull()).select(month=month, staff_id=e.staff_id).distinct()
    rows = facts.engine.execute(staffed).to_pylist()
    working: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        working[str(r["month"])].add(str(r["staff_id"]))
    lacking: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if f.rule in TRAINING_RULES and f.staff_id and f.date and not f.suppressed:
            lacking[f.date.strftime("%Y-%m")].add(f.staff_id)
    shares = [
        (m, 1 - len(lacking[m] & people) / len(people))
        for m, people in sorted(working.items())
        if people
    ]
    return shares[-MONTHS:]


def report_extras(
    facts: Facts, policy: Policy, as_of: dt.date, findings: Sequence[Finding]
) -> ReportExtras:
    """Everything the report shows beside the findings (run before the facts' engine closes)."""
    return ReportExtras(
        authorizations=authorization_usage(facts),
        lifetime=lifetime_cap_usage(facts, policy, as_of),
        training=training_compliance(facts, findings),
    )

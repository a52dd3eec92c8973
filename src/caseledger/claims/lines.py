"""Which lines may be billed, to whom, and why the others are held.

A line is an encounter marked billable. It is *clean* when no unsuppressed error finding stands
against it: not on the encounter itself, nor on what the encounter belongs to (its group
session, its client, its plan, its rendering staff member). Everything else is *held*, with every
reason. A line is also held when the claim itself could not be written: the payer needs a member
id, a charge, or a diagnosis that the record does not have. Those reasons carry no rule id; they
say what to fill in.

Where a line goes follows the funding the packs give its code on the date of service, narrowed by
the client's enrollment: MO HealthNet and DMH purchase-of-service lines become 837P claims, and
SST lines (billed to DHSS) go on the program's invoice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from caseledger.audit.findings import Finding
from caseledger.facts.dataset import Dataset, Row
from caseledger.facts.periods import in_force
from caseledger.policy import Policy

CENT = Decimal("0.01")

#: a client-, staff- or plan-level error holds lines of that subject; these subjects name no
#: line at all (a missed follow-up is a duty of its own, not a fault in a bill)
_NO_LINES = frozenset({"missed_appointment", "report", "agency", "rule", "any"})


@dataclass(frozen=True)
class Reason:
    """Why a line is held: a rule's finding, or something the claim needs and lacks."""

    message: str
    rule: str | None = None
    citation: str | None = None
    carc: str | None = None


@dataclass(frozen=True)
class BillingLine:
    """One billable service line, with what its claim needs."""

    encounter_id: str
    client_id: str
    staff_id: str | None
    service_code: str
    modifiers: tuple[str, ...]
    date: dt.date
    units: Decimal
    charge: Decimal
    place: str | None
    program: str | None
    #: where the line goes: a funding key of the packs (``mo_healthnet``, ``dmh_pos``, ``dhss``)
    funding: str | None
    authorization_number: str | None
    #: the rule ids of suppressed findings that stand against it (billed at the user's word)
    suppressed: tuple[str, ...] = ()

    @property
    def month(self) -> str:
        return self.date.strftime("%Y-%m")


@dataclass(frozen=True)
class HeldLine:
    line: BillingLine
    reasons: tuple[Reason, ...]


@dataclass
class Billing:
    """The lines of a period, sorted out."""

    clean: list[BillingLine] = field(default_factory=list)
    held: list[HeldLine] = field(default_factory=list)
    #: encounters marked not billable (kept apart: neither billed nor held)
    not_billable: int = 0

    def clean_for(self, funding: Iterable[str]) -> list[BillingLine]:
        wanted = set(funding)
        return [line for line in self.clean if line.funding in wanted]


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _mods(value: Any) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(str(m) for m in value if m)
    if isinstance(value, str) and value:
        return tuple(m for m in value.split(";") if m)
    return ()


def _enrolled_funding(enrollments: Sequence[Row], program: str | None, day: dt.date) -> str | None:
    for e in enrollments:
        if e.get("program") == program and in_force(day, e):
            funding = e.get("funding")
            return str(funding) if funding else None
    return None


def _day(row: Row) -> dt.date:
    day = row["date"]
    if not isinstance(day, dt.date):
        raise ValueError(f"encounter {row.get('encounter_id')} has no date of service")
    return day


def _reason(f: Finding) -> Reason:
    return Reason(f.message, f.rule, f.citation, f.carc)


class _Blockers:
    """The unsuppressed error findings, indexed by what they hold."""

    def __init__(self, findings: Iterable[Finding], plans: Mapping[str, Row]) -> None:
        self.by_subject: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        self.suppressed: dict[str, list[str]] = defaultdict(list)
        for f in findings:
            if f.severity != "error" or f.subject_type in _NO_LINES:
                continue
            if f.suppressed:
                if f.subject_type == "encounter":
                    self.suppressed[f.subject_id].append(f.rule)
                continue
            self.by_subject[(f.subject_type, f.subject_id)].append(f)
        # plans with errors, by client: a line looks only at its own client's
        self.plans_of: dict[str, list[tuple[Row, list[Finding]]]] = defaultdict(list)
        for (kind, plan_id), fs in self.by_subject.items():
            plan = plans.get(plan_id) if kind == "plan" else None
            if plan is not None:
                self.plans_of[str(plan.get("client_id"))].append((plan, fs))

    def reasons(self, e: Row, program: str | None) -> list[Reason]:
        day = _day(e)
        found = list(self.by_subject.get(("encounter", str(e["encounter_id"])), ()))
        if e.get("group_id"):
            found += self.by_subject.get(("group", str(e["group_id"])), ())
        found += [
            f
            for f in self.by_subject.get(("client", str(e["client_id"])), ())
            if f.date is None or (f.date.year, f.date.month) == (day.year, day.month)
        ]
        if e.get("staff_id"):
            found += [
                f
                for f in self.by_subject.get(("staff", str(e["staff_id"])), ())
                if f.date is None or f.date <= day
            ]
        for plan, fs in self.plans_of.get(str(e["client_id"]), ()):
            if plan.get("program") == program and in_force(day, plan):
                found += fs
        return [_reason(f) for f in found]


def sort_lines(
    dataset: Dataset,
    findings: Sequence[Finding],
    policy: Policy,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Billing:
    """Sorts the billable encounters dated ``start``..``end`` into clean and held lines, using
    the findings of an audit of the same data (suppressions already marked)."""
    plans = {str(p["plan_id"]): p for p in dataset.rows("plans")}
    blockers = _Blockers(findings, plans)
    clients = {str(c["client_id"]): c for c in dataset.rows("clients")}
    enrollments: dict[str, list[Row]] = defaultdict(list)
    for e in dataset.rows("enrollments"):
        enrollments[str(e["client_id"])].append(e)
    diagnoses: dict[str, list[Row]] = defaultdict(list)
    for d in dataset.rows("diagnoses"):
        diagnoses[str(d["client_id"])].append(d)
    auths = {str(a["authorization_id"]): a for a in dataset.rows("authorizations")}
    out = Billing()
    for e in sorted(dataset.rows("encounters"), key=lambda r: (_day(r), str(r["encounter_id"]))):
        day = _day(e)
        if (start and day < start) or (end and day > end):
            continue
        if e.get("billable") is False:
            out.not_billable += 1
            continue
        modifiers = _mods(e.get("modifiers"))
        service = policy.service(str(e["service_code"]), modifiers, day)
        program = service.program if service else None
        units = _dec(e.get("units")) or Decimal(0)
        charge = _dec(e.get("charge"))
        reasons = blockers.reasons(e, program)
        if charge is None:
            rate = service.rate_amount if service else None
            if rate is not None:
                charge = (rate * units).quantize(CENT)
            else:
                reasons.append(
                    Reason("The line has no charge and the packs give no rate for its code.")
                )
        funding = None
        if service is not None and service.funding:
            allowed = service.funding.value
            enrolled = _enrolled_funding(enrollments[str(e["client_id"])], program, day)
            funding = enrolled if enrolled in allowed else (allowed[0] if allowed else None)
        client = clients.get(str(e["client_id"]), {})
        if funding in ("mo_healthnet", "dmh_pos"):
            if not client.get("medicaid_id"):
                reasons.append(Reason("The client has no Medicaid id; the claim needs one."))
            if not any(in_force(day, d) for d in diagnoses[str(e["client_id"])]):
                reasons.append(
                    Reason("The client has no diagnosis in force on the date of service.")
                )
        auth = auths.get(str(e.get("authorization_id") or ""))
        line = BillingLine(
            encounter_id=str(e["encounter_id"]),
            client_id=str(e["client_id"]),
            staff_id=str(e["staff_id"]) if e.get("staff_id") else None,
            service_code=str(e["service_code"]),
            modifiers=modifiers,
            date=day,
            units=units,
            charge=charge if charge is not None else Decimal(0),
            place=str(e["place"]) if e.get("place") else None,
            program=program,
            funding=funding,
            authorization_number=str(auth["number"]) if auth and auth.get("number") else None,
            suppressed=tuple(blockers.suppressed.get(str(e["encounter_id"]), ())),
        )
        if reasons:
            out.held.append(HeldLine(line, tuple(_unique(reasons))))
        else:
            out.clean.append(line)
    return out


def _unique(reasons: Iterable[Reason]) -> list[Reason]:
    seen: dict[tuple[str | None, str], Reason] = {}
    for r in reasons:
        seen.setdefault((r.rule, r.message), r)
    return list(seen.values())


def reasons_by_line(
    dataset: Dataset, findings: Sequence[Finding], policy: Policy
) -> dict[str, tuple[Reason, ...]]:
    """Every rule's error that stands against each line, suppressed or not (what a payer
    would see): by encounter id."""
    unsuppressed = [dataclasses.replace(f, suppressed=False) for f in findings]
    billing = sort_lines(dataset, unsuppressed, policy)
    return {
        h.line.encounter_id: tuple(r for r in h.reasons if r.rule)
        for h in billing.held
        if any(r.rule for r in h.reasons)
    }

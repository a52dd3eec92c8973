"""A service code explained from the policy packs: when it was in force and what replaced it,
how it is counted, what it paid and what limits it, and which rules apply, each with its
citation. Everything is read from the packs; nothing here states a rate or a rule of its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from caseledger.policy import Policy, RuleMeta
from caseledger.policy.defs import CodeStatus, ServiceDef


@dataclass(frozen=True)
class Term:
    """One term of a service in one period: what it is, its value, and where that comes from."""

    name: str
    value: str
    cite: str


@dataclass(frozen=True)
class Period:
    """A service as it stands over one stretch of dates."""

    label: str
    name: str
    program: str | None
    start: dt.date
    end: dt.date | None
    terms: tuple[Term, ...]


@dataclass
class Explanation:
    code: str
    known: bool
    status: CodeStatus | None = None
    #: every period the code's services held terms, oldest first
    periods: list[Period] = field(default_factory=list)
    rules: list[RuleMeta] = field(default_factory=list)


def _unit(service: ServiceDef) -> Term | None:
    if service.unit is None:
        return None
    value = service.unit.value
    if value == "untimed":
        text = "untimed: once per session, whatever the time"
    elif isinstance(value, int):
        text = f"timed: {value} minutes a unit"
    else:
        text = "no unit stated by the sources"
    return Term("unit", text, service.unit.cite)


def _terms(service: ServiceDef) -> tuple[Term, ...]:
    out: list[Term] = []
    unit = _unit(service)
    if unit is not None:
        out.append(unit)
    cited: list[tuple[str, Any, Any]] = [
        ("rounding", service.rounding, lambda v: str(v).replace("_", " ")),
        (
            "rate per unit",
            service.rate,
            lambda v: "not given by the sources" if v is None else f"${v}",
        ),
        ("paid per unit", service.pay_rate, lambda v: f"${v}"),
        ("most units per session", service.max_units_per_session, str),
        ("most units per day", service.daily_max, str),
        ("prior authorization", service.prior_auth, lambda v: "required" if v else "not required"),
        ("funding", service.funding, lambda v: ", ".join(v)),
        ("group size", service.group_limit, lambda v: f"at most {v.max} {v.counting} per {v.per}"),
    ]
    for name, term, show in cited:
        if term is not None:
            out.append(Term(name, show(term.value), term.cite))
    return tuple(out)


def explain(policy: Policy, code: str, on: dt.date) -> Explanation:
    """``code`` as the packs know it, with its status on ``on``."""
    wanted = code.strip().upper()
    services = sorted(
        (s for s in policy.service_timeline() if s.code.upper() == wanted),
        key=lambda s: (s.start, s.modifiers),
    )
    status = policy.code_status(wanted, on)
    if not services and not status.known:
        return Explanation(wanted, False)
    out = Explanation(wanted, True, status)
    programs = {s.program for s in services}
    for s in services:
        out.periods.append(Period(s.label, s.name, s.program, s.start, s.end, _terms(s)))
    # the rules of the code's programs, and the general rules every billed line meets
    out.rules = [
        r
        for r in policy.rules()
        if (r.program is not None and r.program in programs)
        or (r.program is None and r.subject == "encounter")
    ]
    return out

"""A finding: one rule broken by one subject, said so a billing clerk understands it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {name: i for i, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    subject_type: str
    subject_id: str
    client_id: str | None
    staff_id: str | None
    date: dt.date | None
    message: str
    citation: str
    amount_at_risk: Decimal | None
    carc: str | None = None
    suppressed: bool = False
    suppression_reason: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies a finding across audits (for suppressions): rule and subject."""
        return (self.rule, self.subject_type, self.subject_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (keys as in the dataset contract's audit output)."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "client_id": self.client_id,
            "staff_id": self.staff_id,
            "date": self.date.isoformat() if self.date else None,
            "message": self.message,
            "citation": self.citation,
            "amount_at_risk": None if self.amount_at_risk is None else str(self.amount_at_risk),
            "carc": self.carc,
        }
        if self.suppressed:
            out["suppressed"] = True
            out["suppression_reason"] = self.suppression_reason
        return out


def sort_key(f: Finding) -> tuple[Any, ...]:
    """Severity, rule, date and subject first; then the rest of what is said, so that findings
    come out in one order whatever order the engine found them in."""
    return (
        SEVERITY_RANK.get(f.severity, 9),
        f.rule,
        f.date or dt.date.min,
        f.subject_type,
        f.subject_id,
        f.client_id or "",
        f.staff_id or "",
        f.message,
    )

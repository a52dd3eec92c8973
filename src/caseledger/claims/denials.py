"""Denial feedback: every reason a payer gave for not paying, traced to the rule that should
have caught it.

Each claim adjustment reason code (CARC) on a posted line, other than the contractual write-down
(45), is looked up in the catalog: the rules that name it are the ones that should have held
the line. The verdict is one of:

- *predicted*: such a rule found something on that line (the finding was there, perhaps
  suppressed, and the line was billed anyway);
- *missed*: rules name the code, but none found anything on the line: a rule to sharpen;
- *no rule*: no rule names the code: a missing rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from caseledger.policy import Policy

#: the fee-schedule write-down (charge above the allowed amount): an adjustment, not a denial
CONTRACTUAL = "45"


@dataclass(frozen=True)
class DenialTrace:
    claim_id: str
    line_number: int | None
    encounter_id: str | None
    group: str
    carc: str
    amount: Decimal
    verdict: str
    #: the rules that found it (predicted) or that name the code (missed)
    rules: tuple[str, ...]
    meaning: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "line_number": self.line_number,
            "encounter_id": self.encounter_id,
            "group": self.group,
            "carc": self.carc,
            "amount": str(self.amount),
            "verdict": self.verdict,
            "rules": list(self.rules),
            "meaning": self.meaning,
        }


def trace(
    posted: Iterable[dict[str, Any]],
    standing: Mapping[str, Iterable[str]],
    policy: Policy,
) -> list[DenialTrace]:
    """Traces every denial reason on ``posted`` lines (rows of ``remittance_lines``) against
    ``standing``: for each encounter, the rules whose errors stand against its line (see
    ``claims.lines.reasons_by_line``), from an audit of the same records."""
    by_carc: dict[str, list[str]] = defaultdict(list)
    for meta in policy.rules():
        if meta.carc:
            by_carc[meta.carc].append(meta.id)
    found = {k: set(v) for k, v in standing.items()}
    out: list[DenialTrace] = []
    for row in posted:
        for adj in row.get("adjustments") or ():
            carc = str(adj["reason"])
            if carc == CONTRACTUAL or adj["group"] == "PR":
                continue
            naming = tuple(sorted(by_carc.get(carc, ())))
            hit = tuple(r for r in naming if r in found.get(str(row.get("encounter_id")), ()))
            verdict = "predicted" if hit else ("missed" if naming else "no rule")
            out.append(
                DenialTrace(
                    claim_id=str(row["claim_id"]),
                    line_number=row.get("line_number"),
                    encounter_id=row.get("encounter_id"),
                    group=str(adj["group"]),
                    carc=carc,
                    amount=Decimal(str(adj["amount"])),
                    verdict=verdict,
                    rules=hit or naming,
                    meaning=policy.carc_meaning(carc),
                )
            )
    return out

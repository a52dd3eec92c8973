"""An 837P as a payer receives it: the claims and lines, read back from the file.

Only what adjudication needs is kept: the claim's id, total and frequency, and for each line
the procedure and modifiers, the charge, the units, the date of service, the prior
authorization and the line's control number (REF 6R).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from caseledger.claims.x12 import X12Error, read_x12


@dataclass
class ReceivedLine:
    procedure: str
    modifiers: tuple[str, ...]
    charge: Decimal
    units: Decimal
    date: dt.date | None = None
    control_number: str | None = None
    authorization: str | None = None


@dataclass
class ReceivedClaim:
    claim_id: str
    total: Decimal
    frequency: str
    member_id: str | None
    lines: list[ReceivedLine] = field(default_factory=list)


@dataclass
class ReceivedFile:
    sender_id: str
    receiver_id: str
    created: dt.date
    claims: list[ReceivedClaim]


def _amount(value: str, position: int, sid: str, element: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise X12Error(
            position,
            sid,
            f"{element} is not an amount",
            element=element,
            expected="a decimal number",
        ) from None


def read_837(text: str | bytes) -> ReceivedFile:
    """The claims of an 837P interchange (envelopes checked; X12Error names what is wrong)."""
    doc = read_x12(text, functional_ids={"HC"}, transaction_set_ids={"837"})
    if not doc.transaction_sets:
        raise X12Error(1, "ISA", "the interchange holds no 837", expected="an ST*837")
    first = doc.transaction_sets[0]
    created = dt.datetime.strptime(first.group.date, "%Y%m%d").date()
    out = ReceivedFile(
        first.interchange.sender_id.strip(), first.interchange.receiver_id.strip(), created, []
    )
    component = doc.delimiters.component
    for span in doc.transaction_sets:
        member: str | None = None
        claim: ReceivedClaim | None = None
        line: ReceivedLine | None = None
        for index in range(span.start + 1, span.end):
            e = doc.segments[index]
            sid, position = e[0], index + 1
            if sid == "NM1" and len(e) > 9 and e[1] == "IL":
                member = e[9]
            elif sid == "CLM":
                composite = e[5].split(component) if len(e) > 5 else []
                claim = ReceivedClaim(
                    e[1],
                    _amount(e[2] if len(e) > 2 else "", position, sid, "CLM02"),
                    composite[2] if len(composite) > 2 else "1",
                    member,
                )
                out.claims.append(claim)
                line = None
            elif sid == "SV1":
                if claim is None:
                    raise X12Error(
                        position, sid, "a service line before any claim", expected="CLM before SV1"
                    )
                parts = e[1].split(component) if len(e) > 1 else []
                line = ReceivedLine(
                    parts[1] if len(parts) > 1 else "",
                    tuple(p for p in parts[2:6] if p),
                    _amount(e[2] if len(e) > 2 else "", position, sid, "SV102"),
                    _amount(e[4] if len(e) > 4 else "", position, sid, "SV104"),
                )
                claim.lines.append(line)
            elif line is not None and sid == "DTP" and len(e) > 3 and e[1] == "472":
                try:
                    line.date = dt.datetime.strptime(e[3][:8], "%Y%m%d").date()
                except ValueError:
                    raise X12Error(
                        position, sid, "DTP03 is not a date", element="DTP03", expected="CCYYMMDD"
                    ) from None
            elif line is not None and sid == "REF" and len(e) > 2:
                if e[1] == "6R":
                    line.control_number = e[2]
                elif e[1] == "G1":
                    line.authorization = e[2]
    return out

"""A payer, simulated: it adjudicates an 837P with the same policy and answers with an 835.

It is for tests and the demo, so that the whole round trip runs offline. Its edits are the
audit's own findings, read as a payer would: every error a rule finds on a line denies it with
the rule's claim adjustment reason code, whether or not someone at the agency suppressed the
finding (a payer does not see suppressions). It adds one edit no rule of the catalog makes,
timely filing (CARC 29, "the time limit for filing has expired"), so that the denial feedback has
something to call a missing rule. Lines that pass are paid at the fee schedule in force on the
date of service (the pay rate where the packs give one); a charge above it is written down with
CARC 45, as a contractual obligation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from caseledger.audit.findings import Finding
from caseledger.claims.denials import CONTRACTUAL
from caseledger.claims.lines import CENT, reasons_by_line
from caseledger.claims.profile import PayerProfile
from caseledger.claims.received import ReceivedClaim, ReceivedFile, ReceivedLine, read_837
from caseledger.claims.remittance import (
    Address,
    Adjustment,
    ClaimPayment,
    Contact,
    Patient,
    Remittance,
    ServicePayment,
    write_835,
)
from caseledger.facts.dataset import Dataset
from caseledger.policy import Policy

#: what the simulated payer answers when the filing limit has passed
TIMELY_FILING = "29"
#: remark codes sent with reason codes that require one
REMARKS = {"16": "MA130", "96": "N130", "151": "N362"}


@dataclass(frozen=True)
class Denial:
    """Why the payer denies a line: a reason code, and the rule that predicted it (if any)."""

    carc: str
    rule: str | None = None


@dataclass
class LineDecision:
    line: ReceivedLine
    paid: Decimal
    #: (group, reason, amount)
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)

    @property
    def denied(self) -> bool:
        return self.paid == 0 and any(r != CONTRACTUAL for _, r, _ in self.adjustments)


@dataclass
class ClaimDecision:
    claim: ReceivedClaim
    payer_claim_number: str
    lines: list[LineDecision]

    @property
    def paid(self) -> Decimal:
        return sum((d.paid for d in self.lines), Decimal(0))

    @property
    def status(self) -> str:
        """CLP02: 1 processed as primary, 4 denied."""
        return "4" if self.lines and all(d.denied for d in self.lines) else "1"


def adjudicate(
    received: ReceivedFile,
    policy: Policy,
    profile: PayerProfile,
    denials: Mapping[str, Sequence[Denial]],
) -> list[ClaimDecision]:
    """Decides every line of ``received``. ``denials`` maps a line's control number (the
    encounter id) to the edits that deny it."""
    out: list[ClaimDecision] = []
    for n, claim in enumerate(received.claims, start=1):
        icn = f"{received.created:%y%j}{n:07d}"
        out.append(
            ClaimDecision(
                claim,
                icn,
                [_decide(line, received.created, policy, profile, denials) for line in claim.lines],
            )
        )
    return out


def _decide(
    line: ReceivedLine,
    received_on: dt.date,
    policy: Policy,
    profile: PayerProfile,
    denials: Mapping[str, Sequence[Denial]],
) -> LineDecision:
    late = line.date is not None and (received_on - line.date).days > profile.timely_filing_days
    reasons = [TIMELY_FILING] if late else []
    reasons += [d.carc for d in denials.get(line.control_number or "", ())]
    if reasons:
        carc = reasons[0]
        decision = LineDecision(line, Decimal(0), [("CO", carc, line.charge)])
        if carc in REMARKS:
            decision.remarks.append(REMARKS[carc])
        return decision
    service = policy.service(line.procedure, line.modifiers, line.date) if line.date else None
    per_unit = None
    if service is not None:
        per_unit = service.pay_rate.value if service.pay_rate else service.rate_amount
    allowed = line.charge if per_unit is None else (per_unit * line.units).quantize(CENT)
    paid = min(line.charge, allowed)
    decision = LineDecision(line, paid)
    if line.charge > paid:
        decision.adjustments.append(("CO", CONTRACTUAL, line.charge - paid))
    return decision


def remittance(
    decisions: Sequence[ClaimDecision],
    received: ReceivedFile,
    profile: PayerProfile,
    *,
    paid_on: dt.date,
    trace_number: str,
) -> Remittance:
    """The 835 transaction set the simulated payer sends for ``decisions``."""
    claims = []
    for d in decisions:
        services = tuple(
            ServicePayment(
                procedure_code=ld.line.procedure,
                modifiers=ld.line.modifiers,
                charge=ld.line.charge,
                paid=ld.paid,
                units_paid=ld.line.units,
                service_date=ld.line.date,
                line_item_control_number=ld.line.control_number,
                adjustments=tuple(Adjustment(g, r, a) for g, r, a in ld.adjustments),
                remarks=tuple(ld.remarks),
            )
            for ld in d.lines
        )
        claims.append(
            ClaimPayment(
                patient_control_number=d.claim.claim_id,
                status=d.status,
                charge=d.claim.total,
                paid=d.paid,
                filing_indicator=profile.claim_filing_indicator,
                payer_claim_control_number=d.payer_claim_number,
                patient=Patient(id_qualifier="MI", identifier=d.claim.member_id),
                patient_responsibility=Decimal(0),
                services=services,
            )
        )
    return Remittance(
        payer_name=profile.payer.name,
        payer_id="1" + profile.payer.id[:9].rjust(9, "0"),
        payer_address=Address("PO BOX 0", "JEFFERSON CITY", "MO", "65102"),
        payer_contact=Contact(numbers=(("TE", "5735550100"),)),
        payee_name=received.sender_id,
        payee_npi=received.sender_id if received.sender_id.isdigit() else None,
        payment_amount=sum((d.paid for d in decisions), Decimal(0)),
        payment_method="CHK" if any(d.paid for d in decisions) else "NON",
        payment_date=paid_on,
        trace_number=trace_number,
        claims=tuple(claims),
        production_date=paid_on,
    )


def simulate(
    text: str | bytes,
    policy: Policy,
    profile: PayerProfile,
    denials: Mapping[str, Sequence[Denial]],
    *,
    paid_on: dt.date,
    control_number: int,
) -> str:
    """Adjudicates an 837P and writes the 835 a payer would send back."""
    received = read_837(text)
    decisions = adjudicate(received, policy, profile, denials)
    advice = remittance(
        decisions, received, profile, paid_on=paid_on, trace_number=f"SIM{control_number:09d}"
    )
    return write_835(
        [advice],
        sender=profile.interchange.receiver_id,
        receiver=received.sender_id,
        control_number=control_number,
        when=dt.datetime.combine(paid_on, dt.time(6, 0)),
        usage=profile.usage,
    )


def payer_edits(
    dataset: Dataset, findings: Sequence[Finding], policy: Policy
) -> dict[str, list[Denial]]:
    """What the simulated payer denies, by encounter: each error finding with a reason code
    that stands against a line, suppressed or not."""
    return {
        eid: [Denial(r.carc, r.rule) for r in reasons if r.carc]
        for eid, reasons in reasons_by_line(dataset, findings, policy).items()
        if any(r.carc for r in reasons)
    }

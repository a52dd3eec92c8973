"""The 835 health care claim payment/advice (005010X221A1): the model, a reader and a writer.

One 835 transaction set is one payment (or notice) from a payer to a payee. What the
implementation guide requires of it, as read and written here:

- The header: "BPR" (Financial Information: BPR01 handling code, BPR02 the total actual
  provider payment, BPR03 credit or debit, BPR04 the payment method, the bank details of an
  ACH payment in BPR05-BPR15, BPR16 the check or EFT effective date), then "TRN" (Reassociation
  Trace Number: TRN01 1, TRN02 the check or EFT trace number, TRN03 the payer's identifier),
  then optionally "DTM*405" (Production Date).
- Loop 1000A, the payer: "N1*PR" with its name, "N3" and "N4" (its address) and at least one
  "PER*BL" (the payer's technical contact), all required.
- Loop 1000B, the payee: "N1*PE" with its name and an identifier (XX the NPI, FI the tax id),
  optionally "REF*TJ" with its tax id.
- Loop 2000 ("LX", a header number) groups the claims; loop 2100 is one claim: "CLP" (CLP01 the
  patient control number the provider sent, CLP02 the claim status, CLP03 the charge, CLP04 the
  payment, CLP05 the patient's responsibility, CLP06 the claim filing indicator, CLP07 the
  payer's claim control number), claim-level "CAS", the patient ("NM1*QC", required), and the
  statement dates ("DTM*232"/"DTM*233").
- Loop 2110 is one service line: "SVC" (SVC01 the adjudicated procedure as qualifier, code and
  up to four modifiers; SVC02 the charge; SVC03 the payment; SVC05 the units paid; SVC06 and
  SVC07 the procedure and units as billed, when they differ), "DTM*472" (or a 150/151 range),
  line-level "CAS", "REF*6R" (the line item control number the provider sent), "AMT*B6" (the
  allowed amount) and "LQ*HE" (remittance advice remark codes).
- "PLB" carries provider-level adjustments (reason code, reference, amount; up to six pairs).

A "CAS" segment holds one group code (CAS01: CO contractual, OA other, PI payer-initiated, PR
patient responsibility) and up to six reason-amount-quantity triplets; the model has one
:class:`Adjustment` per triplet.

The guide's balancing rules, all checked on reading and writing: a line's charge less its
payment equals its adjustments (SVC02 - SVC03 = sum of the line's CAS amounts); a claim's charge
less its payment equals its claim- and line-level adjustments (CLP03 - CLP04); and the payment
(BPR02) equals the claims' payments less the provider-level adjustments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from caseledger.claims.x12 import (
    Delimiters,
    Element,
    SetSpan,
    TransactionSet,
    X12Error,
    interchange,
    no_cyclic_gc,
    scan_x12,
    shown,
)

#: GS08 of an 835
VERSION_835 = "005010X221A1"
#: GS01 of a health care claim payment/advice
FUNCTIONAL_ID_835 = "HP"

ADJUSTMENT_GROUPS = frozenset({"CO", "OA", "PI", "PR"})
CLAIM_STATUSES = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
FILING_INDICATORS = frozenset({
    "12", "13", "14", "15", "16", "17", "AM", "CH", "DS", "HM", "LM", "MA", "MB", "MC", "OF",
    "TV", "VA", "WC", "ZZ",
})  # fmt: skip
HANDLING_CODES = frozenset({"C", "D", "H", "I", "P", "U", "X"})
PAYMENT_METHODS = frozenset({"ACH", "BOP", "CHK", "FWT", "NON"})
PROCEDURE_QUALIFIERS = frozenset({
    "AD", "ER", "HC", "HP", "IV", "N4", "N6", "NU", "UI", "WK",
})  # fmt: skip
ORIGINAL_PROCEDURE_QUALIFIERS = frozenset({
    "AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK",
})  # fmt: skip
PROVIDER_ADJUSTMENT_REASONS = frozenset({
    "50", "51", "72", "90", "AH", "AM", "AP", "B2", "B3", "BD", "BN", "C5", "CR", "CS", "CT",
    "CV", "CW", "DM", "E3", "FB", "FC", "GO", "HM", "IP", "IR", "IS", "J1", "L3", "L6", "LE",
    "LS", "OA", "OB", "PI", "PL", "RA", "RE", "SL", "TL", "WO", "WU",
})  # fmt: skip
PATIENT_ID_QUALIFIERS = frozenset({"34", "HN", "II", "MI", "MR"})
CONTACT_NUMBER_QUALIFIERS = frozenset({"EM", "EX", "FX", "TE", "UR"})

# Qualifiers the guide allows where the model keeps nothing of the segment: they are accepted
# (and left out), anything else is refused.
_HEADER_REFS = frozenset({"EV", "F2"})
_PAYER_REFS = frozenset({"2U", "EO", "HI", "NF"})
_PAYEE_REFS = frozenset({"0B", "D3", "PQ", "TJ"})
_CLAIM_REFS = frozenset({
    "1L", "1W", "28", "6P", "9A", "9C", "BB", "CE", "EA", "F8", "G1", "G3", "IG", "SY", "0B",
    "1A", "1B", "1C", "1D", "1G", "1H", "1J", "D3", "G2", "LU",
})  # fmt: skip
_LINE_REFS = frozenset({
    "1S", "APC", "BB", "E9", "G1", "G3", "LU", "RB", "6R", "0B", "1A", "1B", "1C", "1D", "1G",
    "1H", "1J", "D3", "G2", "HPI", "SY", "TJ", "0K",
})  # fmt: skip
_CLAIM_AMTS = frozenset({
    "AU", "D8", "DY", "F5", "I", "NL", "T", "T2", "ZK", "ZL", "ZM", "ZN", "ZO",
})  # fmt: skip
_LINE_AMTS = frozenset({
    "B6", "KH", "T", "T2", "ZK", "ZL", "ZM", "ZN", "ZO",
})  # fmt: skip
_CLAIM_QTYS = frozenset({
    "CA", "CD", "LA", "LE", "NE", "NR", "OU", "PS", "VS", "ZK", "ZL", "ZM", "ZN", "ZO",
})  # fmt: skip
_LINE_QTYS = frozenset({
    "ZK", "ZL", "ZM", "ZN", "ZO",
})  # fmt: skip
_CLAIM_NAMES = frozenset({"QC", "IL", "74", "82", "TT", "PR", "GB"})
_CLAIM_DATES = frozenset({"232", "233", "050", "036"})
_LINE_DATES = frozenset({"472", "150", "151"})
_PAYER_CONTACTS = frozenset({"CX", "BL", "IC"})
_REMARK_LISTS = frozenset({"HE"})
_PRODUCTION = frozenset({"405"})
_NO_ORIGINAL: tuple[str, str | None, tuple[str, ...]] = ("HC", None, ())
_PERSON = frozenset({"1"})

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: the group (CAS01), a claim adjustment reason code, the amount and,
    where the payer gives one, the quantity."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ServicePayment:
    """One service line of a claim payment (loop 2110)."""

    procedure_code: str
    charge: Decimal
    paid: Decimal
    modifiers: tuple[str, ...] = ()
    qualifier: str = "HC"
    revenue_code: str | None = None
    units_paid: Decimal | None = None
    #: SVC06, the procedure as billed, when the payer adjudicated another one
    original_procedure_code: str | None = None
    original_modifiers: tuple[str, ...] = ()
    original_qualifier: str = "HC"
    #: SVC07, the units as billed, when they differ from the units paid
    original_units: Decimal | None = None
    #: DTM*472; a range is DTM*150 (start) and DTM*151 (end) instead
    service_date: dt.date | None = None
    service_start: dt.date | None = None
    service_end: dt.date | None = None
    #: REF*6R, the line item control number the provider sent on the claim
    line_item_control_number: str | None = None
    #: AMT*B6
    allowed_amount: Decimal | None = None
    adjustments: tuple[Adjustment, ...] = ()
    #: LQ*HE remittance advice remark codes
    remarks: tuple[str, ...] = ()

    def imbalance(self) -> Decimal:
        """SVC02 - SVC03 - the line's adjustments: zero on a balanced line."""
        return self.charge - self.paid - sum((a.amount for a in self.adjustments), ZERO)


@dataclass(frozen=True, slots=True)
class Patient:
    """NM1*QC: the patient as the payer names them (NM108 the kind of identifier, e.g. MI)."""

    last_name: str | None = None
    first_name: str | None = None
    id_qualifier: str | None = None
    identifier: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimPayment:
    """One claim's payment (loop 2100)."""

    patient_control_number: str
    status: str
    charge: Decimal
    paid: Decimal
    filing_indicator: str
    payer_claim_control_number: str
    patient: Patient
    patient_responsibility: Decimal | None = None
    adjustments: tuple[Adjustment, ...] = ()
    services: tuple[ServicePayment, ...] = ()
    statement_from: dt.date | None = None
    statement_to: dt.date | None = None
    received: dt.date | None = None

    def imbalance(self) -> Decimal:
        """CLP03 - CLP04 - the claim's and its lines' adjustments: zero on a balanced claim."""
        adjusted = sum((a.amount for a in self.adjustments), ZERO)
        for line in self.services:
            adjusted += sum((a.amount for a in line.adjustments), ZERO)
        return self.charge - self.paid - adjusted


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB pair: a provider-level adjustment (positive amounts reduce the payment)."""

    provider_id: str
    fiscal_period_end: dt.date
    reason: str
    amount: Decimal
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str | None = None
    postal_code: str | None = None
    line2: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A PER segment: a name and up to three (qualifier, number) pairs, e.g. ("TE", "...")."""

    name: str | None = None
    numbers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class BankAccount:
    """The bank side of an ACH payment: DFI qualifier and id (routing), account qualifier and
    account number."""

    dfi_qualifier: str
    dfi_id: str
    account_qualifier: str
    account: str


@dataclass(frozen=True, slots=True)
class Remittance:
    """One 835 transaction set: a payment (or notice) with the claims it pays."""

    payer_name: str
    #: TRN03, the payer's identifier (a 1 and its tax id)
    payer_id: str
    payer_address: Address
    #: PER*BL, the payer's technical contact
    payer_contact: Contact
    payee_name: str
    payee_npi: str | None
    payment_amount: Decimal
    payment_method: str
    payment_date: dt.date
    #: TRN02, the check or EFT trace number
    trace_number: str
    claims: tuple[ClaimPayment, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    #: DTM*405
    production_date: dt.date | None = None
    payee_tax_id: str | None = None
    handling_code: str = "I"
    credit_debit: str = "C"
    #: BPR05, CCP or CTX for an ACH payment
    payment_format: str | None = None
    sender_bank: BankAccount | None = None
    receiver_bank: BankAccount | None = None

    def imbalance(self) -> Decimal:
        """BPR02 - (the claims' payments - the provider adjustments): zero when balanced."""
        paid = sum((c.paid for c in self.claims), ZERO)
        plb = sum((p.amount for p in self.provider_adjustments), ZERO)
        return self.payment_amount - (paid - plb)


# --- reading -------------------------------------------------------------------------------

# Where the reader stands in the transaction set.
_HEADER, _PAYER, _PAYEE, _DETAIL, _CLAIM, _LINE, _FOOTER = range(7)


def _fail(
    index: int, sid: str, problem: str, element: str | None = None, expected: str = ""
) -> X12Error:
    return X12Error(index + 1, sid, problem, element=element, expected=expected)


def _get(seg: list[str], k: int) -> str:
    return seg[k] if k < len(seg) else ""


def _required(seg: list[str], k: int, index: int) -> str:
    if k < len(seg) and seg[k]:
        return seg[k]
    sid = seg[0]
    raise _fail(index, sid, f"{sid}{k:02d} is missing", f"{sid}{k:02d}", "a value")


def _code(seg: list[str], k: int, index: int, allowed: frozenset[str], what: str) -> str:
    value = seg[k] if k < len(seg) else ""
    if value in allowed:
        return value
    sid = seg[0]
    if not value:
        raise _fail(index, sid, f"{sid}{k:02d} ({what}) is missing", f"{sid}{k:02d}", "a code")
    options = ", ".join(sorted(allowed)) if len(allowed) <= 12 else "a code the guide lists"
    raise _fail(
        index, sid, f"{sid}{k:02d} ({what}) is {shown(value)}, expected {options}",
        f"{sid}{k:02d}", options,
    )  # fmt: skip


class _Values:
    """Parses amounts and dates, remembering each distinct text: remittances repeat the same
    fee-schedule amounts and service dates many times over."""

    __slots__ = ("amounts", "dates", "procedures")

    def __init__(self) -> None:
        self.amounts: dict[str, Decimal] = {}
        self.dates: dict[str, dt.date] = {}
        #: SVC01 composites, read: an agency bills a few dozen procedure-modifier combinations
        self.procedures: dict[str, tuple[str, str, tuple[str, ...]]] = {}

    def amount(self, seg: list[str], k: int, index: int) -> Decimal:
        """An X12 decimal ("R"): an optional minus, digits, at most one decimal point."""
        value = seg[k] if k < len(seg) else ""
        got = self.amounts.get(value)
        if got is not None:
            return got
        digits = value[1:] if value[:1] == "-" else value
        if not (digits.replace(".", "", 1).isdigit() and digits.isascii() and len(digits) <= 19):
            sid = seg[0]
            problem = "is missing" if not value else "is not a decimal number"
            raise _fail(index, sid, f"{sid}{k:02d} {problem}", f"{sid}{k:02d}", "a decimal number")
        got = self.amounts[value] = Decimal(value)
        return got

    def optional_amount(self, seg: list[str], k: int, index: int) -> Decimal | None:
        if k < len(seg) and seg[k]:
            return self.amount(seg, k, index)
        return None

    def date(self, seg: list[str], k: int, index: int) -> dt.date:
        """A D8 date, CCYYMMDD (never quoted in errors: dates of service identify a person)."""
        value = seg[k] if k < len(seg) else ""
        got = self.dates.get(value)
        if got is not None:
            return got
        try:
            if len(value) != 8 or not (value.isascii() and value.isdigit()):
                raise ValueError
            got = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            sid = seg[0]
            raise _fail(
                index, sid, f"{sid}{k:02d} is not a date (CCYYMMDD)", f"{sid}{k:02d}", "CCYYMMDD"
            ) from None
        self.dates[value] = got
        return got


def _adjustments(seg: list[str], index: int, values: _Values, out: list[Adjustment]) -> Decimal:
    """Appends a CAS segment's triplets to ``out``; returns their total."""
    group = seg[1] if len(seg) > 1 else ""
    if group not in ADJUSTMENT_GROUPS:
        _code(seg, 1, index, ADJUSTMENT_GROUPS, "claim adjustment group code")
    n = len(seg)
    if n > 20:
        raise _fail(index, "CAS", f"CAS has {n - 1} elements, at most 19", None, "19 elements")
    if n < 4 or not seg[2]:
        raise _fail(index, "CAS", "CAS02 (reason code) is missing", "CAS02", "a reason code")
    amounts = values.amounts
    total = ZERO
    for k in range(2, n, 3):
        reason = seg[k]
        if not reason:
            if any(seg[k : k + 3]):
                raise _fail(
                    index, "CAS", f"CAS{k + 1:02d} has an amount without a reason code",
                    f"CAS{k:02d}", "a reason code",
                )  # fmt: skip
            continue
        if not (len(reason) <= 5 and reason.isascii() and reason.isalnum()):
            raise _fail(
                index, "CAS", f"CAS{k:02d} is not a claim adjustment reason code",
                f"CAS{k:02d}", "a reason code",
            )  # fmt: skip
        amount = amounts.get(seg[k + 1]) if k + 1 < n else None
        if amount is None:
            amount = values.amount(seg, k + 1, index)
        quantity = values.optional_amount(seg, k + 2, index) if k + 2 < n else None
        out.append(Adjustment(group, reason, amount, quantity))
        total += amount
    return total


def _contact(seg: list[str], index: int) -> Contact:
    numbers = []
    for k in (3, 5, 7):
        qualifier = _get(seg, k)
        if not qualifier:
            continue
        _code(seg, k, index, CONTACT_NUMBER_QUALIFIERS, "communication number qualifier")
        numbers.append((qualifier, _required(seg, k + 1, index)))
    return Contact(_get(seg, 2) or None, tuple(numbers))


def _procedure(
    value: str, component: str, index: int, k: int, allowed: frozenset[str]
) -> tuple[str, str, tuple[str, ...]]:
    parts = value.split(component)
    if parts[0] not in allowed:
        raise _fail(
            index, "SVC", f"SVC{k:02d}-01 (product or service id qualifier) is {shown(parts[0])}",
            f"SVC{k:02d}", ", ".join(sorted(allowed)),
        )  # fmt: skip
    if len(parts) < 2 or not parts[1]:
        raise _fail(index, "SVC", f"SVC{k:02d}-02 (procedure code) is missing", f"SVC{k:02d}")
    if len(parts) > 7:
        raise _fail(index, "SVC", f"SVC{k:02d} has more than 7 components", f"SVC{k:02d}")
    return parts[0], parts[1], tuple(parts[2:6])


class _LineDraft:
    """A service line while its segments are read (SVC until the next SVC, CLP, LX or PLB)."""

    __slots__ = (
        "adjusted", "adjustments", "allowed", "charge", "code", "control", "date", "end",
        "index", "modifiers", "orig_code", "orig_modifiers", "orig_qualifier", "orig_units",
        "paid", "qualifier", "remarks", "revenue", "start", "units",
    )  # fmt: skip

    def __init__(
        self,
        index: int,
        procedure: tuple[str, str, tuple[str, ...]],
        charge: Decimal,
        paid: Decimal,
        revenue: str | None,
        units: Decimal | None,
        original: tuple[str, str | None, tuple[str, ...]],
        original_units: Decimal | None,
    ) -> None:
        self.index = index
        self.qualifier, self.code, self.modifiers = procedure
        self.charge = charge
        self.paid = paid
        self.revenue = revenue
        self.units = units
        self.orig_qualifier, self.orig_code, self.orig_modifiers = original
        self.orig_units = original_units
        self.date: dt.date | None = None
        self.start: dt.date | None = None
        self.end: dt.date | None = None
        self.control: str | None = None
        self.allowed: Decimal | None = None
        self.adjustments: list[Adjustment] = []
        self.adjusted = ZERO
        self.remarks: list[str] = []

    def finish(self) -> ServicePayment:
        if self.charge - self.paid != self.adjusted:
            raise _fail(
                self.index,
                "SVC",
                f"SVC02 - SVC03 is {self.charge - self.paid} but the line's adjustments total "
                f"{self.adjusted} (off by {self.charge - self.paid - self.adjusted})",
                "SVC03",
                "SVC02 - SVC03 = the line's CAS amounts",
            )
        return ServicePayment(
            procedure_code=self.code,
            charge=self.charge,
            paid=self.paid,
            modifiers=self.modifiers,
            qualifier=self.qualifier,
            revenue_code=self.revenue,
            units_paid=self.units,
            original_procedure_code=self.orig_code,
            original_modifiers=self.orig_modifiers,
            original_qualifier=self.orig_qualifier,
            original_units=self.orig_units,
            service_date=self.date,
            service_start=self.start,
            service_end=self.end,
            line_item_control_number=self.control,
            allowed_amount=self.allowed,
            adjustments=tuple(self.adjustments),
            remarks=tuple(self.remarks),
        )


class _ClaimDraft:
    """A claim while its segments are read (CLP until the next CLP, LX or PLB)."""

    __slots__ = (
        "adjusted", "adjustments", "charge", "end", "filing", "icn", "index", "lines", "paid",
        "patient", "pcn", "received", "responsibility", "start", "status",
    )  # fmt: skip

    def __init__(
        self,
        index: int,
        pcn: str,
        status: str,
        charge: Decimal,
        paid: Decimal,
        responsibility: Decimal | None,
        filing: str,
        icn: str,
    ) -> None:
        self.index = index
        self.pcn = pcn
        self.status = status
        self.charge = charge
        self.paid = paid
        self.responsibility = responsibility
        self.filing = filing
        self.icn = icn
        self.patient: Patient | None = None
        self.adjustments: list[Adjustment] = []
        self.adjusted = ZERO
        self.lines: list[ServicePayment] = []
        self.start: dt.date | None = None
        self.end: dt.date | None = None
        self.received: dt.date | None = None

    def add(self, line: _LineDraft) -> None:
        self.lines.append(line.finish())
        self.adjusted += line.adjusted

    def finish(self) -> ClaimPayment:
        if self.patient is None:
            raise _fail(self.index, "CLP", "the claim has no patient name (NM1*QC)", None, "NM1*QC")
        if self.charge - self.paid != self.adjusted:
            raise _fail(
                self.index,
                "CLP",
                f"CLP03 - CLP04 is {self.charge - self.paid} but the claim's and its lines' "
                f"adjustments total {self.adjusted} "
                f"(off by {self.charge - self.paid - self.adjusted})",
                "CLP04",
                "CLP03 - CLP04 = the claim's and lines' CAS amounts",
            )
        return ClaimPayment(
            patient_control_number=self.pcn,
            status=self.status,
            charge=self.charge,
            paid=self.paid,
            filing_indicator=self.filing,
            payer_claim_control_number=self.icn,
            patient=self.patient,
            patient_responsibility=self.responsibility,
            adjustments=tuple(self.adjustments),
            services=tuple(self.lines),
            statement_from=self.start,
            statement_to=self.end,
            received=self.received,
        )


class _Split:
    """Segment texts by index, split into elements when looked at."""

    __slots__ = ("separator", "texts")

    def __init__(self, texts: list[str], separator: str) -> None:
        self.texts = texts
        self.separator = separator

    def __getitem__(self, index: int) -> list[str]:
        return self.texts[index].split(self.separator)


def read_835(data: str | bytes) -> list[Remittance]:
    """Every 835 transaction set in an interchange, in order; all or nothing.

    Raises :class:`X12Error` (naming the segment) on any problem with the envelopes, the
    structure of a transaction set, a code the guide does not list, an amount that is not a
    number, or a claim, line or payment that does not balance.
    """
    with no_cyclic_gc():
        scan = scan_x12(
            data,
            functional_ids={FUNCTIONAL_ID_835},
            versions={VERSION_835},
            transaction_set_ids={"835"},
        )
        values = _Values()
        remittances = [
            _read_set(scan.texts, span, scan.delimiters, values) for span in scan.transaction_sets
        ]
        # Freed now by reference counting, the segments never reach the cyclic collector.
        del scan, values
    return remittances


def _read_set(
    texts: list[str], span: SetSpan, delimiters: Delimiters, values: _Values
) -> Remittance:
    """One transaction set: BPR and TRN first, then segment by segment with the loop it stands
    in (header, payer, payee, header number, claim, service line, footer) as the state; a
    segment the loop does not allow is an error."""
    start, end = span.start, span.end
    separator, component = delimiters.element, delimiters.component
    # Each segment is split as it is read, so only one of them is ever held split.
    segs = _Split(texts, separator)
    i = start + 1
    if i >= end or segs[i][0] != "BPR":
        raise _fail(i, segs[i][0], "the 835 does not begin with BPR", None, "BPR")
    bpr_index = i
    bpr = segs[i]
    if len(bpr) < 17:
        raise _fail(i, "BPR", "BPR16 (payment date) is missing", "BPR16", "CCYYMMDD")
    if len(bpr) > 22:
        raise _fail(i, "BPR", "BPR has more than 21 elements", None, "21 elements")
    handling = _code(bpr, 1, i, HANDLING_CODES, "transaction handling code")
    payment = values.amount(bpr, 2, i)
    credit_debit = _code(bpr, 3, i, frozenset({"C", "D"}), "credit or debit flag")
    method = _code(bpr, 4, i, PAYMENT_METHODS, "payment method")
    payment_format = None
    if bpr[5]:
        payment_format = _code(bpr, 5, i, frozenset({"CCP", "CTX"}), "payment format")
    sender_bank = _bank(bpr, 6, i, frozenset({"DA"})) if bpr[6] else None
    receiver_bank = _bank(bpr, 12, i, frozenset({"DA", "SG"})) if bpr[12] else None
    payment_date = values.date(bpr, 16, i)

    i += 1
    if i >= end or segs[i][0] != "TRN":
        raise _fail(i, segs[i][0], "BPR is not followed by TRN", None, "TRN")
    trn = segs[i]
    _code(trn, 1, i, frozenset({"1"}), "trace type code")
    trace = _required(trn, 2, i)
    payer_id = _required(trn, 3, i)

    production: dt.date | None = None
    payer_name = payee_name = ""
    payer_index = -1
    payer_address: Address | None = None
    payer_street: tuple[str, str | None] | None = None
    payer_contact: Contact | None = None
    payee_npi: str | None = None
    payee_tax: str | None = None
    claims: list[ClaimPayment] = []
    plb: list[ProviderAdjustment] = []
    claim: _ClaimDraft | None = None
    line: _LineDraft | None = None
    state = _HEADER
    amount, date = values.amount, values.date
    amounts, dates, procedures = values.amounts, values.dates, values.procedures
    first = i + 1

    for i in range(first, end):
        seg = texts[i].split(separator)
        sid = seg[0]
        # The branches stand in the order of how often the segments occur.
        if sid == "SVC":
            if state == _LINE:
                assert claim is not None and line is not None
                claim.add(line)
            elif state != _CLAIM:
                raise _fail(i, sid, "SVC outside a claim (loop 2100)", None, "CLP before SVC")
            n = len(seg)
            if n < 4 or n > 8:
                problem = "SVC03 is missing" if n < 4 else f"SVC has {n - 1} elements, at most 7"
                raise _fail(i, sid, problem, None, "SVC01 to SVC03, at most SVC07")
            charge = amounts.get(seg[2])
            if charge is None:
                charge = amount(seg, 2, i)
            paid = amounts.get(seg[3])
            if paid is None:
                paid = amount(seg, 3, i)
            procedure = procedures.get(seg[1])
            if procedure is None:
                procedure = _procedure(seg[1], component, i, 1, PROCEDURE_QUALIFIERS)
                procedures[seg[1]] = procedure
            units = amounts.get(seg[5]) if n > 5 else None
            if units is None and n > 5 and seg[5]:
                units = amount(seg, 5, i)
            line = _LineDraft(
                i,
                procedure,
                charge,
                paid,
                (seg[4] or None) if n > 4 else None,
                units,
                _procedure(seg[6], component, i, 6, ORIGINAL_PROCEDURE_QUALIFIERS)
                if n > 6 and seg[6]
                else _NO_ORIGINAL,
                values.optional_amount(seg, 7, i) if n > 7 else None,
            )
            state = _LINE
        elif sid == "DTM":
            qualifier = seg[1] if len(seg) > 1 else ""
            day = dates.get(seg[2]) if len(seg) > 2 else None
            if day is None:
                day = date(seg, 2, i)
            if state == _LINE:
                assert line is not None
                if qualifier == "472":
                    line.date = day
                elif qualifier == "150":
                    line.start = day
                elif qualifier == "151":
                    line.end = day
                else:
                    _code(seg, 1, i, _LINE_DATES, "date/time qualifier")
            elif state == _CLAIM:
                assert claim is not None
                if qualifier == "232":
                    claim.start = day
                elif qualifier == "233":
                    claim.end = day
                elif qualifier == "050":
                    claim.received = day
                else:
                    _code(seg, 1, i, _CLAIM_DATES, "date/time qualifier")
            elif state == _HEADER:
                _code(seg, 1, i, _PRODUCTION, "date/time qualifier")
                production = day
            else:
                raise _fail(
                    i, sid, "DTM out of place", None, "DTM in the header, a claim or a line"
                )
        elif sid == "REF":
            qualifier = seg[1] if len(seg) > 1 else ""
            value = _required(seg, 2, i)
            if state == _LINE:
                assert line is not None
                if qualifier == "6R":
                    line.control = value
                elif qualifier not in _LINE_REFS:
                    _code(seg, 1, i, _LINE_REFS, "reference identification qualifier")
            elif state == _CLAIM:
                _code(seg, 1, i, _CLAIM_REFS, "reference identification qualifier")
            elif state == _PAYEE:
                _code(seg, 1, i, _PAYEE_REFS, "reference identification qualifier")
                if qualifier == "TJ":
                    payee_tax = value
            elif state == _PAYER:
                _code(seg, 1, i, _PAYER_REFS, "reference identification qualifier")
            elif state == _HEADER:
                _code(seg, 1, i, _HEADER_REFS, "reference identification qualifier")
            else:
                raise _fail(i, sid, "REF out of place", None, "REF in a loop that allows it")
        elif sid == "AMT":
            qualifier = seg[1] if len(seg) > 1 else ""
            value_amount = amounts.get(seg[2]) if len(seg) > 2 else None
            if value_amount is None:
                value_amount = amount(seg, 2, i)
            if state == _LINE:
                assert line is not None
                if qualifier == "B6":
                    line.allowed = value_amount
                elif qualifier not in _LINE_AMTS:
                    _code(seg, 1, i, _LINE_AMTS, "amount qualifier")
            elif state == _CLAIM:
                _code(seg, 1, i, _CLAIM_AMTS, "amount qualifier")
            else:
                raise _fail(i, sid, "AMT outside a claim (loop 2100)", None, "CLP before AMT")
        elif sid == "CAS":
            if state == _LINE:
                assert line is not None
                line.adjusted += _adjustments(seg, i, values, line.adjustments)
            elif state == _CLAIM:
                assert claim is not None
                claim.adjusted += _adjustments(seg, i, values, claim.adjustments)
            else:
                raise _fail(i, sid, "CAS outside a claim (loop 2100)", None, "CLP before CAS")
        elif sid == "LQ":
            if state != _LINE:
                raise _fail(i, sid, "LQ outside a service line (loop 2110)", None, "SVC before LQ")
            assert line is not None
            if len(seg) < 2 or seg[1] != "HE":
                _code(seg, 1, i, _REMARK_LISTS, "code list qualifier (only HE is read)")
            line.remarks.append(_required(seg, 2, i))
        elif sid == "CLP":
            if state == _LINE:
                assert claim is not None and line is not None
                claim.add(line)
                line = None
            if state in (_CLAIM, _LINE):
                assert claim is not None
                claims.append(claim.finish())
            elif state != _DETAIL:
                raise _fail(i, sid, "CLP outside a header number loop (LX)", None, "LX before CLP")
            if len(seg) > 15:
                raise _fail(i, sid, f"CLP has {len(seg) - 1} elements, at most 14")
            claim = _ClaimDraft(
                i,
                _required(seg, 1, i),
                _code(seg, 2, i, CLAIM_STATUSES, "claim status code"),
                amount(seg, 3, i),
                amount(seg, 4, i),
                values.optional_amount(seg, 5, i),
                _code(seg, 6, i, FILING_INDICATORS, "claim filing indicator code"),
                _required(seg, 7, i),
            )
            state = _CLAIM
        elif sid == "NM1":
            if state != _CLAIM:
                raise _fail(i, sid, "NM1 out of place", None, "NM1 after CLP, before SVC")
            assert claim is not None
            if _code(seg, 1, i, _CLAIM_NAMES, "entity identifier code") == "QC":
                if claim.patient is not None:
                    raise _fail(i, sid, "a second patient name (NM1*QC) in the claim")
                _code(seg, 2, i, _PERSON, "entity type qualifier")
                id_qualifier = _get(seg, 8)
                if id_qualifier:
                    _code(seg, 8, i, PATIENT_ID_QUALIFIERS, "identification code qualifier")
                    identifier: str | None = _required(seg, 9, i)
                elif _get(seg, 9):
                    raise _fail(i, sid, "NM109 without NM108", "NM108", "NM108 with NM109")
                else:
                    identifier = None
                claim.patient = Patient(
                    _get(seg, 3) or None, _get(seg, 4) or None, id_qualifier or None, identifier
                )
        elif sid == "LX":
            if state == _LINE:
                assert claim is not None and line is not None
                claim.add(line)
                line = None
            if state in (_CLAIM, _LINE):
                assert claim is not None
                claims.append(claim.finish())
                claim = None
            elif state not in (_PAYEE, _DETAIL):
                raise _fail(i, sid, "LX out of place", None, "LX after the payee (N1*PE)")
            if not (_required(seg, 1, i).isdigit() and len(seg[1]) <= 6):
                raise _fail(i, sid, "LX01 is not a number of up to 6 digits", "LX01")
            state = _DETAIL
        elif sid in ("MIA", "MOA", "QTY"):
            if sid == "QTY" and state == _LINE:
                _code(seg, 1, i, _LINE_QTYS, "quantity qualifier")
            elif state == _CLAIM:
                if sid == "QTY":
                    _code(seg, 1, i, _CLAIM_QTYS, "quantity qualifier")
            else:
                raise _fail(i, sid, f"{sid} outside a claim (loop 2100)", None, "CLP first")
        elif sid == "PER":
            if state == _PAYER:
                function = _code(seg, 1, i, _PAYER_CONTACTS, "contact function code")
                contact = _contact(seg, i)
                if function == "BL" and payer_contact is None:
                    payer_contact = contact
            elif state == _CLAIM:
                _code(seg, 1, i, frozenset({"CX"}), "contact function code")
                _contact(seg, i)
            else:
                raise _fail(i, sid, "PER out of place", None, "PER in the payer or a claim")
        elif sid == "N1":
            entity = _get(seg, 1)
            if state == _HEADER and entity == "PR":
                payer_name = _required(seg, 2, i)
                if _get(seg, 3):
                    _code(seg, 3, i, frozenset({"XV"}), "identification code qualifier")
                    _required(seg, 4, i)
                payer_index, state = i, _PAYER
            elif state == _PAYER and entity == "PE":
                _check_payer(payer_index, payer_address, payer_contact)
                payee_name = _required(seg, 2, i)
                qualifier = _code(
                    seg, 3, i, frozenset({"FI", "XV", "XX"}), "identification code qualifier"
                )
                identifier = _required(seg, 4, i)
                if qualifier == "XX":
                    payee_npi = identifier
                elif qualifier == "FI":
                    payee_tax = identifier
                state = _PAYEE
            else:
                expected = "N1*PR after the header" if state == _HEADER else "N1*PE after N1*PR"
                raise _fail(i, sid, f"N1 with N101 {shown(entity)} out of place", "N101", expected)
        elif sid == "N3":
            if state == _PAYER:
                payer_street = (_required(seg, 1, i), _get(seg, 2) or None)
            elif state != _PAYEE:
                raise _fail(i, sid, "N3 outside the payer or payee loop", None, "N1 before N3")
        elif sid == "N4":
            if state == _PAYER:
                if payer_street is None:
                    raise _fail(i, sid, "N4 before N3 in the payer loop", None, "N3")
                payer_address = Address(
                    payer_street[0], _required(seg, 1, i), _get(seg, 2) or None,
                    _get(seg, 3) or None, payer_street[1],
                )  # fmt: skip
            elif state != _PAYEE:
                raise _fail(i, sid, "N4 outside the payer or payee loop", None, "N1 before N4")
        elif sid == "PLB":
            if state == _LINE:
                assert claim is not None and line is not None
                claim.add(line)
                line = None
            if state in (_CLAIM, _LINE):
                assert claim is not None
                claims.append(claim.finish())
                claim = None
            elif state not in (_PAYEE, _DETAIL, _FOOTER):
                raise _fail(i, sid, "PLB out of place", None, "PLB after the claims")
            _provider_adjustments(seg, i, component, values, plb)
            state = _FOOTER
        elif sid in ("CUR", "TS3", "TS2", "RDM"):
            allowed_in = {"CUR": _HEADER, "TS3": _DETAIL, "TS2": _DETAIL, "RDM": _PAYEE}[sid]
            if state != allowed_in:
                raise _fail(i, sid, f"{sid} out of place")
        elif sid in ("BPR", "TRN"):
            raise _fail(i, sid, f"a second {sid} in the transaction set")
        else:
            raise _fail(i, sid, "a segment the 835 does not have", None, "an 835 segment")

    if line is not None:
        assert claim is not None
        claim.add(line)
    if claim is not None:
        claims.append(claim.finish())
    if state < _PAYEE:
        missing = "N1*PR (loop 1000A)" if state == _HEADER else "N1*PE (loop 1000B)"
        raise _fail(end, "SE", f"the transaction set has no {missing}", None, missing)
    assert payer_address is not None and payer_contact is not None
    remittance = Remittance(
        payer_name=payer_name,
        payer_id=payer_id,
        payer_address=payer_address,
        payer_contact=payer_contact,
        payee_name=payee_name,
        payee_npi=payee_npi,
        payment_amount=payment,
        payment_method=method,
        payment_date=payment_date,
        trace_number=trace,
        claims=tuple(claims),
        provider_adjustments=tuple(plb),
        production_date=production,
        payee_tax_id=payee_tax,
        handling_code=handling,
        credit_debit=credit_debit,
        payment_format=payment_format,
        sender_bank=sender_bank,
        receiver_bank=receiver_bank,
    )
    off = remittance.imbalance()
    if off:
        raise _fail(
            bpr_index,
            "BPR",
            f"BPR02 is {payment} but the claims' payments less the provider adjustments are "
            f"{payment - off} (off by {off})",
            "BPR02",
            "BPR02 = sum of CLP04 - sum of PLB amounts",
        )
    return remittance


def _check_payer(index: int, address: Address | None, contact: Contact | None) -> None:
    if address is None:
        raise _fail(index, "N1", "the payer (loop 1000A) has no N3 and N4", None, "N3 and N4")
    if contact is None:
        raise _fail(index, "N1", "the payer (loop 1000A) has no PER*BL", None, "PER*BL")


def _bank(seg: list[str], k: int, index: int, accounts: frozenset[str]) -> BankAccount:
    return BankAccount(
        _code(seg, k, index, frozenset({"01", "04"}), "DFI id number qualifier"),
        _required(seg, k + 1, index),
        _code(seg, k + 2, index, accounts, "account number qualifier"),
        _required(seg, k + 3, index),
    )


def _provider_adjustments(
    seg: list[str], index: int, component: str, values: _Values, out: list[ProviderAdjustment]
) -> None:
    provider = _required(seg, 1, index)
    period = values.date(seg, 2, index)
    n = len(seg)
    if n < 5:
        raise _fail(index, "PLB", "PLB03 and PLB04 (one adjustment) are missing", "PLB03")
    if n > 15:
        raise _fail(index, "PLB", f"PLB has {n - 1} elements, at most 14", None, "14 elements")
    for k in range(3, n, 2):
        composite = seg[k]
        if not composite:
            if k + 1 < n and seg[k + 1]:
                raise _fail(index, "PLB", f"PLB{k + 1:02d} without PLB{k:02d}", f"PLB{k:02d}")
            continue
        parts = composite.split(component)
        if parts[0] not in PROVIDER_ADJUSTMENT_REASONS:
            raise _fail(
                index, "PLB", f"PLB{k:02d}-01 (adjustment reason code) is {shown(parts[0])}",
                f"PLB{k:02d}", "a provider adjustment reason code",
            )  # fmt: skip
        if len(parts) > 2:
            raise _fail(index, "PLB", f"PLB{k:02d} has more than 2 components", f"PLB{k:02d}")
        reference = parts[1] if len(parts) > 1 and parts[1] else None
        out.append(
            ProviderAdjustment(
                provider, period, parts[0], values.amount(seg, k + 1, index), reference
            )
        )


# --- writing -------------------------------------------------------------------------------


def _number(value: Decimal, digits: int = 18) -> str:
    """An X12 decimal ("R"): no exponent, no trailing zeros after the point, no negative zero,
    at most ``digits`` digits (18 for an amount, 15 for a quantity)."""
    if not value.is_finite():
        raise ValueError("an amount must be a finite number")
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    if len(text) - text.count("-") - text.count(".") > digits:
        raise ValueError(f"an amount or quantity has more than {digits} digits")
    return text


def _quantity(value: Decimal | None) -> str | None:
    return None if value is None else _number(value, 15)


def _fit(value: str | None, low: int, high: int, element: str) -> str | None:
    """``value`` when its length is within what the guide allows for ``element``; never quoted
    in the error (it may be a name or an id)."""
    if value is not None and not low <= len(value) <= high:
        raise ValueError(
            f"{element} is {len(value)} characters long, the guide allows {low}-{high}"
        )
    return value


def _d8(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _cas(adjustments: Sequence[Adjustment]) -> list[list[Element]]:
    """CAS segments: consecutive adjustments of one group share a segment, six at most."""
    out: list[list[Element]] = []
    current: list[Element] = []
    count = 0
    for adj in adjustments:
        if adj.group not in ADJUSTMENT_GROUPS:
            raise ValueError("an adjustment's group is CO, OA, PI or PR")
        if not current or current[1] != adj.group or count == 6:
            current = ["CAS", adj.group]
            out.append(current)
            count = 0
        if count:
            # the previous triplet's quantity slot, even when empty, keeps the triplets aligned
            while len(current) < 2 + 3 * count:
                current.append("")
        current.extend([_fit(adj.reason, 1, 5, "CAS02"), _number(adj.amount)])
        if adj.quantity is not None:
            current.append(_number(adj.quantity, 15))
        count += 1
    return out


def _procedure_composite(
    qualifier: str, code: str, modifiers: Sequence[str], allowed: frozenset[str], element: str
) -> list[str | None]:
    if qualifier not in allowed:
        raise ValueError(f"{element}-01 is a product or service id qualifier the guide lists")
    if len(modifiers) > 4:
        raise ValueError(f"{element} has at most four modifiers")
    mods = [_fit(m, 2, 2, f"{element} modifier") if m else m for m in modifiers]
    return [qualifier, _fit(code, 1, 48, f"{element}-02"), *mods]


def _service(line: ServicePayment) -> list[list[Element]]:
    svc: list[Element] = [
        "SVC",
        _procedure_composite(
            line.qualifier, line.procedure_code, line.modifiers, PROCEDURE_QUALIFIERS, "SVC01"
        ),
        _number(line.charge),
        _number(line.paid),
        _fit(line.revenue_code, 1, 48, "SVC04"),
        _quantity(line.units_paid),
    ]
    if line.original_procedure_code is not None:
        svc.append(
            _procedure_composite(
                line.original_qualifier, line.original_procedure_code, line.original_modifiers,
                ORIGINAL_PROCEDURE_QUALIFIERS, "SVC06",
            )
        )  # fmt: skip
    else:
        svc.append(None)
    svc.append(_quantity(line.original_units))
    out: list[list[Element]] = [svc]
    if line.service_date is not None:
        out.append(["DTM", "472", _d8(line.service_date)])
    if line.service_start is not None:
        out.append(["DTM", "150", _d8(line.service_start)])
    if line.service_end is not None:
        out.append(["DTM", "151", _d8(line.service_end)])
    out += _cas(line.adjustments)
    if line.line_item_control_number is not None:
        out.append(["REF", "6R", _fit(line.line_item_control_number, 1, 50, "REF02")])
    if line.allowed_amount is not None:
        out.append(["AMT", "B6", _number(line.allowed_amount)])
    for remark in line.remarks:
        out.append(["LQ", "HE", _fit(remark, 1, 30, "LQ02")])
    return out


def _claim(claim: ClaimPayment) -> list[list[Element]]:
    if claim.status not in CLAIM_STATUSES:
        raise ValueError("a claim's status is one the 835 guide lists (CLP02)")
    if claim.filing_indicator not in FILING_INDICATORS:
        raise ValueError("a claim's filing indicator is one the 835 guide lists (CLP06)")
    p = claim.patient
    if (p.id_qualifier is None) != (p.identifier is None):
        raise ValueError("the patient's NM108 and NM109 come together")
    if p.id_qualifier is not None and p.id_qualifier not in PATIENT_ID_QUALIFIERS:
        raise ValueError("the patient's NM108 is one the 835 guide lists")
    responsibility = claim.patient_responsibility
    out: list[list[Element]] = [
        [
            "CLP",
            _fit(claim.patient_control_number, 1, 38, "CLP01"),
            claim.status,
            _number(claim.charge),
            _number(claim.paid),
            None if responsibility is None else _number(responsibility),
            claim.filing_indicator,
            _fit(claim.payer_claim_control_number, 1, 50, "CLP07"),
        ]
    ]
    out += _cas(claim.adjustments)
    out.append(
        ["NM1", "QC", "1", _fit(p.last_name, 1, 60, "NM103"), _fit(p.first_name, 1, 35, "NM104"),
         None, None, None, p.id_qualifier, _fit(p.identifier, 2, 80, "NM109")]
    )  # fmt: skip
    if claim.statement_from is not None:
        out.append(["DTM", "232", _d8(claim.statement_from)])
    if claim.statement_to is not None:
        out.append(["DTM", "233", _d8(claim.statement_to)])
    if claim.received is not None:
        out.append(["DTM", "050", _d8(claim.received)])
    for line in claim.services:
        out += _service(line)
    return out


def _plb(adjustments: Sequence[ProviderAdjustment]) -> list[list[Element]]:
    """PLB segments: consecutive adjustments of one provider and fiscal period share a
    segment, six at most."""
    out: list[list[Element]] = []
    current: list[Element] = []
    key: tuple[str, dt.date] | None = None
    for adj in adjustments:
        if adj.reason not in PROVIDER_ADJUSTMENT_REASONS:
            raise ValueError("a provider adjustment's reason is one the 835 guide lists")
        if key != (adj.provider_id, adj.fiscal_period_end) or len(current) == 15:
            key = (adj.provider_id, adj.fiscal_period_end)
            current = [
                "PLB", _fit(adj.provider_id, 1, 50, "PLB01"), _d8(adj.fiscal_period_end),
            ]  # fmt: skip
            out.append(current)
        reference = _fit(adj.reference, 1, 50, "PLB03-02")
        current.extend([[adj.reason, reference], _number(adj.amount)])
    return out


def _bank_elements(bank: BankAccount, accounts: frozenset[str]) -> list[Element]:
    if bank.dfi_qualifier not in ("01", "04") or bank.account_qualifier not in accounts:
        raise ValueError("a bank account's qualifiers are ones the 835 guide lists (BPR06-BPR15)")
    return [
        bank.dfi_qualifier, _fit(bank.dfi_id, 3, 12, "BPR07/BPR13"), bank.account_qualifier,
        _fit(bank.account, 1, 35, "BPR09/BPR15"),
    ]  # fmt: skip


def _check_balanced(r: Remittance) -> None:
    for claim in r.claims:
        for line in claim.services:
            if off := line.imbalance():
                raise ValueError(f"a service line does not balance (off by {off})")
        if off := claim.imbalance():
            raise ValueError(f"a claim does not balance (off by {off})")
    if off := r.imbalance():
        raise ValueError(f"the payment does not balance (off by {off})")


def transaction_segments(remittance: Remittance) -> list[list[Element]]:
    """The segments of one 835 transaction set, ST and SE excluded."""
    r = remittance
    _check_balanced(r)
    if r.handling_code not in HANDLING_CODES or r.credit_debit not in ("C", "D"):
        raise ValueError("BPR01 and BPR03 are codes the 835 guide lists")
    if r.payment_method not in PAYMENT_METHODS:
        raise ValueError("the payment method (BPR04) is ACH, BOP, CHK, FWT or NON")
    if r.payment_format not in (None, "CCP", "CTX"):
        raise ValueError("the payment format (BPR05) is CCP or CTX")
    bpr: list[Element] = [
        "BPR", r.handling_code, _number(r.payment_amount), r.credit_debit, r.payment_method,
        r.payment_format,
    ]  # fmt: skip
    if r.sender_bank is not None:
        bpr += [*_bank_elements(r.sender_bank, frozenset({"DA"})), r.payer_id, None]
    else:
        bpr += [None] * 6
    if r.receiver_bank is not None:
        bpr += _bank_elements(r.receiver_bank, frozenset({"DA", "SG"}))
    else:
        bpr += [None] * 4
    bpr.append(_d8(r.payment_date))
    out: list[list[Element]] = [
        bpr,
        ["TRN", "1", _fit(r.trace_number, 1, 50, "TRN02"), _fit(r.payer_id, 10, 10, "TRN03")],
    ]
    if r.production_date is not None:
        out.append(["DTM", "405", _d8(r.production_date)])
    a = r.payer_address
    contact = r.payer_contact
    numbers: list[Element] = []
    for qualifier, number in contact.numbers[:3]:
        if qualifier not in CONTACT_NUMBER_QUALIFIERS:
            raise ValueError("a contact number's qualifier is EM, EX, FX, TE or UR")
        numbers += [qualifier, _fit(number, 1, 256, "PER04")]
    out += [
        ["N1", "PR", _fit(r.payer_name, 1, 60, "N102 (payer)")],
        ["N3", _fit(a.line1, 1, 55, "N301"), _fit(a.line2, 1, 55, "N302")],
        ["N4", _fit(a.city, 2, 30, "N401"), _fit(a.state, 2, 2, "N402"),
         _fit(a.postal_code, 3, 15, "N403")],
        ["PER", "BL", _fit(contact.name, 1, 60, "PER02"), *numbers],
    ]  # fmt: skip
    payee = _fit(r.payee_name, 1, 60, "N102 (payee)")
    if r.payee_npi is not None:
        out.append(["N1", "PE", payee, "XX", _fit(r.payee_npi, 2, 80, "N104")])
        if r.payee_tax_id is not None:
            out.append(["REF", "TJ", _fit(r.payee_tax_id, 1, 50, "REF02")])
    elif r.payee_tax_id is not None:
        out.append(["N1", "PE", payee, "FI", _fit(r.payee_tax_id, 2, 80, "N104")])
    else:
        raise ValueError("the payee needs an NPI or a tax id (N103/N104)")
    if r.claims:
        out.append(["LX", "1"])
        for claim in r.claims:
            out += _claim(claim)
    out += _plb(r.provider_adjustments)
    return out


def write_835(
    remittances: Iterable[Remittance],
    *,
    sender: str,
    receiver: str,
    control_number: int,
    when: dt.datetime,
    usage: str = "P",
    sender_qualifier: str = "ZZ",
    receiver_qualifier: str = "ZZ",
    delimiters: Delimiters = Delimiters(),
    newline: bool = False,
) -> str:
    """One interchange (ISA/GS HP/.../GE/IEA) holding one 835 transaction set per remittance.

    Raises ``ValueError`` for a remittance the guide would not accept: one that does not
    balance, a code it does not list, a payee without an identifier, data holding a delimiter.
    """
    sets = [TransactionSet("835", None, transaction_segments(r)) for r in remittances]
    return interchange(
        sets,
        sender_id=sender,
        receiver_id=receiver,
        control_number=control_number,
        functional_id=FUNCTIONAL_ID_835,
        version=VERSION_835,
        when=when,
        usage=usage,
        sender_qualifier=sender_qualifier,
        receiver_qualifier=receiver_qualifier,
        delimiters=delimiters,
        newline=newline,
    )

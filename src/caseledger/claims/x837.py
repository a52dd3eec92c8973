"""837P professional claims (005010X222A1) from clean lines.

The layout follows the X12 implementation guide for professional claims, version 5010 with
addenda (X222A1):

- the header (BHT) and the submitter (1000A) and receiver (1000B);
- the billing provider (2000A/2010AA): the agency, with its NPI, address and employer id;
- one subscriber (2000B/2010BA) per client: the client is the subscriber (SBR02 18, self), named
  by Medicaid id (NM108 MI), with the payer (2010BB);
- claims (2300): CLM with place of service and frequency (1 original, 7 replacement, 8 void;
  the last two carry the payer's claim number in REF F8), and the ICD-10-CM codes in HI (ABK
  for the principal, ABF for the others);
- lines (2400): SV1 with HC, the code and up to four modifiers, the charge, UN and the units,
  and up to four diagnosis pointers; DTP 472 with the date of service; REF G1 with the prior
  authorization; REF 6R with the line's control number (the encounter id, which the 835
  returns); and the rendering provider (2420A) by NPI.

Claims group one client's lines of one calendar month, at most as many lines as the payer
profile allows (the guide caps the 2400 loop at 50).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from caseledger.claims.lines import BillingLine
from caseledger.claims.profile import PayerProfile
from caseledger.facts.dataset import Dataset, Row
from caseledger.facts.periods import in_force

Segment = list[str | list[str]]

#: the implementation guide of a professional claim (GS08 and ST03)
VERSION_837P = "005010X222A1"


@dataclass(frozen=True)
class Claim:
    """One 2300 loop: a client's lines, known to the payer by ``claim_id`` (CLM01)."""

    claim_id: str
    client_id: str
    lines: tuple[BillingLine, ...]
    frequency: str = "1"
    #: the payer's number for the claim replaced or voided (REF F8)
    payer_claim_number: str | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal(0))


def group_claims(
    lines: Sequence[BillingLine], profile: PayerProfile, first_number: int, prefix: str
) -> list[Claim]:
    """Claims of one client and one month each, split at the profile's line limit. Claim ids
    are ``prefix`` and a running number: they name no person, so they can travel on paper."""
    by_key: dict[tuple[str, str], list[BillingLine]] = defaultdict(list)
    for line in lines:
        by_key[(line.client_id, line.month)].append(line)
    claims: list[Claim] = []
    number = first_number
    for (client_id, _month), group in sorted(by_key.items()):
        group.sort(key=lambda ln: (ln.date, ln.encounter_id))
        for i in range(0, len(group), profile.max_lines_per_claim):
            chunk = tuple(group[i : i + profile.max_lines_per_claim])
            claims.append(Claim(f"{prefix}{number:06d}", client_id, chunk))
            number += 1
    return claims


_NOT_DIGIT = re.compile(r"\D")
_DELIMITERS_OR_SPACES = re.compile(r"[*:^~|>\s]+")
_NOT_CODE = re.compile(r"[^A-Z0-9]")


def _digits(value: object) -> str:
    return _NOT_DIGIT.sub("", str(value or ""))


def _text(value: object, limit: int = 60) -> str:
    """An element value: upper case, no delimiter characters or line breaks, at most ``limit``
    long."""
    return _DELIMITERS_OR_SPACES.sub(" ", str(value or "")).strip().upper()[:limit]


def _money(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text[:-3] if text.endswith(".00") else text.rstrip("0")


def _units(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _d8(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


class _Lookup:
    def __init__(self, dataset: Dataset) -> None:
        self.clients = {str(c["client_id"]): c for c in dataset.rows("clients")}
        self.staff = {str(s["staff_id"]): s for s in dataset.rows("staff")}
        self.diagnoses: dict[str, list[Row]] = defaultdict(list)
        for d in dataset.rows("diagnoses"):
            self.diagnoses[str(d["client_id"])].append(d)
        for rows in self.diagnoses.values():
            rows.sort(key=lambda d: (d.get("rank") or 99, str(d["icd10"])))
        agencies = dataset.rows("agency")
        self.agency: Row = agencies[0] if agencies else {}
        self._codes: dict[tuple[str, dt.date], list[str]] = {}

    def codes_on(self, client_id: str, day: dt.date) -> list[str]:
        """The client's diagnosis codes in force on ``day``, principal first."""
        key = (client_id, day)
        found = self._codes.get(key)
        if found is None:
            found = [
                _digits_letters(d["icd10"])
                for d in self.diagnoses.get(client_id, ())
                if in_force(day, d)
            ]
            self._codes[key] = found
        return found


def _digits_letters(code: object) -> str:
    """An ICD-10-CM code as X12 carries it: without the dot."""
    return _NOT_CODE.sub("", str(code).upper())


def _name_parts(row: Row) -> tuple[str, str]:
    return _text(row.get("last_name"), 60), _text(row.get("first_name"), 35)


def claim_segments(claim: Claim, look: _Lookup, profile: PayerProfile) -> list[Segment]:
    """The 2300 and 2400 loops of one claim."""
    codes: list[str] = []
    for line in claim.lines:
        for code in look.codes_on(claim.client_id, line.date):
            if code not in codes and len(codes) < profile.max_diagnoses:
                codes.append(code)
    first = claim.lines[0]
    claim_pos = profile.pos(first.place)
    billing_npi = _digits(look.agency.get("npi"))
    out: list[Segment] = [
        [
            "CLM",
            claim.claim_id,
            _money(claim.total),
            "",
            "",
            [claim_pos, "B", claim.frequency],
            "Y",
            "A",
            "Y",
            "Y",
        ]
    ]
    if claim.payer_claim_number:
        out.append(["REF", "F8", _text(claim.payer_claim_number, 50)])
    out.append(["HI", *[["ABK" if i == 0 else "ABF", code] for i, code in enumerate(codes)]])
    for n, line in enumerate(claim.lines, start=1):
        pointers = [
            str(codes.index(c) + 1) for c in look.codes_on(claim.client_id, line.date) if c in codes
        ][:4] or ["1"]
        line_pos = profile.pos(line.place)
        out.append(["LX", str(n)])
        out.append(
            [
                "SV1",
                ["HC", line.service_code, *line.modifiers[:4]],
                _money(line.charge),
                "UN",
                _units(line.units),
                line_pos if line_pos != claim_pos else "",
                "",
                pointers,
            ]
        )
        out.append(["DTP", "472", "D8", _d8(line.date)])
        if line.authorization_number:
            out.append(["REF", "G1", _text(line.authorization_number, 50)])
        out.append(["REF", "6R", _text(line.encounter_id, 50)])
        staff = look.staff.get(line.staff_id or "")
        npi = _digits(staff.get("npi")) if staff else ""
        if staff and len(npi) == 10 and npi != billing_npi:
            last, given = _name_parts(staff)
            out.append(["NM1", "82", "1", last, given, "", "", "", "XX", npi])
    return out


def transaction(
    claims: Sequence[Claim],
    dataset: Dataset,
    profile: PayerProfile,
    *,
    reference: str,
    created: dt.datetime,
    submitter_id: str,
    contact: Mapping[str, str],
) -> list[Segment]:
    """The segments of one 837P transaction set, ST and SE excluded."""
    look = _Lookup(dataset)
    agency = look.agency
    out: list[Segment] = [
        [
            "BHT",
            "0019",
            "00",
            reference,
            _d8(created.date()),
            created.strftime("%H%M"),
            profile.transaction_type,
        ],
        ["NM1", "41", "2", _text(agency.get("name")), "", "", "", "", "46", submitter_id],
        [
            "PER",
            "IC",
            _text(contact.get("name") or agency.get("name")),
            "TE",
            _digits(contact.get("phone") or agency.get("phone")),
        ],
        ["NM1", "40", "2", _text(profile.receiver.name), "", "", "", "", "46", profile.receiver.id],
        ["HL", "1", "", "20", "1"],
        [
            "NM1",
            "85",
            "2",
            _text(agency.get("name")),
            "",
            "",
            "",
            "",
            "XX",
            _digits(agency.get("npi")),
        ],
        ["N3", _text(agency.get("address_line"), 55)],
        [
            "N4",
            _text(agency.get("city"), 30),
            _text(agency.get("state"), 2),
            _digits(agency.get("zip")),
        ],
        ["REF", "EI", _digits(agency.get("tax_id"))],
    ]
    by_client: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_client[claim.client_id].append(claim)
    hl = 1
    for client_id in sorted(by_client):
        hl += 1
        client = look.clients.get(client_id, {})
        last, given = _name_parts(client)
        out += [
            ["HL", str(hl), "1", "22", "0"],
            ["SBR", "P", "18", "", "", "", "", "", "", profile.claim_filing_indicator],
            ["NM1", "IL", "1", last, given, "", "", "", "MI", _text(client.get("medicaid_id"), 80)],
        ]
        if client.get("address_line"):
            out += [
                ["N3", _text(client.get("address_line"), 55)],
                [
                    "N4",
                    _text(client.get("city"), 30),
                    _text(client.get("state"), 2),
                    _digits(client.get("zip")),
                ],
            ]
        dob = client.get("dob")
        if isinstance(dob, dt.date):
            sex = str(client.get("sex") or "U").upper()[:1]
            out.append(["DMG", "D8", _d8(dob), sex if sex in ("M", "F") else "U"])
        out.append(
            [
                "NM1",
                "PR",
                "2",
                _text(profile.payer.name),
                "",
                "",
                "",
                "",
                profile.payer.id_qualifier,
                profile.payer.id,
            ]
        )
        for claim in by_client[client_id]:
            out += claim_segments(claim, look, profile)
    return out

"""Identifiers the record knows: the client's names, Medicaid id, birth date, address and phone,
the names the record holds of other people, and the agency's staff, found in a text in the forms
people write them.

Variants matched: any case (an everyday word such as "Hope" or "Bill" only with its capital),
the first or last name alone, possessives ("Dana's"), hyphenated surnames in part, the birth date
in any common date form, the phone in any grouping, the Medicaid id with or without spaces or
dashes, the street address with or without its unit, and the ZIP code. Nicknames are matched only
when the record holds them.

Reading a client's identifiers from the store is a read of PHI: it goes through the store's
repositories, which write the access-log entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from caseledger.redaction import lexicon
from caseledger.redaction.spans import PhiType, Span

if TYPE_CHECKING:
    from caseledger.store.unit_of_work import UnitOfWork

#: columns beyond the dataset contract that, when a clients.csv carries them, name other people
#: or give other ways to reach the client (kept by the store as extra columns)
EXTRA_NAME_COLUMNS = (
    "nickname", "preferred_name", "aliases", "alias", "guardian", "guardian_name",
    "emergency_contact", "emergency_contact_name", "contact_name", "mother", "father", "spouse",
)  # fmt: skip
EXTRA_PHONE_COLUMNS = ("phone2", "cell", "mobile", "guardian_phone", "emergency_contact_phone")
EXTRA_EMAIL_COLUMNS = ("email", "e_mail", "guardian_email")


class UnknownClient(LookupError):
    """The store holds no client with the id given."""


@dataclass(frozen=True)
class KnownIdentifiers:
    """What the record knows about one client and the people around them. Every field may be
    empty; names are written as the record writes them ("Dana", "Whitfield")."""

    client_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    aliases: tuple[str, ...] = ()
    dob: dt.date | str | None = None
    medicaid_id: str | None = None
    address_line: str | None = None
    city: str | None = None
    zip: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    #: full names of other people the record holds (guardian, emergency contact)
    contacts: tuple[str, ...] = ()
    #: full names of the agency's staff
    staff: tuple[str, ...] = ()
    _compiled: list[tuple[re.Pattern[str], PhiType]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def find(self, text: str) -> Iterator[Span]:
        """Every place ``text`` mentions one of these identifiers."""
        if not self._compiled:
            self._compiled.extend(_compile(self))
        for pattern, kind in self._compiled:
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    yield Span(match.start(), match.end(), kind, "known")


def _name_parts(names: Iterable[str | None]) -> set[str]:
    parts: set[str] = set()
    for name in names:
        if not name:
            continue
        for part in re.split(r"[\s,]+", name.strip()):
            part = part.strip(".")
            if len(part) < 2:
                continue
            parts.add(part)
            if "-" in part:  # a hyphenated surname is also written in part
                parts.update(p for p in part.split("-") if len(p) >= 2)
    return parts


def _capitalised(part: str) -> str:
    """``part`` with its capital and the rest in any case ("Hope", "HOPE", not "hope")."""
    return rf"{re.escape(part[0].upper())}(?i:{re.escape(part[1:])})"


def _name_pattern(part: str) -> re.Pattern[str]:
    """``part`` as a whole word; everyday words only with their capital ("Hope", not "hope")."""
    if lexicon.is_everyday(part):
        return re.compile(rf"(?<![\w'-]){_capitalised(part)}(?![\w-])")
    return re.compile(rf"(?<![\w'-]){re.escape(part)}(?![\w-])", re.IGNORECASE)


def _digits_pattern(digits: str) -> str:
    """The digits with any spaces, dots or dashes between them, standing alone."""
    return r"(?<![\w-])" + r"[\s.()-]{0,2}".join(digits) + r"(?![\w-])"


_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _date_pattern(day: dt.date) -> str:
    """``day`` in the forms people write a date: 3/14/1961, 03-14-61, 3.14.1961, 1961-03-14,
    March 14, 1961, Mar. 14th 1961, 14 March 1961, 14-Mar-1961. One small pattern, not a list
    of every form, so that building it costs next to nothing."""
    m, d, y = day.month, day.day, day.year
    name = _MONTHS[m - 1]
    month = rf"(?:{name}|{name[:3]}\.?)"
    ordinal = r"(?:st|nd|rd|th)?"
    mm, dd = ("0?" if m < 10 else "") + str(m), ("0?" if d < 10 else "") + str(d)
    century, short = str(y)[:2], f"{y % 100:02d}"
    forms = [
        rf"{mm}([/.-]){dd}\1(?:{century})?{short}",
        rf"{y}-{m:02d}-{d:02d}",
        rf"{month}\s+{dd}{ordinal},?\s+{y}",
        rf"{dd}{ordinal}\s+(?:of\s+)?{month},?\s+{y}",
        rf"{dd}-{month}-{y}",
    ]
    return r"(?<![\w/.-])(?:" + "|".join(f"(?:{f})" for f in forms) + r")(?![\w/-])"


def _as_date(value: dt.date | str) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


_STREET_WORDS = {
    "st": "street", "rd": "road", "dr": "drive", "ln": "lane", "ct": "court", "ave": "avenue",
    "blvd": "boulevard", "ter": "terrace", "trl": "trail", "pl": "place", "pkwy": "parkway",
    "cir": "circle", "hwy": "highway", "n": "north", "s": "south", "e": "east", "w": "west",
    "apt": "apartment",
}  # fmt: skip


def _address_pattern(line: str) -> str:
    """The street line, each word matched in full or abbreviated, separators loose."""
    words = re.findall(r"[\w#'-]+", line)
    alternatives = []
    for word in words:
        lower = word.lower()
        full = _STREET_WORDS.get(lower)
        short = next((k for k, v in _STREET_WORDS.items() if v == lower), None)
        options = [re.escape(word)] + [re.escape(o) for o in (full, short) if o]
        alternatives.append("(?:" + "|".join(options) + r")\.?")
    return r"(?<![\w])" + r"[\s,]*".join(alternatives) + r"(?![\w])"


def _compile(known: KnownIdentifiers) -> Iterator[tuple[re.Pattern[str], PhiType]]:
    """The patterns that find each identifier, most specific first."""
    if known.medicaid_id:
        digits = re.sub(r"\D", "", known.medicaid_id)
        if len(digits) >= 5:
            yield re.compile(_digits_pattern(digits)), PhiType.MEDICAID_ID
        if known.medicaid_id.strip() and not known.medicaid_id.strip().isdigit():
            yield re.compile(re.escape(known.medicaid_id.strip()), re.I), PhiType.MEDICAID_ID
    for phone in known.phones:
        digits = re.sub(r"\D", "", phone)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) == 10:
            yield re.compile(r"(?:\+?1[\s.-]?)?" + _digits_pattern(digits)), PhiType.PHONE
            yield re.compile(_digits_pattern(digits[3:])), PhiType.PHONE
        elif len(digits) >= 7:
            yield re.compile(_digits_pattern(digits)), PhiType.PHONE
    for email in known.emails:
        if email.strip():
            yield re.compile(re.escape(email.strip()), re.I), PhiType.EMAIL
    if known.client_id and known.client_id.strip():
        yield (
            re.compile(rf"(?<![\w-]){re.escape(known.client_id.strip())}(?![\w-])", re.I),
            PhiType.RECORD_NO,
        )
    day = _as_date(known.dob) if known.dob else None
    if day is not None:
        yield re.compile(_date_pattern(day), re.I), PhiType.DATE
    if known.address_line and known.address_line.strip():
        line = known.address_line.strip()
        yield re.compile(_address_pattern(line), re.I), PhiType.ADDRESS
        street = re.split(r",|\s(?:apt|unit|lot|suite|ste|trailer|#)\b", line, flags=re.I)[0]
        if street != line:
            yield re.compile(_address_pattern(street), re.I), PhiType.ADDRESS
    if known.city and known.city.strip():
        yield _name_pattern(known.city.strip()), PhiType.ADDRESS
    if known.zip:
        digits = re.sub(r"\D", "", known.zip)[:5]
        if len(digits) == 5:
            yield re.compile(rf"(?<![\w-]){digits}(?:-\d{{4}})?(?![\w-])"), PhiType.ADDRESS
    people = [known.first_name, known.last_name, *known.aliases, *known.contacts, *known.staff]
    full_names = [
        f"{known.first_name} {known.last_name}" if known.first_name and known.last_name else None,
        *known.contacts,
        *known.staff,
    ]
    whole = sorted(
        {
            r"\s+".join(re.escape(w) for w in n.split())
            for n in full_names
            if n and " " in n.strip()
        },
        key=len,
        reverse=True,
    )
    if whole:
        yield re.compile(rf"(?<![\w])(?:{'|'.join(whole)})(?![\w-])", re.I), PhiType.NAME
    # one pattern for all the name parts (longest first, so "Whitfield-Ross" wins over
    # "Whitfield"), one more for the parts that are everyday words and need their capital
    parts = sorted(_name_parts(people), key=len, reverse=True)
    plain = [re.escape(p) for p in parts if not lexicon.is_everyday(p)]
    everyday = [_capitalised(p) for p in parts if lexicon.is_everyday(p)]
    if plain:
        yield re.compile(rf"(?<![\w'-])(?:{'|'.join(plain)})(?![\w-])", re.I), PhiType.NAME
    if everyday:
        yield re.compile(rf"(?<![\w'-])(?:{'|'.join(everyday)})(?![\w-])"), PhiType.NAME


def _text(row: dict[str, Any], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _listed(value: str | None) -> list[str]:
    return [v.strip() for v in re.split(r"[;|]", value or "") if v.strip()]


def from_store(uow: UnitOfWork, client_id: str) -> KnownIdentifiers:
    """What the store knows of client ``client_id`` and the agency's staff. The read of the
    client's row is access-logged by the repository, in ``uow``'s transaction."""
    client = uow.repo("clients").get(client_id)
    if client is None:
        raise UnknownClient(f"no client {client_id} in the store")
    staff = uow.repo("staff").list_where(agency_id=client["agency_id"])
    staff_names = tuple(
        " ".join(p for p in (_text(s, "first_name"), _text(s, "last_name")) if p)
        for s in staff
        if _text(s, "first_name") or _text(s, "last_name")
    )
    aliases = [a for c in EXTRA_NAME_COLUMNS[:4] for a in _listed(_text(client, c))]
    contacts = [a for c in EXTRA_NAME_COLUMNS[4:] for a in _listed(_text(client, c))]
    phones = [p for c in ("phone", *EXTRA_PHONE_COLUMNS) for p in _listed(_text(client, c))]
    emails = [e for c in EXTRA_EMAIL_COLUMNS for e in _listed(_text(client, c))]
    dob = client.get("dob")
    return KnownIdentifiers(
        client_id=client_id,
        first_name=_text(client, "first_name"),
        last_name=_text(client, "last_name"),
        aliases=tuple(aliases),
        dob=dob if isinstance(dob, dt.date) else None,
        medicaid_id=_text(client, "medicaid_id"),
        address_line=_text(client, "address_line"),
        city=_text(client, "city"),
        zip=_text(client, "zip"),
        phones=tuple(phones),
        emails=tuple(emails),
        contacts=tuple(contacts),
        staff=staff_names,
    )

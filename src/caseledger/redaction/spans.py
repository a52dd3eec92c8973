"""Typed spans: where an identifier sits in a text, and what kind of identifier it is.

The kinds follow the identifiers HIPAA's Safe Harbor method lists (45 CFR 164.514(b)(2)) that turn
up in progress notes: names, dates, phone numbers, e-mail addresses, Social Security numbers,
geographic units smaller than a state, record numbers, health-plan ids (here the Missouri Medicaid
id) and ages over 89.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class PhiType(StrEnum):
    """A kind of identifier; its value is the placeholder's word (``[NAME]``)."""

    NAME = "NAME"
    MEDICAID_ID = "MEDICAID_ID"
    DATE = "DATE"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    SSN = "SSN"
    ADDRESS = "ADDRESS"
    RECORD_NO = "RECORD_NO"
    AGE = "AGE"

    @property
    def placeholder(self) -> str:
        return f"[{self.value}]"


#: When two findings overlap, the more specific kind names the merged span: an id read from the
#: record beats a name guessed from capital letters.
PRIORITY: dict[PhiType, int] = {
    PhiType.SSN: 0,
    PhiType.MEDICAID_ID: 1,
    PhiType.EMAIL: 2,
    PhiType.PHONE: 3,
    PhiType.RECORD_NO: 4,
    PhiType.DATE: 5,
    PhiType.AGE: 6,
    PhiType.ADDRESS: 7,
    PhiType.NAME: 8,
}


@dataclass(frozen=True, order=True)
class Span:
    """Characters ``start``..``end`` (end exclusive) of a text hold an identifier of ``type``.
    ``source`` says what found it (``known``, ``pattern``, ``ner``, ``cue``...), for tuning and
    explanation; it never holds the text itself."""

    start: int
    end: int
    type: PhiType
    source: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"a span runs forward from 0 or later, got {self.start}..{self.end}")

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching-by-overlap spans joined into one, in text order; the joined span
    takes the most specific type of its parts (see ``PRIORITY``)."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for span in ordered:
        if out and span.start < out[-1].end:
            last = out[-1]
            kind = min(last.type, span.type, key=PRIORITY.__getitem__)
            source = last.source if kind is last.type else span.source
            out[-1] = Span(last.start, max(last.end, span.end), kind, source)
        else:
            out.append(span)
    return out

"""Identifiers that have a shape: dates, phone numbers, e-mail addresses, Social Security numbers,
Medicaid ids, record numbers, street addresses, ZIP codes, counties and ages over 89.

A bare number is read by the words just before it: "NPI 1234567890" is a provider's number, not
a phone; "MRN 4471203" is a record number; "Medicaid 9012 3456" is a Medicaid id. What counts
follows HIPAA Safe Harbor (45 CFR 164.514(b)(2)): every element of a date but the year; ages over
89; geographic units smaller than a state. A Missouri Medicaid id (DCN) is eight digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from caseledger.redaction.spans import PhiType, Span

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
    r"|JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?"
    r"|SEP(?:T(?:EMBER)?)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_MM = r"(?:0?[1-9]|1[0-2])"
_DD = r"(?:0?[1-9]|[12]\d|3[01])"
_YEAR = r"(?:19|20)\d{2}"

_DATES = [
    # 3/14/2024, 03-14-24, 03.14.2024
    rf"(?<![\w/.-]){_MM}([/.-]){_DD}\1(?:{_YEAR}|\d{{2}})(?![\w/-])",
    # 2024-03-14, 2024/3/14
    rf"(?<![\w/-]){_YEAR}[-/]{_MM}[-/]{_DD}(?![\w/-])",
    # March 14, 2024; Mar. 14th; March 14 2024
    rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?",
    # 14 March 2024; the 14th of March; 14-Mar-2024
    rf"(?:\bthe\s+)?\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?",
    rf"\b{_DD}-{_MONTH}-{_YEAR}\b",
    # March 2024
    rf"\b{_MONTH},?\s+{_YEAR}\b",
    # 3/14 (no year), unless it reads as a score (see _is_score)
    rf"(?<![\w/.$-]){_MM}/{_DD}(?![\w/]|\.\d)",
]
DATE = re.compile("|".join(f"(?:{d})" for d in _DATES))
#: "rated anxiety 5/10": a score, not a date
_SCORE_CUE = re.compile(
    r"\b(?:rat(?:ed|es|ing)|scale|score[ds]?|pain|level|anxiety|mood|depression|stress|out of)\b"
    r"[^.\n]{0,25}$",
    re.IGNORECASE,
)

EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")

_SEP = r"[\s.-]?"
PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?![\w-])"
    r"|(?<![\w.-])\d{3}[.-]\d{4}(?![\w-])"
)
SSN = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])")
#: an eight-digit id, whole or in groups (9012 3456, 9012-3456, 90 123 456)
MEDICAID = re.compile(r"(?<![\w-])(?:\d{8}|\d{4}[\s-]\d{4}|\d{2}\s\d{3}\s\d{3})(?![\w-])")
#: letters, a dash and digits (C-20417, CL-40213), or a year, a dash and a serial (2024-00871)
RECORD = re.compile(r"\b(?:[A-Z]{1,3}-\d{4,}|(?:19|20)\d{2}-\d{4,6})\b")
#: a long number standing alone: an id of some kind
LONG_NUMBER = re.compile(r"(?<![\w.,$/-])\d{6,12}(?![\w/]|[.,]\d)")

_SUFFIX = (
    r"(?:St|Street|Rd|Road|Dr|Drive|Ln|Lane|Ct|Court|Ave|Avenue|Blvd|Boulevard|Ter|Terrace|Trl"
    r"|Trail|Way|Pl|Place|Pkwy|Parkway|Cir|Circle|Loop|Hwy|Highway|Sq|Square|Row|Pike|Bend"
    r"|Run|Ridge|Hollow|Crossing|Xing|Broadway)\.?"
)
_UNIT = r"(?:,?\s*(?:Apt\.?|Apartment|Unit|Lot|Suite|Ste\.?|Trailer|Rm\.?|Room|#)\s*#?[\w-]+)"
ADDRESS = re.compile(
    rf"\b\d{{1,6}}\s+(?:Highway|Hwy\.?|Route|State Road|County Road|US)\s+\w{{1,4}}\b{_UNIT}?"
    rf"|\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:(?:[A-Z][a-z]+|\d+(?:st|nd|rd|th))\s+){{0,3}}"
    rf"{_SUFFIX}(?![\w]){_UNIT}?"
    r"|\b(?:P\.?\s?O\.?\s+Box|Box)\s+\d+\b",
)
CITY_STATE = re.compile(
    r"\b((?:St\.\s)?[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}),?\s+(?:MO|Mo\.|Missouri)\b"
    r"(?:\s+\d{5}(?:-\d{4})?\b)?"
)
ZIP = re.compile(
    r"(?:\b(?:MO|Mo\.|Missouri)[\s,]+|\bzip\b[^\d\n]{0,15})(\d{5}(?:-\d{4})?)\b", re.IGNORECASE
)
_NOT_A_TOWN = frozenset(
    ["the", "a", "an", "in", "at", "to", "from", "and", "or", "of", "his", "her"]
)
COUNTY = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s+County\b")

_OLD = r"(?:9\d|1[0-2]\d)"
AGE = re.compile(
    rf"\b{_OLD}(?=\s*-?\s*(?:years?|yrs?\.?|y/?o\b|y\.o\.|-year))"
    rf"|(?<=\bage\s){_OLD}\b|(?<=\baged\s){_OLD}\b|(?<=\bturned\s){_OLD}\b"
    rf"|(?<=\bturns\s){_OLD}\b|(?<=\bturning\s){_OLD}\b|(?<=\bAge:\s){_OLD}\b",
    re.IGNORECASE,
)

# What the words before a number say it is: a provider's or a billing number ("skip"), a phone,
# or a kind of identifier.
Label = PhiType | str | None
_LABELS: list[tuple[re.Pattern[str], Label]] = [
    (
        re.compile(r"\b(?:NPI|tax\s*id|TIN|EIN|license|lic\.?|units?|CPT|HCPCS|code)\b", re.I),
        "skip",
    ),
    (re.compile(r"\b(?:SSN|SS#|social\s+security(?:\s+(?:number|no\.?|#))?)", re.I), PhiType.SSN),
    (
        re.compile(
            r"\b(?:medicaid|DCN|MO\s?HealthNet|MHN|health\s?net|insurance)\b(?:\s*(?:id|#|number|no\.?)\b)?",
            re.I,
        ),
        PhiType.MEDICAID_ID,
    ),
    (
        re.compile(r"\b(?:MRN|record|chart|case|file|acct|account|client\s+id|ID|claim)\b", re.I),
        PhiType.RECORD_NO,
    ),
    (re.compile(r"\b(?:phone|cell|tel|telephone|fax|call(?:ed)?|text(?:ed)?)\b", re.I), "phone"),
]


def _label(text: str, start: int) -> Label:
    """What the nearest label before ``start`` says a number is (None: no label). Only the last
    few words of the same line count."""
    before = text[max(0, start - 28) : start].rsplit("\n", 1)[-1]
    best: tuple[int, Label] | None = None
    for pattern, kind in _LABELS:
        for match in pattern.finditer(before):
            if best is None or match.end() > best[0]:
                best = (match.end(), kind)
    return None if best is None else best[1]


def _is_score(text: str, start: int, match: str) -> bool:
    return match.endswith("/10") and _SCORE_CUE.search(text[max(0, start - 40) : start]) is not None


def find(text: str) -> Iterator[Span]:
    """Every identifier with a shape in ``text``."""
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def emit(start: int, end: int, kind: PhiType, source: str = "pattern") -> Span:
        taken.append((start, end))
        return Span(start, end, kind, source)

    for m in EMAIL.finditer(text):
        yield emit(m.start(), m.end(), PhiType.EMAIL)
    for m in SSN.finditer(text):
        if free(m.start(), m.end()):
            yield emit(m.start(), m.end(), PhiType.SSN)
    for m in DATE.finditer(text):
        if free(m.start(), m.end()) and not _is_score(text, m.start(), m.group()):
            yield emit(m.start(), m.end(), PhiType.DATE)
    for m in MEDICAID.finditer(text):
        if not free(m.start(), m.end()):
            continue
        label = _label(text, m.start())
        if label == "skip":
            continue
        kind = label if isinstance(label, PhiType) else PhiType.MEDICAID_ID
        yield emit(m.start(), m.end(), PhiType.PHONE if label == "phone" else kind)
    for m in PHONE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        label = _label(text, m.start())
        digits = sum(c.isdigit() for c in m.group())
        if label == "skip":
            continue
        if label is PhiType.SSN and digits == 9:
            yield emit(m.start(), m.end(), PhiType.SSN)
        elif label in (PhiType.RECORD_NO, PhiType.MEDICAID_ID) and m.group().isdigit():
            yield emit(m.start(), m.end(), PhiType(str(label)))
        else:
            yield emit(m.start(), m.end(), PhiType.PHONE)
    for m in RECORD.finditer(text):
        if free(m.start(), m.end()):
            yield emit(m.start(), m.end(), PhiType.RECORD_NO)
    for m in LONG_NUMBER.finditer(text):
        if not free(m.start(), m.end()):
            continue
        label = _label(text, m.start())
        if label == "skip":
            continue
        if isinstance(label, PhiType):
            kind = label
        elif label == "phone":
            kind = PhiType.PHONE
        else:
            kind = PhiType.SSN if len(m.group()) == 9 else PhiType.RECORD_NO
        yield emit(m.start(), m.end(), kind)
    for m in ADDRESS.finditer(text):
        if free(m.start(), m.end()):
            yield emit(m.start(), m.end(), PhiType.ADDRESS)
    for m in CITY_STATE.finditer(text):
        if m.group(1).split()[0].lower() in _NOT_A_TOWN:
            continue  # "The MO HealthNet referral"
        if free(m.start(1), m.end(1)):
            yield emit(m.start(1), m.end(1), PhiType.ADDRESS)
    for m in ZIP.finditer(text):
        if free(m.start(1), m.end(1)):
            yield emit(m.start(1), m.end(1), PhiType.ADDRESS)
    for m in COUNTY.finditer(text):
        if free(m.start(), m.end()):
            yield emit(m.start(), m.end(), PhiType.ADDRESS)
    for m in AGE.finditer(text):
        if free(m.start(), m.end()):
            yield emit(m.start(), m.end(), PhiType.AGE)

"""ICD-10-CM, offline: is a code real, is it billable, what does it say; and which diagnoses a
text names, by code or by phrase, with negated mentions marked ("denies depression").

The code set is the one the ``simple-icd-10-cm`` package ships (see :func:`release`). A billable
code is the most specific of its branch; a category with subdivisions is valid but not billable,
and the lookup names the codes beneath it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from caseledger.facts import icd10

#: words that deny what follows them in the same sentence (after the NegEx trigger lists)
NEGATIONS = (
    "no",
    "not",
    "denies",
    "denied",
    "deny",
    "without",
    "negative for",
    "no history of",
    "no evidence of",
    "no signs of",
    "free of",
    "rules out",
    "ruled out",
    "rule out",
    "absence of",
)
#: phrases that hold a negation word but deny nothing ("not sure when it began")
PSEUDO_NEGATIONS = ("not sure", "not only", "no change", "no increase", "not certain", "no further")
_PSEUDO = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in PSEUDO_NEGATIONS) + r")\b", re.IGNORECASE
)
#: words that end a negation's reach before the sentence does
_TERMINATORS = re.compile(r"\b(?:but|however|although|except|though)\b", re.IGNORECASE)
#: how many words may stand between a negation and what it denies
NEGATION_REACH = 5
_CODE = re.compile(r"\b([A-TV-Z][0-9][0-9AB](?:\.[0-9A-Z]{1,4}|[0-9A-Z]{1,4})?)\b")
#: a sentence ends at . ! ? or ; followed by a space (a dot inside "F33.1" does not end it)
_SENTENCE = re.compile(r"(?:[^.!?;\n]|[.!?;](?=\S))+")
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@dataclass(frozen=True)
class Diagnosis:
    code: str
    valid: bool
    billable: bool
    description: str | None
    #: for a valid code that is not billable: the more specific codes beneath it (first few)
    narrower: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A diagnosis named in a text: where, how, and the code it is or suggests."""

    start: int
    end: int
    text: str
    #: "code" (written as a code) or "phrase" (named in words)
    kind: str
    code: str
    negated: bool
    valid: bool
    billable: bool
    description: str | None


def release() -> str:
    """The code set's release, as its data file names it (e.g. "April 2026")."""
    found = re.match(r"code-list-(\w+)-(\d{4})\.txt$", icd10.code_list_file().name)
    return f"{found.group(1)} {found.group(2)}" if found else "unknown"


def lookup(code: str) -> Diagnosis:
    """What the code set says of ``code`` (normalized: ``f331`` is ``F33.1``)."""
    text = icd10.normalize(code)
    valid, billable = icd10.status(text)
    if not valid:
        return Diagnosis(text, False, False, None)
    icd = icd10._codes()
    narrower: tuple[str, ...] = ()
    if not billable:
        narrower = tuple(c for c in icd.get_descendants(text) if icd.is_leaf(c))[:8]
    return Diagnosis(text, True, billable, str(icd.get_description(text)), narrower)


@cache
def _phrases() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    raw = yaml.safe_load(
        files("caseledger.codes").joinpath("phrases.yaml").read_text(encoding="utf-8")
    )
    entries = sorted(raw, key=lambda p: -len(p["phrase"]))
    return tuple(
        (
            str(p["phrase"]),
            str(p["code"]),
            re.compile(r"\b" + re.escape(str(p["phrase"])) + r"\b", re.IGNORECASE),
        )
        for p in entries
    )


@cache
def _negation_pattern() -> re.Pattern[str]:
    ordered = sorted(NEGATIONS, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in ordered) + r")\b", re.IGNORECASE)


def _negated(sentence: str, offset: int) -> bool:
    """Whether a negation earlier in ``sentence`` reaches the mention starting at ``offset``."""
    before = _PSEUDO.sub(lambda m: " " * len(m.group(0)), sentence[:offset])
    last = None
    for match in _negation_pattern().finditer(before):
        last = match
    if last is None:
        return False
    between = before[last.end() :]
    if _TERMINATORS.search(between):
        return False
    return len(_WORD.findall(between.lower())) <= NEGATION_REACH


def detect(text: str) -> list[Mention]:
    """Every diagnosis ``text`` names: codes that look like ICD-10-CM codes (checked against the
    code set), and the phrases of the phrase list with the code they suggest. Each mention says
    whether a negation in its sentence denies it."""
    found: list[Mention] = []
    for sentence in _SENTENCE.finditer(text):
        body, base = sentence.group(0), sentence.start()
        taken: list[tuple[int, int]] = []
        for match in _CODE.finditer(body):
            info = lookup(match.group(1))
            if not info.valid:
                continue
            taken.append(match.span())
            found.append(
                Mention(
                    base + match.start(),
                    base + match.end(),
                    match.group(0),
                    "code",
                    info.code,
                    _negated(body, match.start()),
                    True,
                    info.billable,
                    info.description,
                )
            )
        for _, code, pattern in _phrases():
            for match in pattern.finditer(body):
                span = match.span()
                if any(s < span[1] and span[0] < e for s, e in taken):
                    continue  # part of a longer phrase already found
                taken.append(span)
                info = lookup(code)
                found.append(
                    Mention(
                        base + span[0],
                        base + span[1],
                        match.group(0),
                        "phrase",
                        info.code,
                        _negated(body, span[0]),
                        info.valid,
                        info.billable,
                        info.description,
                    )
                )
    found.sort(key=lambda m: m.start)
    return found

"""Missouri place names: the counties, the independent city of St. Louis and the state's cities
and towns, read from ``data/missouri_places.txt`` (public names, as the U.S. Census Bureau lists
them).

HIPAA's Safe Harbor method (45 CFR 164.514(b)(2)(i)(B)) counts every geographic unit smaller than
a state as an identifier, so a town named in a note is one, with or without a street. A name no
English word or person shares ("Sedalia", "Poplar Bluff") is taken wherever it is written with
its capital. A name that is also a word, a person's name or a place elsewhere ("Union",
"Liberty", "Mexico", "Marshall") is taken only where the words around it make it a place: "in",
"near", "lives in", "moved to" before it, or ", MO", a ZIP code or "office" after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from caseledger.redaction import lexicon
from caseledger.redaction.spans import PhiType, Span

PATH = Path(__file__).with_name("data") / "missouri_places.txt"

#: names of states and countries, which Safe Harbor leaves in place when they mean the state
#: or the country: a Missouri town of that name needs a place context
_ELSEWHERE = frozenset(
    [
        "california",
        "nevada",
        "oregon",
        "texas",
        "washington",
        "mississippi",
        "louisiana",
        "mexico",
        "cuba",
        "canton",
        "lebanon",
        "memphis",
        "houston",
        "richmond",
        "cleveland",
        "springfield",
        "albany",
        "vienna",
        "milan",
        "troy",
    ]
)

_BEFORE = re.compile(
    r"\b(?:in|at|near|from|to|outside(?:\s+of)?|around|toward|towards|lives\s+in|moved\s+to"
    r"|of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_AFTER = re.compile(
    r"[ \t]*(?:,[ \t]*(?:MO|Mo\.|Missouri)\b|(?:MO|Missouri)\b|,?[ \t]*\d{5}\b"
    r"|(?:office|library|area|branch|campus|clinic|hospital|shelter|jail|courthouse|city\s+limits)"
    r"\b)"
)


class PlaceListError(ValueError):
    """The place list is not as this module reads it."""


def read(path: Path = PATH) -> dict[str, frozenset[str]]:
    """The names of a place list by section (``county``, ``city``): one name a line under a
    ``[section]`` line; lines starting with "#" are notes."""
    out: dict[str, set[str]] = {}
    section: str | None = None
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            name = line.strip()
            if not name or name.startswith("#"):
                continue
            if name.startswith("[") and name.endswith("]"):
                section = name[1:-1]
                out.setdefault(section, set())
            elif section is None or not name[0].isupper():
                raise PlaceListError(
                    f"{path.name}:{number}: expected a [section] line, then place names with "
                    f"their capital, got {name!r}"
                )
            else:
                out[section].add(name)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def names() -> frozenset[str]:
    """Every place name of the list, as written there ("St. Louis", "Lee's Summit")."""
    return frozenset().union(*read().values())


def _variant(name: str) -> str:
    """A place name as a pattern: "St." also written "St" or "Saint", spaces loose."""
    words = [re.escape(w) for w in name.split()]
    body = r"[ \t]+".join(words)
    return re.sub(r"^(Ste?)\\\.", r"(?:\1\\.?|Saint|Sainte)", body)


@cache
def _pattern() -> re.Pattern[str]:
    ordered = sorted(names(), key=len, reverse=True)
    body = "|".join(_variant(n) for n in ordered)
    return re.compile(rf"(?<![\w'’-])(?:{body})(?![\w'’-])")


@cache
def needs_context(name: str) -> bool:
    """Whether ``name`` is also a word, a person's name or a place elsewhere."""
    if " " in name.strip():
        return False
    lower = name.lower()
    return lower in _ELSEWHERE or lexicon.is_familiar(name)


def find(text: str) -> Iterator[Span]:
    """The Missouri places named in ``text``."""
    for match in _pattern().finditer(text):
        name = match.group()
        if needs_context(name):
            before = text[max(0, match.start() - 25) : match.start()]
            if not (_BEFORE.search(before) or _AFTER.match(text, match.end())):
                continue
        yield Span(match.start(), match.end(), PhiType.ADDRESS, "place")

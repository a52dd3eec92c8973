"""Redaction: find every identifier, then put a typed placeholder, or same-shaped filler, in
its place."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from caseledger.redaction import names, patterns, places
from caseledger.redaction.known import KnownIdentifiers
from caseledger.redaction.spans import PhiType, Span, merge


@dataclass(frozen=True)
class Redaction:
    """The redacted text and where, in the original, each identifier was (offsets into the
    original text; never the values)."""

    text: str
    spans: tuple[Span, ...]

    def counts(self) -> dict[PhiType, int]:
        out: dict[PhiType, int] = {}
        for span in self.spans:
            out[span.type] = out.get(span.type, 0) + 1
        return out


def find(text: str, *, known: KnownIdentifiers | None = None) -> list[Span]:
    """The identifiers in ``text``, merged into non-overlapping spans in text order."""
    return _combine(text, known, names.find(text))


def find_all(
    texts: Sequence[str], *, known: Sequence[KnownIdentifiers | None] | None = None
) -> list[list[Span]]:
    """``find`` for many texts at once (``known[i]`` goes with ``texts[i]``): the name
    recogniser reads them in batches, several times faster than one by one."""
    knowns = list(known) if known is not None else [None] * len(texts)
    if len(knowns) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(knowns)} sets of known identifiers")
    return [
        _combine(text, k, found)
        for text, k, found in zip(texts, knowns, names.find_all(texts), strict=True)
    ]


def _combine(text: str, known: KnownIdentifiers | None, found_names: list[Span]) -> list[Span]:
    found: list[Span] = []
    if known is not None:
        found.extend(known.find(text))
    found.extend(patterns.find(text))
    found.extend(places.find(text))
    found.extend(found_names)
    found.extend(names.spread(text, found))
    found = _names_over_guessed_places(found)
    spans = merge(_without_full_stop(text, found))
    spans = merge([*spans, *_zip_after_place(text, spans)])
    return join_names(text, spans)


#: where a span comes from when only the recogniser or an unknown capitalised word calls it a
#: place, a weaker call than a cue, a census name or the record
_GUESSED = frozenset(["ner", "unknown"])


def _names_over_guessed_places(spans: list[Span]) -> list[Span]:
    """A word that a cue, the census lists or the record give as a name, and that only the
    recogniser calls a place, is a name ("Name: Rosenberg, Kenji"), so it joins the name
    beside it."""
    named = {(s.start, s.end) for s in spans if s.type is PhiType.NAME and s.source not in _GUESSED}
    return [
        s
        for s in spans
        if not (s.type is PhiType.ADDRESS and s.source in _GUESSED and (s.start, s.end) in named)
    ]


def _without_full_stop(text: str, spans: list[Span]) -> list[Span]:
    """An address that ends a sentence ("lives on Main St.") leaves the sentence its full stop:
    a "." at a span's end, with the text ending or a space after it, is not taken."""
    out = []
    for span in spans:
        if (
            span.type is PhiType.ADDRESS
            and span.end - span.start > 1
            and text[span.end - 1] == "."
            and (span.end == len(text) or text[span.end].isspace())
        ):
            span = Span(span.start, span.end - 1, span.type, span.source)
        out.append(span)
    return out


_ZIP_AFTER = re.compile(r",?[ \t]*(\d{5}(?:-\d{4})?)(?![\w-])")


def _zip_after_place(text: str, spans: list[Span]) -> list[Span]:
    """A five-digit number right after a town found is its ZIP code ("Ava 65608")."""
    out = []
    for span in spans:
        if span.type is PhiType.ADDRESS:
            match = _ZIP_AFTER.match(text, span.end)
            if match:
                out.append(Span(match.start(1), match.end(1), PhiType.ADDRESS, "pattern"))
    return out


#: what may stand between two parts of one name: "Dana Whitfield", "Whitfield, Dana"
_BETWEEN_NAMES = re.compile(r"[ \t]+|,[ \t]+|\.[ \t]*")


def join_names(text: str, spans: list[Span]) -> list[Span]:
    """Name spans with only a space or a comma between them become one span, so a full name is
    replaced whole ("[NAME]", not "[NAME] [NAME]")."""
    out: list[Span] = []
    for span in spans:
        if out and out[-1].type is PhiType.NAME and span.type is PhiType.NAME:
            gap = text[out[-1].end : span.start]
            if _BETWEEN_NAMES.fullmatch(gap):
                out[-1] = Span(out[-1].start, span.end, PhiType.NAME, out[-1].source)
                continue
        out.append(span)
    return out


def shape_of(value: str) -> str:
    """Same-shaped filler: letters become ``X``, digits ``0``; everything else (spaces, line
    breaks, punctuation) stays, so columns and line lengths do not move."""
    return "".join("X" if c.isalpha() else "0" if c.isdigit() else c for c in value)


def apply(text: str, spans: list[Span] | tuple[Span, ...], *, keep_shape: bool = False) -> str:
    """``text`` with each (non-overlapping, ordered) span replaced."""
    out: list[str] = []
    at = 0
    for span in spans:
        out.append(text[at : span.start])
        original = text[span.start : span.end]
        out.append(shape_of(original) if keep_shape else span.type.placeholder)
        at = span.end
    out.append(text[at:])
    return "".join(out)


def redact_all(
    texts: Sequence[str],
    *,
    known: Sequence[KnownIdentifiers | None] | None = None,
    keep_shape: bool = False,
) -> list[Redaction]:
    """``redact`` for many texts at once; faster than one by one (see ``find_all``)."""
    return [
        Redaction(apply(text, spans, keep_shape=keep_shape), tuple(spans))
        for text, spans in zip(texts, find_all(texts, known=known), strict=True)
    ]


def redact(
    text: str, *, known: KnownIdentifiers | None = None, keep_shape: bool = False
) -> Redaction:
    """``text`` with its identifiers replaced by typed placeholders (``[NAME]``, ``[DATE]``...),
    or, with ``keep_shape``, by filler of the same length and layout (see ``shape_of``)."""
    spans = find(text, known=known)
    return Redaction(apply(text, spans, keep_shape=keep_shape), tuple(spans))

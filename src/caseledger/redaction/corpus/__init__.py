"""The labelled redaction corpus: synthetic progress notes with their identifiers marked.

``notes.jsonl`` holds one note a line: its id, its split (``dev`` or ``heldout``), its text, what
the client's record knows (or null when the note is redacted without it) and the gold spans
(type, offsets, and whether the record holds the value). ``build.py`` beside it wrote it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caseledger.redaction.known import KnownIdentifiers
from caseledger.redaction.spans import PhiType, Span

PATH = Path(__file__).with_name("notes.jsonl")
SPLITS = ("dev", "heldout")


class CorpusError(ValueError):
    """The corpus file is not as ``build.py`` writes it."""


@dataclass(frozen=True)
class GoldSpan:
    """An identifier the note holds; ``in_record`` when the client's record holds its value."""

    span: Span
    in_record: bool


@dataclass(frozen=True)
class LabelledNote:
    id: str
    split: str
    text: str
    known: KnownIdentifiers | None
    gold: tuple[GoldSpan, ...]


def _known(data: Any) -> KnownIdentifiers | None:
    if data is None:
        return None
    return KnownIdentifiers(
        client_id=data.get("client_id"),
        first_name=data.get("first_name"),
        last_name=data.get("last_name"),
        aliases=tuple(data.get("aliases") or ()),
        dob=data.get("dob"),
        medicaid_id=data.get("medicaid_id"),
        address_line=data.get("address_line"),
        city=data.get("city"),
        zip=data.get("zip"),
        phones=tuple(p for p in [data.get("phone")] if p),
        staff=tuple(data.get("staff") or ()),
    )


def parse(line: str, where: str) -> LabelledNote:
    """One line of the corpus file; ``where`` names it in errors (``notes.jsonl:12``)."""
    try:
        data = json.loads(line)
        text = str(data["text"])
        gold = []
        for raw in data["spans"]:
            span = Span(int(raw["start"]), int(raw["end"]), PhiType(raw["type"]), "gold")
            if span.end > len(text):
                raise ValueError(f"span {span.start}..{span.end} runs past the text")
            gold.append(GoldSpan(span, raw.get("source") == "record"))
        split = str(data["split"])
        if split not in SPLITS:
            raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
        return LabelledNote(str(data["id"]), split, text, _known(data["known"]), tuple(gold))
    except (KeyError, TypeError, ValueError) as error:
        raise CorpusError(
            f"{where}: not a labelled note ({type(error).__name__}: {error})"
        ) from None


def load(split: str | None = None, path: Path = PATH) -> list[LabelledNote]:
    """The notes of ``split`` (``dev``, ``heldout``), or all of them."""
    if split is not None and split not in SPLITS:
        raise CorpusError(f"no split {split!r}; expected one of {', '.join(SPLITS)}")
    notes = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                notes.append(parse(line, f"{path.name}:{number}"))
    return [n for n in notes if split is None or n.split == split]

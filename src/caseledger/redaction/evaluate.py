"""Scoring a redactor against the labelled corpus.

Matching, character by character:

- a gold span is **found** when every one of its characters lies inside some predicted span
  (whatever type the prediction gave it): half a name left in the text is a miss;
- a predicted span is **correct** when it overlaps at least one gold span, and a false positive
  when it overlaps none.

Recall is found gold spans over all gold spans, overall and per gold type (type-insensitive:
a phone number redacted as a record number is still redacted). Precision is correct predicted
spans over all predicted spans, overall and per predicted type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from caseledger.redaction.corpus import GoldSpan, LabelledNote
from caseledger.redaction.spans import Span

#: a predicted span: offsets and a type name (other tools have their own type names)
Predicted = tuple[int, int, str]
Redactor = Callable[[LabelledNote], Sequence[Predicted]]


@dataclass
class Score:
    gold: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    #: (note id, gold type, start, end) of every gold span missed, for inspection
    misses: list[tuple[str, str, int, int]] = field(default_factory=list)
    #: (note id, predicted type, start, end) of every false positive
    false_positives: list[tuple[str, str, int, int]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        total = sum(self.gold.values())
        return sum(self.found.values()) / total if total else 1.0

    @property
    def precision(self) -> float:
        total = sum(self.predicted.values())
        return sum(self.correct.values()) / total if total else 1.0

    def recall_of(self, kind: str) -> float:
        return self.found[kind] / self.gold[kind] if self.gold[kind] else float("nan")

    def precision_of(self, kind: str) -> float:
        return self.correct[kind] / self.predicted[kind] if self.predicted[kind] else float("nan")


def _covered(predicted: Sequence[Predicted], length: int) -> bytearray:
    mask = bytearray(length)
    for start, end, _ in predicted:
        mask[max(0, start) : min(length, end)] = b"\x01" * (min(length, end) - max(0, start))
    return mask


def score_note(
    note: LabelledNote, predicted: Sequence[Predicted], into: Score, *, by_source: bool = False
) -> None:
    """Adds one note's counts to ``into``. With ``by_source``, gold names are also counted under
    ``NAME (record)`` and ``NAME (other)``, by whether the client's record holds them."""
    mask = _covered(predicted, len(note.text))
    for gold in note.gold:
        kinds = [str(gold.span.type)]
        if by_source and gold.span.type == "NAME":
            kinds.append("NAME (record)" if gold.in_record else "NAME (other)")
        hit = all(mask[gold.span.start : gold.span.end])
        for kind in kinds:
            into.gold[kind] += 1
            if hit:
                into.found[kind] += 1
        if not hit:
            into.misses.append((note.id, kinds[0], gold.span.start, gold.span.end))
    for start, end, kind in predicted:
        into.predicted[kind] += 1
        if any(g.span.start < end and start < g.span.end for g in note.gold):
            into.correct[kind] += 1
        else:
            into.false_positives.append((note.id, kind, start, end))


def evaluate(
    notes: Iterable[LabelledNote], redactor: Redactor, *, by_source: bool = False
) -> Score:
    score = Score()
    for note in notes:
        score_note(note, redactor(note), score, by_source=by_source)
    return score


def ours(note: LabelledNote) -> list[Predicted]:
    """caseledger's redactor, given what the note's record knows."""
    from caseledger.redaction.redactor import find

    return [(s.start, s.end, str(s.type)) for s in find(note.text, known=note.known)]


def ours_all(notes: Sequence[LabelledNote]) -> list[list[Predicted]]:
    """``ours`` for many notes at once, the name recogniser reading them in batches."""
    from caseledger.redaction.redactor import find_all

    found = find_all([n.text for n in notes], known=[n.known for n in notes])
    return [[(s.start, s.end, str(s.type)) for s in spans] for spans in found]


def gold_spans(note: LabelledNote) -> list[GoldSpan]:
    return list(note.gold)


__all__ = [
    "Predicted", "Redactor", "Score", "Span", "evaluate", "ours", "ours_all", "score_note",
]  # fmt: skip

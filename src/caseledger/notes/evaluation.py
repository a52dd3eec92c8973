"""Measuring a note analyzer against a labelled corpus of notes.

A corpus is a JSON Lines file, one note a line, each labelled by a person with what a compliance
reviewer would read in it: the kinds of activity the note describes as done (the pack's keys, after
negations and documented exceptions), whether it is billable community support work, and whether
it ties the service to a crisis, needed supports or one of the plan goals given with it. Each note
belongs to a split, ``dev`` (for tuning) or ``heldout`` (for measuring only).

:func:`evaluate` reads every note with an analyzer and counts, per label, how often the analyzer
agrees: precision (of what it said, how much was right) and recall (of what was there, how much it
found).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caseledger.notes.analyzer import NoteAnalysis, NoteAnalyzer

#: the splits a corpus note may belong to
SPLITS = ("dev", "heldout")
#: the label of the tie to a crisis, supports or a plan goal, and of billability
GOAL_TIE = "goal_tie"
BILLABLE = "billable"
#: the date the corpus notes are read on (every pack's vocabulary in force that day)
CORPUS_DATE = dt.date(2025, 1, 8)


class CorpusError(ValueError):
    """A corpus line that cannot be read; the message names the file, line and field."""


@dataclass(frozen=True)
class CorpusNote:
    """One labelled note."""

    id: str
    split: str
    program: str
    text: str
    goals: tuple[str, ...]
    activities: frozenset[str]
    billable: bool
    goal_tie: bool


def _field(row: Mapping[str, Any], name: str, kind: type, where: str) -> Any:
    if name not in row:
        raise CorpusError(f"{where}: field {name!r} is missing")
    value = row[name]
    if not isinstance(value, kind):
        raise CorpusError(
            f"{where}: field {name!r} should be a {kind.__name__}, not {type(value).__name__}"
        )
    return value


def _strings(row: Mapping[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = _field(row, name, list, where)
    if not all(isinstance(v, str) for v in value):
        raise CorpusError(f"{where}: field {name!r} should be a list of strings")
    return tuple(value)


def read_corpus(path: Path, *, kinds: Iterable[str] | None = None) -> list[CorpusNote]:
    """The notes of a corpus file. ``kinds``, when given, are the activity keys a label may use
    (a label outside them is an error, so a renamed pack key cannot silently empty a label)."""
    known = None if kinds is None else frozenset(kinds)
    notes: list[CorpusNote] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            where = f"{path.name}, line {number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise CorpusError(f"{where}: not a JSON object ({e.msg})") from None
            if not isinstance(row, dict):
                raise CorpusError(f"{where}: expected a JSON object")
            note_id = _field(row, "id", str, where)
            if note_id in seen:
                raise CorpusError(f"{where}: field 'id' repeats {note_id!r}")
            seen.add(note_id)
            split = _field(row, "split", str, where)
            if split not in SPLITS:
                raise CorpusError(f"{where}: field 'split' should be one of {SPLITS}")
            activities = frozenset(_strings(row, "activities", where))
            if known is not None and not activities <= known:
                unknown = ", ".join(sorted(activities - known))
                raise CorpusError(f"{where}: field 'activities' names unknown kinds: {unknown}")
            notes.append(
                CorpusNote(
                    id=note_id,
                    split=split,
                    program=_field(row, "program", str, where),
                    text=_field(row, "text", str, where),
                    goals=_strings(row, "goals", where),
                    activities=activities,
                    billable=_field(row, "billable", bool, where),
                    goal_tie=_field(row, "goal_tie", bool, where),
                )
            )
    return notes


def predicted(analysis: NoteAnalysis) -> frozenset[str]:
    """The labels an analysis gives a note: the activity kinds it counts, ``billable`` when it
    counts billable work and nothing non-billable or excluded, ``goal_tie`` when it is tied."""
    labels = {m.kind for m in analysis.mentions()}
    if analysis.mentions("billable") and not analysis.mentions("nonbillable", "excluded"):
        labels.add(BILLABLE)
    if analysis.tied:
        labels.add(GOAL_TIE)
    return frozenset(labels)


def expected(note: CorpusNote) -> frozenset[str]:
    """The labels a person gave the note, in the same terms as :func:`predicted`."""
    labels = set(note.activities)
    if note.billable:
        labels.add(BILLABLE)
    if note.goal_tie:
        labels.add(GOAL_TIE)
    return frozenset(labels)


@dataclass
class Score:
    """Agreement on one label."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    #: ids of the notes the analyzer got wrong, for reading
    misses: list[str] = field(default_factory=list)

    @property
    def support(self) -> int:
        return self.true_pos + self.false_neg

    @property
    def precision(self) -> float:
        said = self.true_pos + self.false_pos
        return self.true_pos / said if said else 1.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.support if self.support else 1.0


def evaluate(
    analyzer: NoteAnalyzer, notes: Sequence[CorpusNote], *, on: dt.date = CORPUS_DATE
) -> dict[str, Score]:
    """Per label, how the analyzer's reading of ``notes`` agrees with their labels."""
    scores: dict[str, Score] = {}
    for note in notes:
        analysis = analyzer.analyze(note.text, program=note.program, on=on, goals=note.goals)
        said, truth = predicted(analysis), expected(note)
        for label in said | truth:
            score = scores.setdefault(label, Score())
            if label in said and label in truth:
                score.true_pos += 1
            elif label in said:
                score.false_pos += 1
                score.misses.append(note.id)
            else:
                score.false_neg += 1
                score.misses.append(note.id)
    return scores

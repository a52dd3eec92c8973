"""What a progress note says, in the terms the note-text rules need, behind one small interface.

A :class:`NoteAnalyzer` reads one note and returns a :class:`NoteAnalysis`: which activities the
note describes (billable community support functions, non-billable activities, excluded services),
each with the words that show it and where they are; which ambiguous terms it leans on and whether
it also says concretely what the worker did; the words that tie it to a crisis or to needed
supports; how it relates to each plan goal; the words that show the client building their own
skill; and education topics that suit a group.

The rules depend on this module only. The built-in analyzer (``notes.lexical``) reads words and
phrases from the policy packs; another analyzer (say, one built on sentence embeddings) can take its
place behind the same interface, with its own idea of when a note "clearly addresses" a goal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Section = Literal["billable", "nonbillable", "excluded"]
#: one note to read: its text, its program, its date of service and the plan goals to compare with
Request = tuple[str, str, dt.date, Sequence[str]]
SECTIONS: tuple[Section, ...] = ("billable", "nonbillable", "excluded")


@dataclass(frozen=True, slots=True)
class Words:
    """Words of the note that show something: character offsets into the note, the words as
    written, and the sentence (counted from 0) they stand in."""

    start: int
    end: int
    text: str
    sentence: int = 0


@dataclass(frozen=True, slots=True)
class ActivityMention:
    """One place where the note describes a kind of activity of the program's pack."""

    #: the pack's key for the kind (``transport_to_appointment``, ``arranging_services`` ...)
    kind: str
    section: Section
    #: the pack's label for the kind, for messages
    label: str
    words: Words
    #: the note says the activity did not happen ("declined a ride", "did not drive")
    negated: bool = False
    #: the note documents the pack's exception for this kind (e.g. an immediate crisis)
    excepted: bool = False

    @property
    def counts(self) -> bool:
        """Whether the mention describes something done that the exception does not cover."""
        return not (self.negated or self.excepted)


@dataclass(frozen=True, slots=True)
class GoalMatch:
    """How the note relates to one plan goal (in the order the goals were given)."""

    #: similarity on the analyzer's own scale, from 0 (nothing in common) to 1
    score: float
    #: the note touches on the goal: enough when the line also names the goal by its id
    related: bool
    #: the note clearly addresses the goal on its own, without naming it
    addresses: bool
    #: words the note shares with the goal, as evidence (may be empty)
    shared: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NoteAnalysis:
    """What one note says. Tuples of :class:`Words` are in note order."""

    #: every activity mention, negated or excepted ones too (see :meth:`mentions`)
    activities: tuple[ActivityMention, ...] = ()
    #: kinds whose exception the note documents, with the words that show it
    exceptions: tuple[tuple[str, Words], ...] = ()
    #: ambiguous terms used (accompanied, advocated, assisted ...), not negated
    ambiguous: tuple[Words, ...] = ()
    #: concrete actions: a specific action with its object ("called the clinic")
    actions: tuple[Words, ...] = ()
    #: words that name a crisis
    crisis: tuple[Words, ...] = ()
    #: words that tie the service to needed supports, recovery or the plan
    supports: tuple[Words, ...] = ()
    #: the client building their own skill to arrange services ("client called")
    self_reliance: tuple[Words, ...] = ()
    #: education topics that are usually taught better in a group
    group_suitable: tuple[Words, ...] = ()
    #: one per goal given to the analyzer, in the same order
    goals: tuple[GoalMatch, ...] = ()
    #: the start of the note, lower case, runs of white space as one space
    opening: str = ""
    sentences: int = 0

    def mentions(self, *sections: Section) -> tuple[ActivityMention, ...]:
        """The mentions that count (not negated, not excepted), of the given sections (all
        sections when none is given)."""
        wanted = sections or SECTIONS
        return tuple(m for m in self.activities if m.counts and m.section in wanted)

    def exception(self, kind: str) -> Words | None:
        """The words documenting the exception of ``kind``, if the note has them."""
        for key, words in self.exceptions:
            if key == kind:
                return words
        return None

    @property
    def vague(self) -> bool:
        """Ambiguous terms without a single concrete action."""
        return bool(self.ambiguous) and not self.actions

    @property
    def tied(self) -> bool:
        """The text alone ties the service to a crisis, needed supports or a plan goal."""
        return bool(self.crisis or self.supports or any(g.addresses for g in self.goals))

    def starts_with(self, heading: str) -> bool:
        """Whether the note opens with ``heading``: case and runs of white space do not matter,
        nor a colon after the heading; the heading must end where a word ends."""
        wanted = " ".join(heading.split()).lower().rstrip(":").rstrip()
        if not wanted or not self.opening.startswith(wanted):
            return False
        rest = self.opening[len(wanted) :]
        return not rest or not rest[0].isalnum()


class NoteAnalyzer(Protocol):
    """Reads one note. Must be a pure function of its arguments (and the policy it was built
    from), and must accept any text without raising."""

    def analyze(
        self, text: str, *, program: str, on: dt.date, goals: Sequence[str] = ()
    ) -> NoteAnalysis:
        """``program``: whose vocabulary applies; ``on``: the date of service (the vocabulary in
        force that day); ``goals``: the texts of the plan goals to compare the note with."""
        ...

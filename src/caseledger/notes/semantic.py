"""The lexical reading of a note, with its tie to the plan's goals judged by meaning too.

Workers rarely repeat the words of a plan goal: "practiced answers to interview questions for the
stocker opening" works toward "get a part-time job" without a word in common. This analyzer reads
the note with :class:`~caseledger.notes.lexical.LexicalAnalyzer` and, where the shared words do not
already show that the note addresses a goal, compares the note with each goal by sentence
embeddings (all-MiniLM-L6-v2, :mod:`caseledger.notes.embeddings`): a cosine similarity of at least
:data:`GOAL_SIMILARITY_THRESHOLD` between the note and a goal means the note clearly addresses it.

Embeddings are computed only where they can change the answer (goals were given and none is met by
shared words), in batches when many notes are read at once (:meth:`SemanticAnalyzer.analyze_many`),
and remembered by the hash of their text, so a note or goal read before costs a hash and a lookup.
The seed's rule this serves: a community support note must tie the service to a crisis, needed
supports or a goal of the plan (002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11) guideline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from caseledger.notes.analyzer import GoalMatch, NoteAnalysis, Request
from caseledger.notes.embeddings import Embedder, default_embedder
from caseledger.notes.lexical import LexicalAnalyzer
from caseledger.policy import Policy

#: A note clearly addresses a goal when the cosine similarity of their embeddings is at least
#: this. Chosen on the dev split of the labelled corpus (tests/notes/corpus): the value that gave
#: the best balance of precision and recall for the goal-tie label there, checked against the
#: seed's paired examples (the basketball and homework notes must stay below it). See
#: docs/notes.md for the figures.
GOAL_SIMILARITY_THRESHOLD = 0.40
#: ... and relates to it (enough when the line also names the goal by its id) from this on
GOAL_RELATED_THRESHOLD = 0.30


class SemanticAnalyzer:
    """A :class:`~caseledger.notes.analyzer.NoteAnalyzer`: the lexical reading, plus goal
    similarity by sentence embeddings where the words alone do not settle it."""

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        lexical: LexicalAnalyzer | None = None,
        embedder: Embedder | None = None,
        threshold: float = GOAL_SIMILARITY_THRESHOLD,
        related: float = GOAL_RELATED_THRESHOLD,
    ) -> None:
        """``embedder`` defaults to the process's cached MiniLM (loaded on first use)."""
        self.lexical = lexical if lexical is not None else LexicalAnalyzer(policy)
        self._embedder = embedder
        self.threshold = threshold
        self.related = related

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    def warm(self) -> None:
        """Load the model now (a server does this at start, not on its first request)."""
        self.embedder.embed(["warm up"])

    def analyze(
        self, text: str, *, program: str, on: dt.date, goals: Sequence[str] = ()
    ) -> NoteAnalysis:
        return self.analyze_many([(text, program, on, goals)])[0]

    def analyze_many(self, requests: Sequence[Request]) -> list[NoteAnalysis]:
        """Reads many notes, embedding in one batch the notes and goals that need it."""
        readings = [
            self.lexical.analyze(text, program=program, on=on, goals=goals)
            for text, program, on, goals in requests
        ]
        open_ = [n for n, a in enumerate(readings) if a.goals and not _settled(a)]
        if not open_:
            return readings
        texts: dict[str, int] = {}
        for n in open_:
            text, _, _, goals = requests[n]
            for t in (text, *goals):
                texts.setdefault(t, len(texts))
        vectors = self.embedder.embed(list(texts))
        out = list(readings)
        for n in open_:
            text, _, _, goals = requests[n]
            note = vectors[texts[text]]
            sims = vectors[[texts[g] for g in goals]] @ note
            out[n] = replace(
                readings[n],
                goals=tuple(
                    self._match(g, float(s)) for g, s in zip(readings[n].goals, sims, strict=True)
                ),
            )
        return out

    def _match(self, lexical: GoalMatch, cosine: float) -> GoalMatch:
        score = float(np.clip(cosine, 0.0, 1.0))
        return GoalMatch(
            max(lexical.score, score),
            related=lexical.related or score >= self.related,
            addresses=lexical.addresses or score >= self.threshold,
            shared=lexical.shared,
        )


def _settled(analysis: NoteAnalysis) -> bool:
    """Whether shared words already show the note addresses a goal (then every rule that asks
    has its answer: the note is tied, and it addresses a goal of the plan)."""
    return any(g.addresses for g in analysis.goals)

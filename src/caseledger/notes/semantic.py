"""The lexical reading of a note, with its tie to the plan's goals judged by meaning too.

Workers rarely repeat the words of a plan goal: "practiced answers to interview questions for the
stocker opening" works toward "get a part-time job" without a word in common. This analyzer reads
the note with :class:`~caseledger.notes.lexical.LexicalAnalyzer` and, where the shared words do not
already show that the note addresses a goal, compares it with each goal by sentence embeddings
(all-MiniLM-L6-v2, :mod:`caseledger.notes.embeddings`), sentence by sentence: each sentence of the
note and each of its clauses (:func:`note_pieces`) against the goal and each of its parts
(:func:`goal_parts`), keeping the closest pair.
A whole note against a whole goal mostly measures whether they share a topic; one sentence against
one clause of the goal comes nearer to "this step works toward that aim".

Sentences that describe only non-billable work or an excluded service are left out (see
:func:`~caseledger.notes.lexical.untied_sentences`): a ride to the courthouse is close in meaning to
a probation goal but is not community support work, so it ties nothing. A sentence at least
:data:`GOAL_SIMILARITY_THRESHOLD` from a goal addresses it on its own; one at least
:data:`GOAL_WORK_THRESHOLD` does when the note also says concretely what was done (an action with
its object, the client's own step, or a billable function), outside those sentences.

Embeddings are computed only where they can change the answer (goals were given, none is met by
shared words, and some sentence may tie the note), in batches when many notes are read at once
(:meth:`SemanticAnalyzer.analyze_many`), and remembered by the hash of their text, so a sentence or
goal read before costs a hash and a lookup. The seed's rule this serves: a community support note
must tie the service to a crisis, needed supports or a goal of the plan (002_d22e9ccf443e9ae2.txt,
9 CSR 30-3.110 (11) guideline).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from caseledger.notes.analyzer import GoalMatch, NoteAnalysis, Request
from caseledger.notes.embeddings import Embedder, default_embedder
from caseledger.notes.lexical import LexicalAnalyzer, sentence_texts, untied_sentences
from caseledger.notes.words import MEETING_WORDS, ROLE_WORDS, STOP_WORDS
from caseledger.policy import Policy

#: A sentence of the note addresses a goal on its own when the cosine similarity of its embedding
#: with the goal's, or with one of the goal's parts, is at least this. Chosen on the dev split of
#: the labelled corpus (tests/notes/corpus) with :data:`GOAL_WORK_THRESHOLD`, from the plateau
#: where the goal-tie label's precision and recall change little (its stricter end), and checked
#: against the seed's paired examples (the basketball and homework notes must not be tied) and the
#: demo agency's planted vague notes. See docs/notes.md.
GOAL_SIMILARITY_THRESHOLD = 0.40
#: ... and addresses it from this on when the note also describes concrete work
GOAL_WORK_THRESHOLD = 0.22
#: ... and relates to it (enough when the line also names the goal by its id) from this on
GOAL_RELATED_THRESHOLD = 0.30

#: where a goal splits into parts: list and clause punctuation, and the words that join one aim to
#: the next or to its means ("get a job *with help from* Vocational Rehabilitation")
_GOAL_JOINS = re.compile(
    r"[:;,()]|\s(?:and|or|so|including|by|before|after|while|with help from|"
    r"instead of)\s",
    re.IGNORECASE,
)
#: a part shorter than this many words says too little to compare ("a sponsor" aside)
_PART_WORDS = 2
#: how many goals and sentences remember their parts (a plan's goals recur on every note)
_PARTS_CACHE = 65_536


@functools.lru_cache(maxsize=_PARTS_CACHE)
def goal_parts(goal: str) -> tuple[str, ...]:
    """The goal and, when it has more than one, its parts: "Build a sober support network: go to
    three NA meetings a week and get a sponsor" is also "Build a sober support network", "go to
    three NA meetings a week" and "get a sponsor"."""
    whole = " ".join(goal.split())
    parts = [" ".join(p.split()).strip(" .") for p in _GOAL_JOINS.split(whole)]
    kept = [p for p in parts if len(p.split()) >= _PART_WORDS and p != whole]
    return (whole, *dict.fromkeys(kept)) if len(kept) > 1 else (whole,)


#: where a sentence of a note splits into clauses
_CLAUSE_JOINS = re.compile(r",|\s(?:while|and|then|but|so|after|before)\s", re.IGNORECASE)
#: a clause shorter than this many words is compared only as part of its sentence
_CLAUSE_WORDS = 3


@functools.lru_cache(maxsize=_PARTS_CACHE)
def note_pieces(sentence: str) -> tuple[str, ...]:
    """A sentence of a note and, when it has more than one, its clauses: "Client filled out the
    application for the warehouse job while CSW explained the questions" is also "Client filled
    out the application for the warehouse job"."""
    parts = [p.strip() for p in _CLAUSE_JOINS.split(sentence)]
    kept = [p for p in parts if len(p.split()) >= _CLAUSE_WORDS and p != sentence]
    return (sentence, *dict.fromkeys(kept)) if len(kept) > 1 else (sentence,)


_WORD = re.compile(r"[a-z][a-z'-]*")


def meeting_only(sentence: str) -> bool:
    """Whether ``sentence`` says only that a meeting took place or will ("Met with client for
    the scheduled session", "Will meet again next week"): it names no aim to compare with a
    goal. A goal to attend every scheduled session is not addressed by a note that the
    session was held (seed 002_d22e9ccf443e9ae2.txt: say what the worker did, and why)."""
    return all(w in MEETING_WORDS for w in _WORD.findall(sentence.lower()) if w not in STOP_WORDS)


@functools.lru_cache(maxsize=_PARTS_CACHE)
def topic(text: str) -> str:
    """``text`` without the words naming the people in it (:data:`ROLE_WORDS`), as compared by
    meaning: "Client talked about the weekend" and "that symptoms no longer keep client from
    daily activities" share "client" and nothing of what they are about, and a sentence model
    counts the shared word."""
    kept = [w for w in text.split() if w.lower().strip(".,;:()") not in ROLE_WORDS]
    return " ".join(kept) or text


def described_work(analysis: NoteAnalysis, untied: frozenset[int]) -> bool:
    """Whether the note says concretely what was done, outside the ``untied`` sentences: an
    action with its object, the client's own step, or a billable function (seed
    002_d22e9ccf443e9ae2.txt, Tips for things to do: describe exactly what the worker did)."""
    if analysis.mentions("billable"):
        return True
    return any(w.sentence not in untied for w in (*analysis.actions, *analysis.self_reliance))


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
        with_work: float = GOAL_WORK_THRESHOLD,
        related: float = GOAL_RELATED_THRESHOLD,
    ) -> None:
        """``embedder`` defaults to the process's cached MiniLM (loaded on first use)."""
        self.lexical = lexical if lexical is not None else LexicalAnalyzer(policy)
        self._embedder = embedder
        self.threshold = threshold
        self.with_work = with_work
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
        """Reads many notes, embedding in one batch the sentences and goal parts that need it."""
        readings = [
            self.lexical.analyze(text, program=program, on=on, goals=goals)
            for text, program, on, goals in requests
        ]
        # per open note: the sentences that may tie it, as compared (:func:`topic`), and whether it
        # describes concrete work
        open_: dict[int, tuple[list[str], bool]] = {}
        for n, a in enumerate(readings):
            if not a.goals or _settled(a):
                continue
            written = sentence_texts(requests[n][0])
            # neither non-billable work nor the bare fact of a meeting ties the note to a goal,
            # and "met with client" there is not the concrete work that lowers the bar
            untied = untied_sentences(a.activities) | {
                i for i, s in enumerate(written) if meeting_only(s)
            }
            sentences = [
                topic(piece)
                for i, s in enumerate(written)
                if i not in untied
                for piece in note_pieces(s)
            ]
            if sentences:
                open_[n] = (sentences, described_work(a, untied))
        if not open_:
            return readings
        texts: dict[str, int] = {}
        # each goal's parts, as compared
        parts: dict[str, tuple[str, ...]] = {}
        for n, (sentences, _) in open_.items():
            for g in requests[n][3]:
                if g not in parts:
                    parts[g] = tuple(topic(p) for p in goal_parts(g))
            for t in (*sentences, *(p for g in requests[n][3] for p in parts[g])):
                texts.setdefault(t, len(texts))
        vectors = self.embedder.embed(list(texts))
        out = list(readings)
        for n, (sentences, work) in open_.items():
            note = vectors[[texts[s] for s in sentences]]
            best = [
                float((note @ vectors[[texts[p] for p in parts[g]]].T).max())
                for g in requests[n][3]
            ]
            out[n] = replace(
                readings[n],
                goals=tuple(
                    self._match(g, s, work) for g, s in zip(readings[n].goals, best, strict=True)
                ),
            )
        return out

    def _match(self, lexical: GoalMatch, cosine: float, work: bool) -> GoalMatch:
        score = float(np.clip(cosine, 0.0, 1.0))
        near = score >= self.threshold or (work and score >= self.with_work)
        return GoalMatch(
            max(lexical.score, score),
            related=lexical.related or score >= self.related,
            addresses=lexical.addresses or near,
            shared=lexical.shared,
        )


def _settled(analysis: NoteAnalysis) -> bool:
    """Whether shared words already show the note addresses a goal (then every rule that asks
    has its answer: the note is tied, and it addresses a goal of the plan)."""
    return any(g.addresses for g in analysis.goals)

"""Plain questions answered from the policy packs and the agency's source documents
(``caseledger ask``): it retrieves and quotes; it never invents.

The question is ranked against every passage (see :mod:`caseledger.codes.passages`): the packs'
entries and rules always, and the source documents when a folder of them is given. The answer is
the passages that score at least :data:`THRESHOLD`, best first, each quoted whole with its
citation. When none does, the answer says so (:func:`nothing_found`) instead of guessing.

The one line the answer may lead with, its **verdict**, is the verdict the best-ranked passage
states itself, when it is a pack entry that has one (an activity listed as not billable, a deleted
code's replacements). Nothing else is written beyond the fixed wording of
the templates.

The pack passages are indexed once per process (per set of packs and embedder); a folder of
source documents once per content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from caseledger.codes.passages import (
    Passage,
    SourceError,
    document_files,
    document_passages,
    pack_passages,
)
from caseledger.codes.ranking import IndexCache
from caseledger.notes.embeddings import Embedder
from caseledger.policy import Policy

#: the environment variable naming a folder of source documents (the command's ``--sources``
#: and the web app both read it)
ENV_SOURCES = "CASELEDGER_SOURCES"
#: how many passages an answer quotes at most, unless told otherwise
DEFAULT_LIMIT = 3
#: A passage is quoted only when its blended score (0.65 meaning + 0.35 words) reaches this.
#: Tuned on the questions in tests/codes/test_ask.py: the answerable ones score 0.45 and more
#: on their expected passage; questions the packs say nothing of ("bake bread", "capital of
#: France", "who won the game") stay below 0.30.
THRESHOLD = 0.42
#: the same bar for words alone (no embedder): at least this weighted share of the question's
#: words found in one passage
WORDS_ONLY_THRESHOLD = 0.5

__all__ = [
    "DEFAULT_LIMIT",
    "ENV_SOURCES",
    "THRESHOLD",
    "WORDS_ONLY_THRESHOLD",
    "Answer",
    "Quote",
    "SourceError",
    "Sources",
    "ask",
    "configured_sources",
    "nothing_found",
]


@dataclass(frozen=True)
class Quote:
    """A passage the answer relies on, with its scores."""

    passage: Passage
    score: float
    meaning: float | None
    words: float


@dataclass(frozen=True)
class Sources:
    """A folder of source documents, read into passages."""

    folder: Path
    files: tuple[str, ...]
    passages: tuple[Passage, ...]
    #: identifies the content (file names and bytes), for the index cache
    digest: str

    @classmethod
    def read(cls, folder: Path) -> Sources:
        """Every ``.txt`` and ``.md`` file under ``folder``. Raises :class:`SourceError` naming
        the file that cannot be read."""
        files = document_files(folder)
        digest = hashlib.sha256()
        for f in files:
            digest.update(f.relative_to(folder).as_posix().encode())
            digest.update(b"\x00")
            try:
                digest.update(f.read_bytes())
            except OSError as error:
                name = f.relative_to(folder).as_posix()
                raise SourceError(f"{name}: cannot be read ({error.strerror})") from None
        passages = document_passages(folder, files)
        names = tuple(f.relative_to(folder).as_posix() for f in files)
        return cls(folder, names, passages, digest.hexdigest())


@dataclass(frozen=True)
class Answer:
    question: str
    quotes: tuple[Quote, ...]
    #: the verdict a quoted pack entry states, and the passage that states it
    verdict: str | None = None
    verdict_from: Passage | None = None
    #: the source documents searched besides the packs (file names)
    source_files: tuple[str, ...] = field(default=())

    @property
    def found(self) -> bool:
        return bool(self.quotes)

    @property
    def message(self) -> str:
        """The line that opens the answer."""
        if not self.found:
            return nothing_found(bool(self.source_files))
        n = len(self.quotes)
        return f"{n} passage{'s' if n > 1 else ''} answer{'s' if n == 1 else ''} this, best first."


def nothing_found(with_sources: bool) -> str:
    """What the answer says when no passage is relevant enough."""
    where = "the policy packs or the source documents" if with_sources else "the policy packs"
    return f"No passage in {where} answers this; nothing is invented."


def configured_sources(environ: dict[str, str] | None = None) -> Path | None:
    """The folder :data:`ENV_SOURCES` names, if set."""
    value = (os.environ if environ is None else environ).get(ENV_SOURCES, "").strip()
    return Path(value) if value else None


_INDEXES = IndexCache()
_PASSAGES: weakref.WeakKeyDictionary[Policy, tuple[Passage, ...]] = weakref.WeakKeyDictionary()
_PASSAGES_LOCK = threading.Lock()


def policy_passages(policy: Policy) -> tuple[Passage, ...]:
    """The passages of ``policy``'s packs and rules, built once per policy object."""
    with _PASSAGES_LOCK:
        found = _PASSAGES.get(policy)
    if found is None:
        found = pack_passages(policy)
        with _PASSAGES_LOCK:
            _PASSAGES[policy] = found
    return found


def _pack_key(policy: Policy) -> str:
    return "packs:" + ";".join(f"{k}={v}" for k, v in sorted(policy.versions().items()))


def ask(
    policy: Policy,
    question: str,
    *,
    embedder: Embedder | None,
    sources: Sources | None = None,
    limit: int = DEFAULT_LIMIT,
    on: dt.date | None = None,
    threshold: float | None = None,
) -> Answer:
    """The passages that answer ``question``, best first (at most ``limit``), with the verdict
    one of them states. ``embedder`` ``None`` ranks by words alone (and uses
    :data:`WORDS_ONLY_THRESHOLD`); ``on`` keeps only pack entries in force that day;
    ``threshold`` replaces the bar a passage must reach (0 shows the best passages, however
    poor: for tuning).

    Raises ``ValueError`` for an empty question or a limit below 1."""
    if not question.strip():
        raise ValueError("the question is empty")
    if limit < 1:
        raise ValueError(f"the limit must be at least 1, got {limit}")
    corpora: list[tuple[str, Sequence[Passage]]] = [(_pack_key(policy), policy_passages(policy))]
    if sources is not None and sources.passages:
        corpora.append(("sources:" + sources.digest, sources.passages))
    if threshold is not None:
        bar = threshold
    else:
        bar = THRESHOLD if embedder is not None else WORDS_ONLY_THRESHOLD
    scored: list[Quote] = []
    for key, passages in corpora:
        index = _INDEXES.get(
            key, [p.indexed for p in passages], embedder, [p.meaning_text for p in passages]
        )
        ranked = index.rank(question)
        for i, p in enumerate(passages):
            score = float(ranked.blended[i])
            if score < bar or (on is not None and not p.in_force(on)):
                continue
            meaning = None if ranked.meaning is None else float(ranked.meaning[i])
            scored.append(Quote(p, score, meaning, float(ranked.words[i])))
    scored.sort(key=lambda q: -q.score)
    quotes = tuple(scored[:limit])
    # Only the best passage may give the verdict: a lower one can be about something else
    # (a billable function ranked under the rule that forbids what was asked).
    verdict_from = quotes[0].passage if quotes and quotes[0].passage.verdict else None
    return Answer(
        question=question,
        quotes=quotes,
        verdict=verdict_from.verdict if verdict_from else None,
        verdict_from=verdict_from,
        source_files=sources.files if sources is not None else (),
    )

"""Ranking texts against a query by words and by meaning, the two halves of code search and of
the policy questions.

**Words.** A text's terms are its lower-case words with stop words dropped and a crude stem taken
(``billed`` and ``bill`` meet; codes such as ``97158`` or ``0372t`` are kept whole). The words score
of a text is the share of the query's terms it contains, each term weighted by its inverse
document frequency, so that a rare word (``lifetime``, ``0372t``) counts for more than a common one
(``service``). Unlike raw BM25, this share lies between 0 and 1 whatever the query, so one threshold
can say "relevant enough" for every question; BM25 only breaks ties between equal shares.

**Meaning.** The cosine similarity of the query's sentence embedding with each text's (see
:mod:`caseledger.notes.embeddings`), which finds "driving a client to AA" in "transporting clients
to appointments" although they share no word.

**Blend.** ``MEANING_WEIGHT * meaning + WORDS_WEIGHT * words``; without an embedder, the words
score alone.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from caseledger.notes.embeddings import Embedder, Vectors, similarity
from caseledger.notes.lexical import stem
from caseledger.notes.words import STOP_WORDS

Scores = npt.NDArray[np.float64]

#: the weight of meaning in the blend, and of words; meaning leads because questions are asked
#: in everyday words and the packs are written in the payers' (tuned with the test questions)
MEANING_WEIGHT = 0.65
WORDS_WEIGHT = 0.35
#: BM25's usual constants: term-frequency saturation and length normalisation
BM25_K1 = 1.2
BM25_B = 0.75
#: how much BM25 (scaled to the best text) adds to the words score, only to order equal shares
TIE_BREAK = 0.01

#: words that say nothing about a service or a rule, beyond the general stop words; the domain
#: words of the note analyzer's list ("client", "staff", "session") do say something here
_EXTRA_STOP = frozenset({"bill", "billed", "billing", "can", "could", "allowed"})
_DOMAIN = frozenset(
    {"client", "clients", "staff", "session", "sessions", "day", "days", "note", "notes", "csw"}
)
_STOP = (STOP_WORDS - _DOMAIN - {"non", "time"}) | _EXTRA_STOP
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokens(text: str) -> list[tuple[str, str]]:
    """The terms of ``text`` with the word each came from, in order: ``(term, word)``."""
    out: list[tuple[str, str]] = []
    for word in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if word in _STOP or len(word) < 2:
            continue
        # a word with a digit is a code or a number: kept whole
        term = word if any(ch.isdigit() for ch in word) else stem(word)
        out.append((term, word))
    return out


def terms(text: str) -> list[str]:
    """The terms of ``text`` (see :func:`tokens`)."""
    return [t for t, _ in tokens(text)]


@dataclass(frozen=True)
class WordScores:
    """Per text: the weighted share of the query's terms found, and the BM25 score."""

    share: Scores
    bm25: Scores
    #: the query's terms that each text contains
    shared: tuple[frozenset[str], ...]


class WordIndex:
    """The terms of a fixed list of texts, for scoring queries by words."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.docs = [Counter(terms(t)) for t in texts]
        self.lengths = np.array([sum(d.values()) for d in self.docs], dtype=np.float64)
        self.average = float(self.lengths.mean()) if len(self.docs) else 0.0
        frequency: Counter[str] = Counter()
        for doc in self.docs:
            frequency.update(doc.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
        #: the weight of a query term no text contains: as rare as a term can be
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self.postings: dict[str, list[int]] = {}
        for i, doc in enumerate(self.docs):
            for t in doc:
                self.postings.setdefault(t, []).append(i)

    def score(self, query: str) -> WordScores:
        wanted = dict.fromkeys(terms(query))
        n = len(self.docs)
        share = np.zeros(n, dtype=np.float64)
        bm25 = np.zeros(n, dtype=np.float64)
        found: list[set[str]] = [set() for _ in range(n)]
        total = sum(self.idf.get(t, self.unknown_idf) for t in wanted)
        if not wanted or not n:
            return WordScores(share, bm25, tuple(frozenset() for _ in range(n)))
        norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths / max(self.average, 1e-9))
        for t in wanted:
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i in self.postings[t]:
                tf = self.docs[i][t]
                share[i] += idf
                bm25[i] += idf * tf * (BM25_K1 + 1) / (tf + norm[i])
                found[i].add(t)
        return WordScores(share / total, bm25, tuple(frozenset(f) for f in found))


@dataclass(frozen=True)
class Ranked:
    """Every text's scores for one query; ``meaning`` is ``None`` without an embedder."""

    blended: Scores
    words: Scores
    meaning: Scores | None
    shared: tuple[frozenset[str], ...]

    def order(self) -> list[int]:
        """Texts from the best to the worst (ties in the order the texts were given)."""
        return sorted(range(len(self.blended)), key=lambda i: (-self.blended[i], i))


class HybridIndex:
    """A fixed list of texts, indexed by words and (with an embedder) by meaning."""

    def __init__(
        self,
        texts: Sequence[str],
        embedder: Embedder | None,
        meaning_texts: Sequence[str] | None = None,
    ) -> None:
        """``texts`` are indexed by words; ``meaning_texts`` (one per text, default the texts)
        are embedded, so that words indexed only to be found (a program's other names) do not
        blur what a text means."""
        self.texts = tuple(texts)
        self.words = WordIndex(self.texts)
        self.embedder = embedder
        embedded = list(self.texts if meaning_texts is None else meaning_texts)
        if len(embedded) != len(self.texts):
            raise ValueError("one text to embed is needed for every text indexed")
        self.vectors: Vectors | None = None if embedder is None else embedder.embed(embedded)

    def rank(self, query: str) -> Ranked:
        w = self.words.score(query)
        best = float(w.bm25.max()) if len(w.bm25) else 0.0
        # kept within 0..1: the share, with BM25 ordering texts that share equally
        words = (1 - TIE_BREAK) * w.share + (TIE_BREAK * w.bm25 / best if best > 0 else 0.0)
        if self.embedder is None or self.vectors is None:
            return Ranked(words, words, None, w.shared)
        q = self.embedder.embed([query])
        meaning = similarity(q, self.vectors)[0].astype(np.float64)
        blended = MEANING_WEIGHT * meaning + WORDS_WEIGHT * words
        return Ranked(blended, words, meaning, w.shared)


class IndexCache:
    """Indexes built once per process, by a key that names their texts' content and the embedder
    (the embedder is held, so its identity cannot be reused while its index is kept)."""

    def __init__(self, capacity: int = 16) -> None:
        self.capacity = capacity
        self._items: dict[tuple[str, int], tuple[Embedder | None, HybridIndex]] = {}
        self._lock = threading.Lock()

    def get(
        self,
        key: str,
        texts: Sequence[str],
        embedder: Embedder | None,
        meaning_texts: Sequence[str] | None = None,
    ) -> HybridIndex:
        slot = (key, id(embedder))
        with self._lock:
            found = self._items.get(slot)
        if found is not None:
            return found[1]
        index = HybridIndex(texts, embedder, meaning_texts)
        with self._lock:
            if len(self._items) >= self.capacity:
                self._items.pop(next(iter(self._items)))
            self._items[slot] = (embedder, index)
        return index

"""The analyzer that adds goal similarity by sentence embeddings to the lexical reading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from caseledger.notes import analyze_all, semantic_analyzer
from caseledger.notes.embeddings import DIMENSIONS, CachedEmbedder, Vectors
from caseledger.notes.semantic import SemanticAnalyzer
from caseledger.policy import load_policy

ON = dt.date(2025, 1, 8)
POLICY = load_policy(environ={})
JOB = "Get a part-time job with daytime hours with help from Vocational Rehabilitation."


class Topics:
    """A stand-in embedder: a text's vector is its topic ("job" or "other"), counting requests."""

    name = "topics"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.asked.extend(texts)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for n, t in enumerate(texts):
            low = t.lower()
            out[n, 0 if ("job" in low or "interview" in low or "resume" in low) else 1] = 1.0
        return out


def test_a_goal_met_by_meaning_alone_is_addressed() -> None:
    analyzer = SemanticAnalyzer(POLICY, embedder=Topics())
    note = "Practiced interview answers; client rewrote her resume."
    a = analyzer.analyze(note, program="sud", on=ON, goals=[JOB])
    assert a.goals[0].addresses and a.goals[0].shared == ()
    b = analyzer.analyze("Watched the game together.", program="sud", on=ON, goals=[JOB])
    assert not b.goals[0].addresses and not b.goals[0].related


def test_embeddings_are_asked_only_when_the_words_do_not_settle_the_tie() -> None:
    topics = Topics()
    analyzer = SemanticAnalyzer(POLICY, embedder=topics)
    analyzer.analyze("Called Vocational Rehabilitation about a part-time job.", program="sud",
                     on=ON, goals=[JOB])  # fmt: skip
    analyzer.analyze("Client went over the budget.", program="sud", on=ON)
    assert topics.asked == []


def test_many_notes_are_embedded_in_one_batch_and_cached_by_text() -> None:
    topics = Topics()
    analyzer = SemanticAnalyzer(POLICY, embedder=CachedEmbedder(topics))
    requests = [
        ("Practiced interview answers.", "sud", ON, [JOB]),
        ("Watched the game together.", "sud", ON, [JOB]),
        ("Practiced interview answers.", "sud", ON, [JOB]),
    ]
    first = analyze_all(analyzer, requests)
    assert sorted(topics.asked) == sorted(
        ["Practiced interview answers.", "Watched the game together.", JOB]
    )
    again = [analyzer.analyze(t, program=p, on=o, goals=g) for t, p, o, g in requests]
    assert again == first
    assert len(topics.asked) == 3


def test_with_the_real_model_a_paraphrased_goal_counts_and_an_unrelated_one_does_not() -> None:
    analyzer = semantic_analyzer(POLICY)
    # no content word in common with the goal; close to it in meaning
    note = (
        "Looked for work with client: found two employers hiring for day shifts and client "
        "submitted applications."
    )
    unrelated = "Regain custody of her children by completing the Children's Division case plan."
    a = analyzer.analyze(note, program="sud", on=ON, goals=[JOB, unrelated])
    assert a.goals[0].addresses and not a.goals[0].shared
    assert not a.goals[1].addresses
    assert a.tied

"""Reading progress notes: what activities a note describes, how it ties to the plan, and the words
that show it. Rules use the interface in :mod:`caseledger.notes.analyzer`. :func:`default_analyzer`
gives the one every audit and check uses unless told otherwise: the packs' words and phrases, with
the tie to plan goals judged by sentence embeddings too (:func:`semantic_analyzer`).
:func:`lexical_analyzer` reads words alone: faster on notes never read before, and blind to a goal
worked on in other words (see docs/notes.md)."""

from __future__ import annotations

from collections.abc import Sequence

from caseledger.notes.analyzer import (
    ActivityMention,
    GoalMatch,
    NoteAnalysis,
    NoteAnalyzer,
    Request,
    Section,
    Words,
)
from caseledger.notes.embeddings import Embedder
from caseledger.policy import Policy

__all__ = [
    "ActivityMention",
    "GoalMatch",
    "NoteAnalysis",
    "NoteAnalyzer",
    "Request",
    "Section",
    "Words",
    "analyze_all",
    "default_analyzer",
    "lexical_analyzer",
    "semantic_analyzer",
]


def default_analyzer(policy: Policy) -> NoteAnalyzer:
    """The analyzer used when an audit or a check is not given one: the packs' words and phrases,
    and goal similarity by sentence embeddings (:func:`semantic_analyzer`)."""
    return semantic_analyzer(policy)


def lexical_analyzer(policy: Policy) -> NoteAnalyzer:
    """Words and phrases from ``policy`` alone (``caseledger audit --notes words``)."""
    from caseledger.notes.lexical import LexicalAnalyzer

    return LexicalAnalyzer(policy)


def semantic_analyzer(policy: Policy, *, embedder: Embedder | None = None) -> NoteAnalyzer:
    """The lexical reading plus goal similarity by sentence embeddings; ``embedder`` defaults to
    the process's cached all-MiniLM-L6-v2 (loaded once, on first use)."""
    from caseledger.notes.semantic import SemanticAnalyzer

    return SemanticAnalyzer(policy, embedder=embedder)


def analyze_all(analyzer: NoteAnalyzer, requests: Sequence[Request]) -> list[NoteAnalysis]:
    """Reads many notes: in one batch when the analyzer can (``analyze_many``), else one by one."""
    many = getattr(analyzer, "analyze_many", None)
    if many is not None:
        return list(many(requests))
    return [
        analyzer.analyze(text, program=program, on=on, goals=goals)
        for text, program, on, goals in requests
    ]

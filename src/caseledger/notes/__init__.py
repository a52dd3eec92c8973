"""Reading progress notes: what activities a note describes, how it ties to the plan, and the words
that show it. Rules use the interface in :mod:`caseledger.notes.analyzer`; :func:`default_analyzer`
gives the built-in lexical one."""

from __future__ import annotations

from caseledger.notes.analyzer import (
    ActivityMention,
    GoalMatch,
    NoteAnalysis,
    NoteAnalyzer,
    Section,
    Words,
)
from caseledger.policy import Policy

__all__ = [
    "ActivityMention",
    "GoalMatch",
    "NoteAnalysis",
    "NoteAnalyzer",
    "Section",
    "Words",
    "default_analyzer",
]


def default_analyzer(policy: Policy) -> NoteAnalyzer:
    """The analyzer used when an audit is not given one: words and phrases from ``policy``."""
    from caseledger.notes.lexical import LexicalAnalyzer

    return LexicalAnalyzer(policy)

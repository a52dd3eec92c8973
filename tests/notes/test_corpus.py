"""The labelled note corpus: it reads cleanly, and the analyzer meets its figures on held-out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseledger.notes.evaluation import (
    CORPUS_DATE,
    CorpusError,
    Score,
    evaluate,
    read_corpus,
)
from caseledger.notes.lexical import LexicalAnalyzer
from caseledger.policy import load_policy

CORPUS = Path(__file__).parent / "corpus" / "notes.jsonl"
POLICY = load_policy(environ={})
KINDS = [k for p in ("sud", "sst") for k in POLICY.activity_kinds(p, CORPUS_DATE)]
NONBILLABLE = [k.kind for k in KINDS if k.section == "nonbillable"]


def test_the_corpus_is_large_enough_and_split() -> None:
    notes = read_corpus(CORPUS, kinds=[k.kind for k in KINDS])
    assert len(notes) >= 300
    held = [n for n in notes if n.split == "heldout"]
    assert len(held) >= 0.25 * len(notes)
    for kind in NONBILLABLE:
        assert sum(kind in n.activities for n in held) >= 10, kind


def test_held_out_non_billable_activities_are_read_with_precision_and_recall_of_90() -> None:
    held = [n for n in read_corpus(CORPUS) if n.split == "heldout"]
    scores = evaluate(LexicalAnalyzer(POLICY), held)
    for kind in NONBILLABLE:
        s = scores.get(kind, Score())
        assert s.precision >= 0.90 and s.recall >= 0.90, (kind, s)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("not json", "line 1: not a JSON object"),
        ("[1]", "line 1: expected a JSON object"),
        ('{"id": "x"}', "line 1: field 'split' is missing"),
        (
            '{"id": "x", "split": "train", "program": "sud", "text": "t", "goals": [], '
            '"activities": [], "billable": true, "goal_tie": true}',
            "field 'split' should be one of",
        ),
        (
            '{"id": "x", "split": "dev", "program": "sud", "text": "t", "goals": [], '
            '"activities": ["driving"], "billable": true, "goal_tie": true}',
            "names unknown kinds: driving",
        ),
        (
            '{"id": "x", "split": "dev", "program": "sud", "text": "t", "goals": [], '
            '"activities": [], "billable": "yes", "goal_tie": true}',
            "field 'billable' should be a bool",
        ),
    ],
)
def test_a_bad_line_is_named(tmp_path: Path, line: str, says: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=says.replace("(", r"\(")):
        read_corpus(path, kinds=[k.kind for k in KINDS])


def test_a_repeated_id_is_an_error(tmp_path: Path) -> None:
    row = {"id": "x", "split": "dev", "program": "sud", "text": "t", "goals": [],
           "activities": [], "billable": False, "goal_tie": False}  # fmt: skip
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(row) + "\n" + json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="line 2: field 'id' repeats"):
        read_corpus(path)

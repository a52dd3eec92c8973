"""Auditing without the note-text rules, free text is kept only as whether it holds something:
the structured rules find exactly the same, messages and amounts included."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from caseledger.audit.engine import builtin_rules, run_audit
from caseledger.demo.bulk import BulkOptions, generate_bulk
from caseledger.facts.columnar import facts_from_parquet, text_presence
from caseledger.facts.engines import DuckDBEngine
from caseledger.policy import load_policy


def test_the_structured_rules_find_the_same_with_texts_stood_in(tmp_path: Path) -> None:
    generate_bulk(tmp_path, BulkOptions(encounters=8_000, format="parquet"))
    as_of = dt.date.fromisoformat(json.loads((tmp_path / "demo.json").read_text())["as_of"])
    policy = load_policy(environ={})
    structured = [r for r, d in builtin_rules().items() if d.kind == "structured"]

    def found(texts: bool) -> list[tuple[str, str, str, object]]:
        facts = facts_from_parquet(tmp_path, DuckDBEngine(), texts=texts)
        result = run_audit(facts, policy, as_of=as_of, only=structured)
        facts.engine.close()
        return sorted((f.rule, f.subject_id, f.message, f.amount_at_risk) for f in result.findings)

    whole = found(True)
    assert whole and found(False) == whole


def test_white_space_stays_white_space_and_text_becomes_one_letter(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "notes.parquet"
    notes = ["A real note.", "   ", "", None, "\n\t", " ok "]
    pq.write_table(pa.table({"note_text": pa.array(notes, pa.string())}), path)
    got = duckdb.sql(f"SELECT {text_presence('note_text')} FROM read_parquet('{path}')")
    assert [r[0] for r in got.fetchall()] == ["x", "   ", "", None, "\n\t", "x"]

"""The audit engine, run on a planted demo folder, reports exactly what planted.csv lists."""

from __future__ import annotations

import pytest

from tests.demo.conftest import Built


@pytest.mark.slow
def test_the_audit_finds_exactly_the_planted_violations(small_planted: Built) -> None:
    engine = pytest.importorskip("caseledger.audit.engine")
    columnar = pytest.importorskip("caseledger.facts.columnar")
    from caseledger.facts.dataset import read_dataset
    from caseledger.policy import load_policy

    facts = columnar.facts_from_dataset(read_dataset(small_planted.folder).dataset)
    result = engine.run_audit(facts, load_policy(), as_of=small_planted.as_of)
    found = {(f.rule, f.subject_type, f.subject_id) for f in result.findings}
    planted = {(p["rule"], p["subject_type"], p["subject_id"]) for p in small_planted.planted}
    assert found - planted == set(), "reported but not planted"
    assert planted - found == set(), "planted but not reported"

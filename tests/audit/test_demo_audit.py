"""The audit finds every violation the demo generator planted, and nothing on a clean agency."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caseledger.audit.engine import AuditResult, run_audit
from caseledger.cli import app
from caseledger.facts.columnar import facts_from_folder
from caseledger.policy import load_policy

runner = CliRunner()
SIZE = ["--clients", "80", "--months", "6", "--seed", "11"]


@cache
def _generated(root: str, clean: bool) -> Path:
    folder = Path(root) / ("clean" if clean else "planted")
    args = ["demo", "generate", str(folder), *SIZE, "--force", *(["--clean"] if clean else [])]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return folder


def _audit(folder: Path) -> AuditResult:
    as_of = dt.date.fromisoformat(json.loads((folder / "demo.json").read_text())["as_of"])
    return run_audit(facts_from_folder(folder), load_policy(environ={}), as_of=as_of)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("demo"))


def test_every_planted_violation_is_found(root: str) -> None:
    folder = _generated(root, clean=False)
    with (folder / "planted.csv").open(encoding="utf-8") as f:
        planted = {(r["rule"], r["subject_type"], r["subject_id"]) for r in csv.DictReader(f)}
    assert planted, "the generator planted nothing"
    found = {f.key for f in _audit(folder).findings}
    missed = sorted(planted - found)
    assert not missed, f"{len(missed)} planted violations not found, e.g. {missed[:10]}"


def test_a_clean_agency_has_no_errors_or_warnings(root: str) -> None:
    folder = _generated(root, clean=True)
    result = _audit(folder)
    serious = [f for f in result.findings if f.severity in ("error", "warning")]
    by_rule = Counter(f.rule for f in serious)
    assert not serious, (
        f"{len(serious)} findings on clean data: {dict(by_rule)}; e.g. "
        + "; ".join(f"{f.rule} {f.subject_id}: {f.message}" for f in serious[:5])
    )

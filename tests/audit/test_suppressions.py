"""Suppressing a finding: stored with a reason and a user, shown and counted, never silent."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from caseledger.cli import app
from caseledger.facts.dataset import write_dataset
from caseledger.store import Store
from tests.rules.scenario import Scenario

runner = CliRunner()


def _setup(tmp_path: Path) -> tuple[str, str, str]:
    s = Scenario()
    bad = s.encounter("cpr", service_code="H9999", modifiers=())
    folder = tmp_path / "data"
    write_dataset(s.dataset(), folder)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert runner.invoke(app, ["--db", db, "import", str(folder)]).exit_code == 0
    return db, str(folder), bad["encounter_id"]


def _audit(db: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(
        app,
        [
            "--db",
            db,
            "audit",
            "--store",
            "--as-of",
            "2025-03-15",
            "--rule",
            "GEN-CODE-UNKNOWN",
            "--format",
            "json",
        ],
    )
    doc: dict = json.loads(result.output)  # type: ignore[type-arg]
    doc["exit"] = result.exit_code
    return doc


def test_a_suppressed_finding_is_shown_marked_and_counted_apart(tmp_path: Path) -> None:
    db, _, encounter = _setup(tmp_path)
    before = _audit(db)
    assert before["exit"] == 1 and before["summary"]["by_severity"]["error"] == 1

    done = runner.invoke(
        app,
        [
            "--db",
            db,
            "suppress",
            "GEN-CODE-UNKNOWN",
            "encounter",
            encounter,
            "--reason",
            "Pilot code agreed with the payer",
            "--as",
            "ann",
        ],
    )
    assert done.exit_code == 0, done.output

    after = _audit(db)
    [finding] = after["findings"]
    assert finding["suppressed"] is True
    assert "Pilot code agreed with the payer" in finding["suppression_reason"]
    assert "ann" in finding["suppression_reason"]
    assert after["summary"]["suppressed"] == 1
    assert after["summary"]["by_severity"]["error"] == 0
    assert after["exit"] == 0  # nothing left that needs work


def test_suppression_needs_a_reason_and_is_logged(tmp_path: Path) -> None:
    db, _, encounter = _setup(tmp_path)
    blank = runner.invoke(
        app, ["--db", db, "suppress", "GEN-CODE-UNKNOWN", "encounter", encounter, "--reason", " "]
    )
    assert blank.exit_code == 2
    assert "reason" in blank.output
    runner.invoke(
        app,
        [
            "--db",
            db,
            "suppress",
            "GEN-CODE-UNKNOWN",
            "encounter",
            encounter,
            "--reason",
            "ok",
            "--as",
            "bob",
        ],
    )
    with Store.open(db) as store, store.unit_of_work() as uow:
        rows = uow.connection.exec_driver_sql(
            "select actor, action, record_type from access_log where record_type = 'suppression'"
        ).all()
    assert [tuple(r) for r in rows] == [("bob", "update", "suppression")]


def test_lifting_a_suppression_makes_the_finding_count_again(tmp_path: Path) -> None:
    db, _, encounter = _setup(tmp_path)
    runner.invoke(
        app, ["--db", db, "suppress", "GEN-CODE-UNKNOWN", "encounter", encounter, "--reason", "ok"]
    )
    listed = runner.invoke(app, ["--db", db, "suppressions"])
    assert "GEN-CODE-UNKNOWN" in listed.output
    assert runner.invoke(app, ["--db", db, "unsuppress", "1"]).exit_code == 0
    assert _audit(db)["summary"]["by_severity"]["error"] == 1
    assert runner.invoke(app, ["--db", db, "unsuppress", "1"]).exit_code == 2

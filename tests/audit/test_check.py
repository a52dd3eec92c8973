"""The single-encounter check reads only the encounter's slice and finds what the batch finds."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from caseledger.audit.check import EncounterChecker
from caseledger.audit.engine import builtin_rules
from caseledger.cli import app
from caseledger.facts.dataset import write_dataset
from caseledger.store import Store
from caseledger.store.slices import encounter_slice
from tests.rules.scenario import AS_OF, Scenario, policy

runner = CliRunner()


def _store(tmp_path: Path, s: Scenario) -> str:
    folder = tmp_path / "data"
    write_dataset(s.dataset(), folder)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = runner.invoke(app, ["--db", db, "import", str(folder)])
    assert result.exit_code == 0, result.output
    return db


def test_slice_holds_the_client_record_and_not_other_clients(tmp_path: Path) -> None:
    s = Scenario()
    mine = s.encounter("cpr")
    s.encounter("sud")
    db = _store(tmp_path, s)
    with Store.open(db) as store, store.unit_of_work() as uow:
        dataset, row = encounter_slice(uow, mine["encounter_id"])
    assert row["encounter_id"] == mine["encounter_id"]
    assert {c["client_id"] for c in dataset.rows("clients")} == {"C-CPR"}
    assert {e["client_id"] for e in dataset.rows("encounters")} == {"C-CPR"}
    assert {p["plan_id"] for p in dataset.rows("plans")} == {"P-CPR"}
    assert "S-LPC" in {st["staff_id"] for st in dataset.rows("staff")}


def test_check_reports_the_encounter_own_findings(tmp_path: Path) -> None:
    s = Scenario()
    good = s.encounter("cpr")
    bad = s.encounter("cpr", service_code="H9999", modifiers=())
    db = _store(tmp_path, s)
    codes = {k: v for k, v in builtin_rules().items() if k.startswith("GEN-CODE-")}
    checker = EncounterChecker(policy(), rules=codes)
    with Store.open(db) as store, store.unit_of_work() as uow:
        bad_slice, _ = encounter_slice(uow, bad["encounter_id"])
        good_slice, _ = encounter_slice(uow, good["encounter_id"])
    found = checker.check(bad_slice, bad["encounter_id"], as_of=AS_OF)
    assert "GEN-CODE-UNKNOWN" in {f.rule for f in found.own}
    assert found.blocking
    clean = checker.check(good_slice, good["encounter_id"], as_of=AS_OF)
    assert "GEN-CODE-UNKNOWN" not in {f.rule for f in clean.findings}


def test_check_command_exit_status(tmp_path: Path) -> None:
    s = Scenario()
    bad = s.encounter("cpr", service_code="H9999", modifiers=())
    db = _store(tmp_path, s)
    result = runner.invoke(
        app, ["--db", db, "check", bad["encounter_id"], "--as-of", "2025-03-15", "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    assert "GEN-CODE-UNKNOWN" in result.output
    missing = runner.invoke(app, ["--db", db, "check", "NOPE", "--as-of", "2025-03-15"])
    assert missing.exit_code == 2
    assert "no encounter NOPE" in missing.output

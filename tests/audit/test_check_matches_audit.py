"""The single-encounter check, on the slice of the store one encounter touches, finds about that
encounter exactly what the batch audit of the whole agency finds about it."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caseledger.audit.check import EncounterChecker, Remembered
from caseledger.audit.engine import run_audit
from caseledger.cli import app
from caseledger.facts.columnar import facts_from_folder
from caseledger.policy import load_policy
from caseledger.store import Store
from caseledger.store.slices import encounter_slice

runner = CliRunner()
#: a small planted agency: every rule has something to find
SIZE = ["--clients", "40", "--months", "4", "--seed", "5"]


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("agency")
    folder = root / "data"
    result = runner.invoke(app, ["demo", "generate", str(folder), *SIZE, "--force"])
    assert result.exit_code == 0, result.output
    db = f"sqlite:///{root / 'store.db'}"
    result = runner.invoke(app, ["--db", db, "import", str(folder)])
    assert result.exit_code == 0, result.output
    return folder, db


def test_check_finds_what_the_audit_finds_about_each_encounter(agency: tuple[Path, str]) -> None:
    folder, db = agency
    as_of = dt.date.fromisoformat(json.loads((folder / "demo.json").read_text())["as_of"])
    policy = load_policy(environ={})
    audit = run_audit(facts_from_folder(folder), policy, as_of=as_of)
    everything = {f.key for f in audit.findings}
    by_encounter: dict[str, set[tuple[str, str]]] = {}
    for f in audit.findings:
        if f.subject_type == "encounter":
            by_encounter.setdefault(f.subject_id, set()).add((f.rule, f.message))
    # Every rule that found something on an encounter, through one of its encounters, and a
    # sample of clean encounters.
    chosen: dict[str, str] = {}
    for f in audit.findings:
        if f.subject_type == "encounter":
            chosen.setdefault(f.rule, f.subject_id)
    with Store.open(db) as store, store.unit_of_work() as uow:
        ids = [str(e["encounter_id"]) for e in uow.encounters.list_where()]
    clean = sorted(set(ids) - set(by_encounter))
    sample = sorted(set(chosen.values()) | set(random.Random(3).sample(clean, 12)))

    # remembering nothing, so that the second check of an encounter runs the rules again, on
    # the history the store kept: the rules that read it then run on SQLite (``_pieces``)
    checker = EncounterChecker(policy, memory=Remembered(capacity=0))
    mismatches: list[tuple[str, list[object], list[object]]] = []
    try:
        with Store.open(db) as store:
            for eid in sample:
                with store.unit_of_work() as uow:
                    dataset, _ = encounter_slice(uow, eid)
                first = checker.check(dataset, eid, as_of=as_of)
                with store.unit_of_work() as uow:
                    dataset, _ = encounter_slice(uow, eid)
                again = checker.check(dataset, eid, as_of=as_of)
                if again != first:
                    mismatches.append((eid, [*again.findings], [*first.findings]))
        for eid in sample:
            with Store.open(db) as store, store.unit_of_work() as uow:
                dataset, _ = encounter_slice(uow, eid)
            result = checker.check(dataset, eid, as_of=as_of)
            own = {(f.rule, f.message) for f in result.own}
            expected = by_encounter.get(eid, set())
            if own != expected:
                mismatches.append((eid, [*sorted(own - expected)], [*sorted(expected - own)]))
            # What it causes on others, the audit finds too.
            stray = [f.key for f in result.caused if f.key not in everything]
            if stray:
                mismatches.append((eid, [*stray], []))
    finally:
        checker.close()
    assert len(chosen) >= 20, f"the planted agency exercised only {sorted(chosen)}"
    assert not mismatches, f"check and audit differ (id, only check, only audit): {mismatches}"

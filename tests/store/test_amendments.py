"""A signed note never changes: an import or an edit that would change it is refused whole, and a
correction is appended as an amendment, with both versions readable."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from caseledger.cli import app
from caseledger.facts.dataset import write_dataset
from caseledger.store import Store
from caseledger.store.access_log import entries
from caseledger.store.amendments import AmendmentError, amend, history
from caseledger.store.importer import import_dataset
from caseledger.store.repositories import FrozenRecordChanged
from tests.rules.scenario import Scenario

runner = CliRunner()


def _scenario() -> Scenario:
    s = Scenario()
    s.encounter("cpr", encounter_id="E-SIGNED")
    s.encounter("cpr", encounter_id="E-DRAFT", note_signed_by=None, note_signed_on=None)
    return s


@pytest.fixture
def store(tmp_path: Path) -> Store:
    write_dataset(_scenario().dataset(), tmp_path / "data")
    opened = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    assert import_dataset(opened, tmp_path / "data", actor="setup").committed
    return opened


def test_reimporting_a_changed_signed_note_is_refused_whole(store: Store, tmp_path: Path) -> None:
    s = _scenario()
    s.row("encounters", encounter_id="E-SIGNED")["note_text"] = "Rewritten after signing."
    s.row("encounters", encounter_id="E-DRAFT")["note_text"] = "A draft may change."
    write_dataset(s.dataset(), tmp_path / "changed")
    with pytest.raises(FrozenRecordChanged, match="E-SIGNED"):
        import_dataset(store, tmp_path / "changed", actor="setup")
    with store.unit_of_work() as uow:
        assert uow.encounters.get("E-DRAFT")["note_text"] != "A draft may change."  # type: ignore[index]


def test_an_unsigned_note_is_edited_freely(store: Store) -> None:
    with store.unit_of_work() as uow:
        row = dict(uow.encounters.get("E-DRAFT") or {})
        row["note_text"] = "Edited before signing."
        uow.encounters.upsert_many([row])
        with pytest.raises(AmendmentError, match="not signed yet"):
            amend(uow, "E-DRAFT", "x", "typo")


def test_an_amendment_is_appended_and_both_versions_stay(store: Store) -> None:
    with store.unit_of_work(actor="dana") as uow:
        original = history(uow, "E-SIGNED").text
        number = amend(uow, "E-SIGNED", "Corrected: 45 minutes, not 30.", "wrong duration")
        logged = entries(uow.connection)[-1]
    assert (logged.action, logged.client_id, logged.detail) == ("update", "C-CPR", "note amended")
    with store.unit_of_work() as uow:
        found = history(uow, "E-SIGNED")
    assert found.text == original and found.signed_by == "S-LPC"
    assert [(a.number, a.author, a.reason) for a in found.amendments] == [
        (number, "dana", "wrong duration")
    ]
    assert found.current == "Corrected: 45 minutes, not 30."
    with pytest.raises(AmendmentError, match="needs a reason"), store.unit_of_work() as uow:
        amend(uow, "E-SIGNED", "text", " ")


def test_note_commands(store: Store, tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.txt"
    fixed.write_text("Corrected text.", encoding="utf-8")
    db = store.url
    done = runner.invoke(
        app,
        ["--db", db, "note", "amend", "E-SIGNED", "--reason", "late entry", "--text-file",
         str(fixed), "--as", "dana"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["--db", db, "note", "history", "E-SIGNED"])
    assert shown.exit_code == 0
    assert "signed by S-LPC" in shown.output and "Amendment 1 by dana" in shown.output
    assert "Corrected text." in shown.output
    missing = runner.invoke(app, ["--db", db, "note", "history", "NOPE"])
    assert missing.exit_code == 2 and "no encounter NOPE" in missing.output

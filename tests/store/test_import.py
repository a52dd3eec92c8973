"""Import: all or nothing, precise problems, re-import changes nothing, one access-log entry per
client in the same transaction."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from caseledger.facts.dataset import DatasetNotFound
from caseledger.store import Store
from caseledger.store.access_log import entries
from caseledger.store.importer import import_dataset

from .conftest import FIXTURE, table_contents

#: Rows per file of the fixture, counted by hand.
FIXTURE_ROWS = {
    "agency": 1,
    "agency_certifications": 3,
    "staff": 3,
    "staff_credentials": 4,
    "staff_trainings": 4,
    "clients": 3,
    "enrollments": 4,
    "other_services": 1,
    "diagnoses": 4,
    "authorizations": 3,
    "plans": 2,
    "plan_goals": 3,
    "group_sessions": 1,
    "encounters": 4,
    "missed_appointments": 2,
    "contacts": 2,
    "progress_reports": 1,
}


def copy_fixture(tmp_path: Path, name: str = "dataset") -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURE, target)
    return target


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def loaded(store: Store) -> Store:
    report = import_dataset(store, FIXTURE, actor="loader")
    assert report.committed and not report.problems
    return store


def test_the_fixture_imports_completely(store: Store) -> None:
    report = import_dataset(store, FIXTURE, actor="loader")
    assert report.committed
    assert {name: c.added for name, c in report.tables.items()} == FIXTURE_ROWS
    with store.unit_of_work(actor="t") as uow:
        for name, count in FIXTURE_ROWS.items():
            assert uow.repo(name).count() == count, name
        e4 = uow.encounters.get("E4")
        s1_training = uow.repo("staff_trainings").list_by_parent("S1")
        plan = uow.repo("plans").get("P1")
        client = uow.repo("clients").get("C2")
    assert e4 is not None and plan is not None and client is not None
    assert e4["note_text"] == "Called client;  safety plan reviewed…\n\n  Next: follow up in 48 h."
    assert e4["source_ref"] == "multi\nline, extra"
    assert e4["charge"] == Decimal("20.36") and e4["units"] == Decimal("1.5")
    assert e4["start_time"] == dt.time(14, 0)
    assert s1_training[0]["waiver_note"] == 'Prior training documented, see file "2019 CBT"'
    assert plan["barriers"] == 'Impulsivity;\ndifficulty reading "social cues"'
    assert client["last_name"] == 'D"Angelo' and client["has_other_transportation"] is True


def test_importing_the_same_dataset_again_changes_nothing(loaded: Store) -> None:
    before = table_contents(loaded)
    report = import_dataset(loaded, FIXTURE, actor="loader")
    assert report.committed
    assert {name: c.unchanged for name, c in report.tables.items()} == FIXTURE_ROWS
    assert report.totals()["added"] + report.totals()["changed"] + report.totals()["removed"] == 0
    assert report.clients_logged == 0
    assert table_contents(loaded) == before  # the access log included: no PHI was touched


def test_one_access_entry_per_client_whose_records_changed(store: Store) -> None:
    import_dataset(store, FIXTURE, actor="loader")
    with store.unit_of_work(actor="t") as uow:
        logged = entries(uow.connection)
    assert [(e.actor, e.action, e.client_id, e.record_id) for e in logged] == [
        ("loader", "import", "C1", "C1"),
        ("loader", "import", "C2", "C2"),
        ("loader", "import", "C3", "C3"),
    ]
    c1 = logged[0].detail or ""
    # C1 has 1 client row, 1 enrollment, 1 other service, 1 diagnosis, 2 authorizations, 1 plan
    # with 2 goals, 2 encounters, 1 missed appointment, 1 contact and 1 progress report.
    for part in (
        "clients: 1 added",
        "enrollments: 1 added",
        "diagnoses: 1 added",
        "authorizations: 2 added",
        "plan_goals: 2 added",
        "encounters: 2 added",
        "progress_reports: 1 added",
    ):
        assert part in c1
    for phi in ("Zoë", "Brontë", "MO123456789", "1980-02-29", "Elm"):
        assert phi not in c1


def test_a_changed_encounter_logs_only_that_client(loaded: Store, tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    # The charge, not the note: E1's note is signed, and a signed note never changes.
    edit(
        folder, "encounters.csv", "2024-02-06,09:00,12:00,1,69.00", "2024-02-06,09:00,12:00,1,72.00"
    )
    with loaded.unit_of_work(actor="t") as uow:
        before = len(entries(uow.connection))
    report = import_dataset(loaded, folder, actor="editor")
    assert report.tables["encounters"].changed == 1
    assert report.tables["encounters"].unchanged == 3
    with loaded.unit_of_work(actor="t") as uow:
        new = entries(uow.connection)[before:]
        note = uow.encounters.get("E1")
    assert [(e.actor, e.action, e.client_id, e.detail) for e in new] == [
        ("editor", "import", "C1", "encounters: 1 changed")
    ]
    assert note is not None and str(note["charge"]) == "72.00"


def test_child_rows_in_the_dataset_replace_that_parents_stored_rows(
    loaded: Store, tmp_path: Path
) -> None:
    folder = copy_fixture(tmp_path)
    # C2 loses F41.1 and gains F43.10; C1 and C3 keep theirs.
    edit(folder, "diagnoses.csv", "C2,F41.1,2,2023-06-01,\n", "C2,F43.10,2,2024-01-01,\n")
    report = import_dataset(loaded, folder, actor="t")
    d = report.tables["diagnoses"]
    assert (d.added, d.changed, d.unchanged, d.removed) == (1, 0, 3, 1)
    with loaded.unit_of_work(actor="t") as uow:
        assert {r["icd10"] for r in uow.repo("diagnoses").list_by_parent("C2")} == {
            "F33.1",
            "F43.10",
        }
        assert uow.repo("diagnoses").count() == 4


def test_parents_absent_from_a_child_file_keep_their_rows(loaded: Store, tmp_path: Path) -> None:
    folder = tmp_path / "only-c3"
    folder.mkdir()
    (folder / "encounters.csv").write_text(
        (FIXTURE / "encounters.csv").read_text(encoding="utf-8").split("\n")[0] + "\n",
        encoding="utf-8",
    )
    (folder / "diagnoses.csv").write_text(
        "client_id,icd10,rank,start_date,end_date\nC3,F10.21,1,,\n", encoding="utf-8"
    )
    report = import_dataset(loaded, folder, actor="t")
    assert report.committed
    d = report.tables["diagnoses"]
    assert (d.added, d.removed, d.unchanged) == (1, 1, 0)
    with loaded.unit_of_work(actor="t") as uow:
        assert uow.repo("diagnoses").count() == 4
        assert uow.encounters.count() == 4  # an empty encounters.csv removes nothing


def test_references_to_rows_already_stored_are_fine(loaded: Store, tmp_path: Path) -> None:
    folder = tmp_path / "new-encounter"
    folder.mkdir()
    header = (FIXTURE / "encounters.csv").read_text(encoding="utf-8").split("\n")[0]
    (folder / "encounters.csv").write_text(
        header + "\nE9,C1,S1,SST,,2024-02-20,09:00,12:00,1,69.00,community,,,,,,,AU1,,,,x\n",
        encoding="utf-8",
    )
    report = import_dataset(loaded, folder, actor="t")
    assert report.problems == [] and report.committed
    assert report.tables["encounters"].added == 1


def test_a_reference_to_nothing_stored_is_a_problem(loaded: Store, tmp_path: Path) -> None:
    folder = tmp_path / "dangling"
    folder.mkdir()
    header = (FIXTURE / "encounters.csv").read_text(encoding="utf-8").split("\n")[0]
    (folder / "encounters.csv").write_text(
        header + "\nE9,C9,S1,SST,,2024-02-20,,,,,,,,,,,,,,,,\n", encoding="utf-8"
    )
    before = table_contents(loaded)
    report = import_dataset(loaded, folder, actor="t")
    assert report.refused and not report.committed
    assert [(p.file, p.line, p.column) for p in report.problems] == [
        ("encounters.csv", 2, "client_id")
    ]
    assert "store" in report.problems[0].message
    assert table_contents(loaded) == before


# (file, text to replace, replacement, expected (file, line, column) of the first problem)
BAD_INPUTS = {
    "impossible date": (
        "encounters.csv", "2024-02-06,09:00,12:00", "2024-02-30,09:00,12:00",
        ("encounters.csv", 4, "date"),
    ),
    "unknown enum": ("enrollments.csv", "C3,sud,", "C3,sux,", ("enrollments.csv", 5, "program")),
    "bad decimal": ("staff_trainings.csv", ",2.5,", ",2.5x,", ("staff_trainings.csv", 2, "hours")),
    "bad boolean": (
        "clients.csv", "573-555-0100,no", "573-555-0100,nope",
        ("clients.csv", 3, "has_other_transportation"),
    ),
    "required column missing": (
        "clients.csv", "client_id,agency_id,", "client_id,agency,", ("clients.csv", 1, "agency_id"),
    ),
    "required cell empty": (
        "encounters.csv", "E2,C1,S1,SST-TRANSPORT", "E2,C1,S1,",
        ("encounters.csv", 5, "service_code"),
    ),
    "unknown reference": (
        "encounters.csv", "E2,C1,S1", "E2,C9,S1", ("encounters.csv", 5, "client_id"),
    ),
    "unknown supervisor": (
        "staff.csv", "2024-11-30,high_school,,S1", "2024-11-30,high_school,,S7",
        ("staff.csv", 4, "supervisor_id"),
    ),
    "duplicate id": (
        "missed_appointments.csv", "M2,C2", "M1,C2", ("missed_appointments.csv", 3, "missed_id"),
    ),
    "unclosed quote": (
        "contacts.csv", "2024-07-10T10:00,in person,", '2024-07-10T10:00,"in person,',
        ("contacts.csv", 3, "method"),
    ),
    "too many cells": (
        "group_sessions.csv", "S1;S2,facility\n", "S1;S2,facility,x\n",
        ("group_sessions.csv", 2, None),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_writes_nothing_and_says_where(loaded: Store, tmp_path: Path, case: str) -> None:
    file, old, new, where = BAD_INPUTS[case]
    folder = copy_fixture(tmp_path)
    edit(folder, file, old, new)
    # A good change too: an import that was not all-or-nothing would write it.
    edit(folder, "agency.csv", "Riverbend Community Services, Inc.", "Riverbend CS")
    before = table_contents(loaded)
    report = import_dataset(loaded, folder, actor="t")
    assert report.refused and not report.committed
    assert (report.problems[0].file, report.problems[0].line, report.problems[0].column) == where
    assert str(report.problems[0]).startswith(":".join(str(p) for p in where if p is not None))
    assert table_contents(loaded) == before


def test_undecodable_bytes_write_nothing(loaded: Store, tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    path = folder / "plan_goals.csv"
    path.write_bytes(path.read_bytes().replace(b"Keep a weekly", b"Keep a \xff weekly"))
    before = table_contents(loaded)
    report = import_dataset(loaded, folder, actor="t")
    assert [(p.file, p.line, p.column) for p in report.problems] == [("plan_goals.csv", 4, "text")]
    assert table_contents(loaded) == before


def test_a_missing_encounters_file_writes_nothing(store: Store, tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    (folder / "encounters.csv").unlink()
    before = table_contents(store)
    report = import_dataset(store, folder, actor="t")
    assert [(p.file, p.line) for p in report.problems] == [("encounters.csv", None)]
    assert table_contents(store) == before


def test_a_missing_folder_is_an_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFound):
        import_dataset(store, tmp_path / "nowhere", actor="t")


def test_partial_imports_the_good_rows_only(store: Store, tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    edit(folder, "encounters.csv", "2024-02-06,09:00,12:00", "2024-02-30,09:00,12:00")  # E1
    edit(folder, "clients.csv", "C3,AG1,张,伟,1990-07-14", "C3,AG1,张,伟,1990-13-14")  # C3
    report = import_dataset(store, folder, partial=True, actor="t")
    assert report.committed and report.skipped_rows
    problem_places = {(p.file, p.line, p.column) for p in report.problems}
    assert ("encounters.csv", 4, "date") in problem_places
    assert ("clients.csv", 4, "dob") in problem_places
    with store.unit_of_work(actor="t") as uow:
        assert sorted(uow.repo("clients").ids()) == ["C1", "C2"]
        # E1 is bad; E4 belongs to the skipped C3; E2 and E3 are good.
        assert sorted(uow.encounters.ids()) == ["E2", "E3"]
        assert uow.repo("diagnoses").count() == 3  # C3's diagnosis went with C3
        assert uow.repo("staff").count() == 3


def test_partial_never_removes_children_when_their_file_had_problems(
    loaded: Store, tmp_path: Path
) -> None:
    folder = copy_fixture(tmp_path)
    # C2's F41.1 row now has a bad rank: it is skipped, and the stored F41.1 must survive.
    edit(folder, "diagnoses.csv", "C2,F41.1,2,", "C2,F41.1,second,")
    report = import_dataset(loaded, folder, partial=True, actor="t")
    assert report.committed and report.skipped_rows
    assert report.tables["diagnoses"].removed == 0
    with loaded.unit_of_work(actor="t") as uow:
        assert {r["icd10"] for r in uow.repo("diagnoses").list_by_parent("C2")} == {
            "F33.1",
            "F41.1",
        }


def test_dry_run_reports_the_changes_and_writes_nothing(loaded: Store, tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    edit(folder, "agency.csv", "Riverbend Community Services, Inc.", "Riverbend CS")
    before = table_contents(loaded)
    report = import_dataset(loaded, folder, dry_run=True, actor="t")
    assert not report.committed
    assert report.tables["agency"].changed == 1
    assert table_contents(loaded) == before


def test_a_crash_midway_leaves_no_rows_and_no_access_entries(store: Store) -> None:
    before = table_contents(store)

    def crash_on_encounters(table: str, done: int, total: int) -> None:
        if table == "encounters":
            raise KeyboardInterrupt  # after clients, plans and more were written

    with pytest.raises(KeyboardInterrupt):
        import_dataset(store, FIXTURE, actor="t", progress=crash_on_encounters)
    assert table_contents(store) == before


def test_progress_reports_every_row(store: Store) -> None:
    seen: dict[str, int] = {}

    def count(table: str, done: int, total: int) -> None:
        seen[table] = seen.get(table, 0) + done
        assert seen[table] <= total

    import_dataset(store, FIXTURE, actor="t", progress=count)
    assert seen == FIXTURE_ROWS


def test_batches_smaller_than_the_dataset_give_the_same_result(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large imports are compared and written in batches; tiny batches make the fixture cross
    # every batch boundary (ids, parents, IN lists) without a large dataset.
    from caseledger.store import repositories

    monkeypatch.setattr(repositories, "IN_CHUNK", 2)
    monkeypatch.setattr(repositories, "WRITE_CHUNK", 3)
    first = import_dataset(store, FIXTURE, actor="t")
    assert {name: c.added for name, c in first.tables.items()} == FIXTURE_ROWS
    again = import_dataset(store, FIXTURE, actor="t")
    assert {name: c.unchanged for name, c in again.tables.items()} == FIXTURE_ROWS
    folder = copy_fixture(tmp_path)
    edit(folder, "diagnoses.csv", "C2,F41.1,2,2023-06-01,\n", "C2,F43.10,2,2024-01-01,\n")
    edit(
        folder, "encounters.csv", "2024-02-06,09:00,12:00,1,69.00", "2024-02-06,09:00,12:00,1,72.00"
    )
    third = import_dataset(store, folder, actor="t")
    d, e = third.tables["diagnoses"], third.tables["encounters"]
    assert (d.added, d.changed, d.unchanged, d.removed) == (1, 0, 3, 1)
    assert (e.added, e.changed, e.unchanged, e.removed) == (0, 1, 3, 0)
    with store.unit_of_work(actor="t") as uow:
        assert {r["icd10"] for r in uow.repo("diagnoses").all()} == {
            "S06.2X9S", "F33.1", "F43.10", "F10.20",
        }  # fmt: skip

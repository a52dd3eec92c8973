"""Export: the store as a canonical dataset; import then export gives the original back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from caseledger.facts.dataset import Dataset, canonical, read_dataset
from caseledger.facts.schema import BY_NAME
from caseledger.store import ExportTargetNotEmpty, Store
from caseledger.store.access_log import entries
from caseledger.store.exporter import export_dataset
from caseledger.store.importer import import_dataset
from tests.facts.strategies import datasets

from .conftest import FIXTURE, START, clear, table_contents


def read_ok(folder: Path) -> Dataset:
    result = read_dataset(folder)
    assert result.problems == []
    return result.dataset


def test_import_then_export_gives_the_canonical_original(store: Store, tmp_path: Path) -> None:
    import_dataset(store, FIXTURE, actor="t")
    report = export_dataset(store, tmp_path / "out", actor="t")
    assert sorted(report.files) == sorted(p.name for p in FIXTURE.iterdir())
    assert read_ok(tmp_path / "out") == canonical(read_ok(FIXTURE))


def test_the_export_is_canonical_text(store: Store, tmp_path: Path) -> None:
    import_dataset(store, FIXTURE, actor="t")
    export_dataset(store, tmp_path / "out", actor="t")
    lines = (tmp_path / "out" / "clients.csv").read_text(encoding="utf-8").splitlines()
    # Sorted by client_id; yes/no written as true/false; a quote inside a cell doubled.
    assert lines == [
        "client_id,agency_id,first_name,last_name,dob,sex,medicaid_id,address_line,city,state,"
        "zip,phone,has_other_transportation",
        'C1,AG1,Zoë,Brontë-Smith,1980-02-29,F,MO123456789,"12 Elm St, Apt 3",Columbia,MO,65201,'
        "573-555-0100,false",
        'C2,AG1,Renée,"D""Angelo",1975-11-05,F,MO987654321,,Fulton,MO,65251,,true',
        "C3,AG1,张,伟,1990-07-14,M,,,,,,,",
    ]
    trainings = (tmp_path / "out" / "staff_trainings.csv").read_text(encoding="utf-8")
    assert "S2,cpr_orientation,2.5,2023-03-10,false,\n" in trainings
    assert "S3,primary_skills_general_overview,3,2024-01-20,false,\n" in trainings  # default
    encounters = (tmp_path / "out" / "encounters.csv").read_text(encoding="utf-8")
    assert encounters.splitlines()[0].endswith(",note_signed_on,source_ref")
    assert ',S3,2024-03-04,"multi\nline, extra"\n' in encounters


def test_export_import_export_is_byte_identical(store: Store, tmp_path: Path) -> None:
    import_dataset(store, FIXTURE, actor="t")
    export_dataset(store, tmp_path / "first", actor="t")
    clear(store)
    import_dataset(store, tmp_path / "first", actor="t")
    export_dataset(store, tmp_path / "second", actor="t")
    for path in sorted((tmp_path / "first").iterdir()):
        assert path.read_bytes() == (tmp_path / "second" / path.name).read_bytes(), path.name


def test_export_logs_one_entry_per_client(store: Store, tmp_path: Path) -> None:
    import_dataset(store, FIXTURE, actor="t")
    with store.unit_of_work(actor="t") as uow:
        before = len(entries(uow.connection))
    report = export_dataset(store, tmp_path / "out", actor="auditor")
    assert report.clients_logged == 3
    with store.unit_of_work(actor="t") as uow:
        new = entries(uow.connection)[before:]
    assert [(e.actor, e.action, e.client_id) for e in new] == [
        ("auditor", "export", "C1"),
        ("auditor", "export", "C2"),
        ("auditor", "export", "C3"),
    ]
    assert "encounters: 2" in (new[0].detail or "")
    assert "plan_goals: 2" in (new[0].detail or "")


def test_an_empty_store_exports_just_the_encounters_header(store: Store, tmp_path: Path) -> None:
    report = export_dataset(store, tmp_path / "out", actor="t")
    assert report.files == {"encounters.csv": 0}
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["encounters.csv"]


def test_a_folder_that_is_not_empty_is_refused_without_force(store: Store, tmp_path: Path) -> None:
    import_dataset(store, FIXTURE, actor="t")
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    before = table_contents(store)
    with pytest.raises(ExportTargetNotEmpty):
        export_dataset(store, target, actor="t")
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert table_contents(store) == before  # nothing exported, nothing logged


def test_force_replaces_dataset_files_and_removes_stale_ones(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    (target / "contacts.csv").write_text("contact_id,client_id\nOLD,C0\n", encoding="utf-8")
    header = (FIXTURE / "encounters.csv").read_text(encoding="utf-8").split("\n")[0]
    only_encounters = tmp_path / "in"
    only_encounters.mkdir()
    (only_encounters / "encounters.csv").write_text(header + "\n", encoding="utf-8")
    import_dataset(store, only_encounters, actor="t")
    export_dataset(store, target, actor="t", force=True)
    assert sorted(p.name for p in target.iterdir()) == ["encounters.csv", "notes.txt"]
    assert not any(p.name.startswith(".caseledger-export") for p in tmp_path.iterdir())


def as_stored(dataset: Dataset) -> Dataset:
    """What a store can give back: rows, not files. A table without rows has no file (but
    encounters.csv, which is required), and extra columns live on rows."""
    tables = {
        name: rows for name, rows in dataset.tables.items() if rows or BY_NAME[name].required_file
    }
    extra = {name: cols for name, cols in dataset.extra_columns.items() if tables.get(name)}
    return canonical(Dataset(tables, extra))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(original=datasets())
def test_any_valid_dataset_round_trips_and_reimports_unchanged(
    store: Store, tmp_path_factory: pytest.TempPathFactory, original: Dataset
) -> None:
    from caseledger.facts.dataset import write_dataset

    clear(store)
    folder = tmp_path_factory.mktemp("in")
    write_dataset(original, folder)
    first = import_dataset(store, folder, actor="t")
    assert first.problems == [] and first.committed
    out = tmp_path_factory.mktemp("out")
    export_dataset(store, out, actor="t", force=True)
    assert read_ok(out) == as_stored(original)
    again = import_dataset(store, folder, actor="t")
    assert sum(c.added + c.changed + c.removed for c in again.tables.values()) == 0


def test_entries_take_their_time_from_the_stores_clock(store: Store, tmp_path: Path) -> None:
    import_dataset(store, FIXTURE, actor="t")
    export_dataset(store, tmp_path / "out", actor="t")
    with store.unit_of_work(actor="t") as uow:
        logged = entries(uow.connection)
    # One clock reading per batch of entries; the fixed clock steps one second per reading.
    start = START.replace(tzinfo=None)
    assert [(e.action, e.at) for e in logged] == [
        ("import", start),
        ("import", start),
        ("import", start),
        ("export", start + dt.timedelta(seconds=1)),
        ("export", start + dt.timedelta(seconds=1)),
        ("export", start + dt.timedelta(seconds=1)),
    ]

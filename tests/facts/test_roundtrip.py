"""Writing is canonical: read → write → read gives an equal dataset, write → read → write gives
the same bytes, and a hand-checked messy folder is written exactly as its canonical twin."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given

from caseledger.facts.dataset import Dataset, canonical, read_dataset, write_dataset
from caseledger.facts.schema import table
from tests.facts.strategies import datasets

GOLDEN = Path(__file__).parent / "golden"


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@given(datasets())
def test_write_read_gives_the_same_dataset_and_rewriting_the_same_bytes(
    tmp_path_factory: pytest.TempPathFactory, original: Dataset
) -> None:
    first = tmp_path_factory.mktemp("first")
    counts = write_dataset(original, first)
    assert counts == {f"{name}.csv": len(rows) for name, rows in original.tables.items()}

    result = read_dataset(first)
    assert result.problems == []
    assert result.dataset == canonical(original)

    second = tmp_path_factory.mktemp("second")
    write_dataset(result.dataset, second)
    assert files_of(second) == files_of(first)


@given(datasets(tables=["encounters"], max_rows=2, extra_columns=False))
def test_a_dataset_of_encounters_and_what_they_require(
    tmp_path_factory: pytest.TempPathFactory, original: Dataset
) -> None:
    assert set(original.tables) == {"encounters", "clients", "agency"}
    folder = tmp_path_factory.mktemp("few")
    write_dataset(original, folder)
    assert read_dataset(folder).dataset == canonical(original)


def test_messy_folder_is_written_in_its_canonical_form(tmp_path: Path) -> None:
    result = read_dataset(GOLDEN / "messy")
    assert result.problems == []
    counts = write_dataset(result.dataset, tmp_path)
    assert counts == {
        "agency.csv": 1,
        "staff.csv": 2,
        "staff_credentials.csv": 3,
        "clients.csv": 2,
        "encounters.csv": 2,
    }
    assert files_of(tmp_path) == files_of(GOLDEN / "canonical")


def test_canonical_folder_is_a_fixed_point(tmp_path: Path) -> None:
    result = read_dataset(GOLDEN / "canonical")
    assert result.ok and result.notices == [
        "encounters.csv: kept 1 column(s) that are not part of the format: site"
    ]
    write_dataset(result.dataset, tmp_path)
    assert files_of(tmp_path) == files_of(GOLDEN / "canonical")


def test_canonical_sorts_by_key_with_empty_cells_first_and_fills_empty_cells() -> None:
    rows = [
        {"staff_id": "S2", "kind": "lpc", "start_date": None},
        {"staff_id": "S1", "kind": "lpc", "start_date": dt.date(2020, 1, 1)},
        {"staff_id": "S1", "kind": "lpc", "start_date": None},
        {"staff_id": "S1", "kind": "csw", "start_date": dt.date(2021, 1, 1)},
    ]
    result = canonical(Dataset({"staff_credentials": rows}))
    got = [(r["staff_id"], r["kind"], r["start_date"]) for r in result.rows("staff_credentials")]
    assert got == [
        ("S1", "csw", dt.date(2021, 1, 1)),
        ("S1", "lpc", None),
        ("S1", "lpc", dt.date(2020, 1, 1)),
        ("S2", "lpc", None),
    ]
    assert set(result.rows("staff_credentials")[0]) == set(table("staff_credentials").column_names)
    encounter = canonical(Dataset({"encounters": [{"encounter_id": "E1", "billable": None}]}))
    assert encounter.rows("encounters")[0]["billable"] is True  # what an empty cell reads as
    assert encounter.rows("encounters")[0]["modifiers"] == ()
    assert rows[0] == {"staff_id": "S2", "kind": "lpc", "start_date": None}  # input untouched


def test_write_leaves_files_of_absent_tables_alone(tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder"
    out.mkdir(parents=True)
    (out / "plans.csv").write_text("kept\n")
    counts = write_dataset(Dataset({"encounters": []}), out)
    assert counts == {"encounters.csv": 0}
    assert (out / "plans.csv").read_text() == "kept\n"
    assert (out / "encounters.csv").read_text().count("\n") == 1  # the header only


def test_a_table_outside_the_contract_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown table 'encounter'; expected one of: agency"):
        write_dataset(Dataset({"encounter": []}), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_dataset_accessors() -> None:
    dataset = Dataset({"encounters": [{"encounter_id": "E1"}]})
    assert dataset.present("encounters") and not dataset.present("clients")
    assert dataset.rows("clients") == []
    assert dataset.rows("encounters") == [{"encounter_id": "E1"}]


def test_a_note_with_a_lone_carriage_return_survives(tmp_path: Path) -> None:
    shutil.copytree(GOLDEN / "canonical", tmp_path / "in")
    dataset = read_dataset(tmp_path / "in").dataset
    dataset.rows("encounters")[0]["note_text"] = "old Mac line\rend"
    write_dataset(dataset, tmp_path / "out")
    assert read_dataset(tmp_path / "out").dataset == canonical(dataset)

"""Every file the generator writes is a valid dataset file: exact columns, every cell parses."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from caseledger.demo.model import RECORD_TABLES
from caseledger.facts import cells
from caseledger.facts.dataset import read_dataset
from caseledger.facts.schema import BY_NAME, TABLES
from tests.demo.conftest import Built


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.name)
def test_every_cell_parses_with_the_schema(small_planted: Built, t: object) -> None:
    path = small_planted.folder / t.filename  # type: ignore[attr-defined]
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert tuple(header) == t.column_names  # type: ignore[attr-defined]
        columns = t.columns  # type: ignore[attr-defined]
        for row in reader:
            assert len(row) == len(columns)
            for column, text in zip(columns, row, strict=True):
                cells.parse(column, text, table=t.name)  # type: ignore[attr-defined]


def test_the_dataset_reader_accepts_both_modes(small_clean: Built, small_planted: Built) -> None:
    for built in (small_clean, small_planted):
        result = read_dataset(built.folder)
        assert result.ok, result.problems[:5]
        assert all(
            "not part of the dataset format" in n
            for n in result.notices
            if n.startswith(("planted", "demo"))
        )


def test_records_mirror_the_contract() -> None:
    for name, record in RECORD_TABLES.items():
        fields = {f.name for f in dataclasses.fields(record)}
        assert set(BY_NAME[name].column_names) <= fields, name


def test_reader_round_trip_is_byte_identical(small_planted: Built, tmp_path: Path) -> None:
    from caseledger.facts.dataset import write_dataset

    write_dataset(read_dataset(small_planted.folder).dataset, tmp_path)
    for t in TABLES:
        assert (tmp_path / t.filename).read_bytes() == (
            small_planted.folder / t.filename
        ).read_bytes(), t.filename

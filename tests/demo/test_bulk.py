"""Benchmark mode: streamed, readable, counted, deterministic, and clean but for its plants."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from caseledger.demo.bulk import BulkOptions, generate_bulk
from caseledger.facts.arrow import arrow_schema
from caseledger.facts.dataset import read_dataset
from caseledger.facts.schema import TABLES
from tests.demo.oracle import Oracle

N = 20_000


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bulk")
    generate_bulk(folder, BulkOptions(encounters=N, format="parquet"))
    return folder


def test_parquet_tables_have_the_contract_schema_and_counts(parquet: Path) -> None:
    manifest = json.loads((parquet / "demo.json").read_text())
    for t in TABLES:
        data = pq.read_table(parquet / f"{t.name}.parquet")
        assert data.schema.equals(arrow_schema(t.name), check_metadata=False), t.name
        assert data.num_rows == manifest["files"][f"{t.name}.parquet"], t.name
    encounters = pq.read_table(parquet / "encounters.parquet")
    assert abs(encounters.num_rows - N) / N < 0.1
    assert pq.ParquetFile(parquet / "encounters.parquet").metadata.num_row_groups >= 1
    assert len(set(encounters.column("encounter_id").to_pylist())) == encounters.num_rows


def test_planted_rows_point_at_real_encounters_at_a_few_percent(parquet: Path) -> None:
    planted = pq.read_table(parquet / "planted.parquet").to_pylist()
    ids = set(pq.read_table(parquet / "encounters.parquet").column("encounter_id").to_pylist())
    missed = set(pq.read_table(parquet / "missed_appointments.parquet")
                 .column("missed_id").to_pylist())  # fmt: skip
    flagged = {p["subject_id"] for p in planted if p["subject_type"] == "encounter"}
    assert flagged <= ids
    assert {p["subject_id"] for p in planted if p["subject_type"] != "encounter"} <= missed
    assert 0.02 <= len(flagged) / len(ids) <= 0.05


def test_csv_mode_is_what_was_planted_and_nothing_else(tmp_path: Path) -> None:
    generate_bulk(tmp_path, BulkOptions(encounters=N, format="csv", seed=3))
    result = read_dataset(tmp_path)
    assert result.ok, result.problems[:5]
    as_of = dt.date.fromisoformat(json.loads((tmp_path / "demo.json").read_text())["as_of"])
    with (tmp_path / "planted.csv").open(encoding="utf-8", newline="") as f:
        planted = {(r["rule"], r["subject_type"], r["subject_id"]) for r in csv.DictReader(f)}
    assert planted
    assert Oracle(result.dataset.tables, as_of).run() == planted


def test_clean_benchmark_data_breaks_no_rule(tmp_path: Path) -> None:
    generate_bulk(tmp_path, BulkOptions(encounters=5_000, format="csv", clean=True, months=2))
    result = read_dataset(tmp_path)
    assert result.ok, result.problems[:5]
    as_of = dt.date.fromisoformat(json.loads((tmp_path / "demo.json").read_text())["as_of"])
    assert Oracle(result.dataset.tables, as_of).run() == set()
    assert (tmp_path / "planted.csv").read_text().count("\n") == 1


def test_same_options_same_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        generate_bulk(tmp_path / name, BulkOptions(encounters=3_000, format="csv"))
    for t in TABLES:
        first = (tmp_path / "a" / t.filename).read_bytes()
        assert first == (tmp_path / "b" / t.filename).read_bytes(), t.filename

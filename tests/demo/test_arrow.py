"""The Arrow schemas follow the dataset contract, kind by kind, and survive Parquet."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from caseledger.facts.arrow import arrow_schema, to_arrow
from caseledger.facts.schema import TABLES, Kind, table


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.name)
def test_columns_in_contract_order_with_required_not_null(t: object) -> None:
    schema = arrow_schema(t.name)  # type: ignore[attr-defined]
    assert schema.names == list(t.column_names)  # type: ignore[attr-defined]
    for column in t.columns:  # type: ignore[attr-defined]
        field = schema.field(column.name)
        assert field.nullable is not column.required
        assert field.metadata[b"kind"] == column.kind.value.encode()
        assert field.metadata[b"phi"] == (b"true" if column.phi else b"false")


def test_types_by_kind() -> None:
    enc = arrow_schema("encounters")
    assert enc.field("date").type == pa.date32()
    assert enc.field("start_time").type == pa.time32("ms")
    assert enc.field("units").type == pa.decimal128(12, 2)
    assert enc.field("modifiers").type == pa.list_(pa.string())
    assert enc.field("billable").type == pa.bool_()
    assert arrow_schema("missed_appointments").field("scheduled_at").type == pa.timestamp("ms")
    assert arrow_schema("progress_reports").field("month").type == pa.date32()
    assert arrow_schema("diagnoses").field("rank").type == pa.int64()
    choices = arrow_schema("enrollments").field("program").metadata[b"choices"]
    assert choices == b"sst;cpr;sud;aba"
    kinds = {c.kind for t in TABLES for c in t.columns}
    assert kinds <= set(Kind)


def test_values_round_trip_through_parquet() -> None:
    row = {
        "encounter_id": "E1",
        "client_id": "C1",
        "service_code": "H2017",
        "modifiers": ("HO", "HQ"),
        "date": dt.date(2025, 3, 4),
        "start_time": dt.time(9, 5),
        "end_time": dt.time(10, 35),
        "units": Decimal(6),
        "charge": Decimal("30.54"),
        "billable": True,
        "goal_ids": (),
    }
    data = to_arrow("encounters", [row])
    buffer = io.BytesIO()
    pq.write_table(data, buffer)
    back = pq.read_table(io.BytesIO(buffer.getvalue()))
    assert back.schema.equals(arrow_schema("encounters"), check_metadata=False)
    got = back.to_pylist()[0]
    assert got["modifiers"] == ["HO", "HQ"]
    assert got["start_time"] == dt.time(9, 5)
    assert got["charge"] == Decimal("30.54")
    assert got["units"] == Decimal(6)
    assert got["note_text"] is None
    assert got["goal_ids"] == []


def test_a_generated_dataset_converts_table_by_table(small_clean: object) -> None:
    tables = small_clean.tables  # type: ignore[attr-defined]
    for name, rows in tables.items():
        data = to_arrow(name, rows)
        assert data.num_rows == len(rows)
        assert data.schema.equals(arrow_schema(table(name).name))

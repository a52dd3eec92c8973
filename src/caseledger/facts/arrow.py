"""Arrow schemas of the dataset tables, derived from the contract in ``facts/schema.py``.

One Arrow type per column kind, chosen for what the rules do with the values and for a lossless
trip through Parquet:

- dates are ``date32``; a month (``YYYY-MM``) is the ``date32`` of its first day;
- times of day are ``time32[ms]`` rather than ``"HH:MM"`` text: unit rules subtract start from end
  and overlap rules compare intervals, which Arrow compute and DuckDB do natively on a time type
  (a string would be parsed on every comparison). Milliseconds, not seconds, because Parquet has
  no seconds unit and would hand back ``time32[ms]`` anyway; the CSV form stays ``HH:MM``;
- date-times are ``timestamp[ms]`` without a time zone (the agency's local time), for the same
  Parquet reason;
- decimals (money, units, training hours) are ``decimal128(12, 2)``: exact like the ``Decimal``
  values the CSV reader returns, so a charge of 20.36 × 3 compares equal to 61.08;
- lists (modifiers, goal ids, group leaders) are ``list<string>``; enums, ids and text are strings.

Every field carries the column's kind, whether it is protected health information and, for enums,
the allowed values as field metadata; required columns are not nullable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import pyarrow as pa

from caseledger.facts.cells import Value
from caseledger.facts.schema import BY_NAME, Column, Kind, Table

DECIMAL = pa.decimal128(12, 2)

_TYPES: dict[Kind, Any] = {
    Kind.ID: pa.string(),
    Kind.STR: pa.string(),
    Kind.TEXT: pa.string(),
    Kind.ENUM: pa.string(),
    Kind.DATE: pa.date32(),
    Kind.MONTH: pa.date32(),
    Kind.TIME: pa.time32("ms"),
    Kind.DATETIME: pa.timestamp("ms"),
    Kind.BOOL: pa.bool_(),
    Kind.INT: pa.int64(),
    Kind.DECIMAL: DECIMAL,
    Kind.LIST: pa.list_(pa.string()),
}


def arrow_type(kind: Kind) -> Any:
    """The Arrow type that holds values of ``kind``."""
    return _TYPES[kind]


def arrow_field(column: Column) -> Any:
    metadata = {"kind": column.kind.value, "phi": "true" if column.phi else "false"}
    if column.choices:
        metadata["choices"] = ";".join(column.choices)
    if column.ref:
        metadata["ref"] = ".".join(column.ref)
    return pa.field(column.name, arrow_type(column.kind), not column.required, metadata)


@cache
def arrow_schema(table: str) -> Any:
    """The Arrow schema of dataset table ``table`` (its columns in contract order)."""
    t: Table = BY_NAME[table]
    return pa.schema([arrow_field(c) for c in t.columns], metadata={"table": t.name})


def to_arrow(table: str, rows: Iterable[Mapping[str, Value]]) -> Any:
    """A ``pyarrow.Table`` of ``rows`` (parsed values keyed by column, as ``cells.parse`` gives
    them; absent columns are null)."""
    schema = arrow_schema(table)
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    for row in rows:
        for name, values in columns.items():
            values.append(_python(row.get(name)))
    return pa.table([pa.array(columns[f.name], type=f.type) for f in schema], schema=schema)


def _python(value: Value) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0)
    return value

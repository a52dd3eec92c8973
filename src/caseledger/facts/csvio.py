"""Writing dataset CSV files in the canonical form (UTF-8, one header row, RFC 4180 quoting,
``\\n`` line ends, columns in contract order followed by any extra columns)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO

from caseledger.facts import cells
from caseledger.facts.schema import Table


def header(table: Table, extra: Sequence[str] = ()) -> list[str]:
    return [*table.column_names, *extra]


def write_rows(
    out: IO[str],
    table: Table,
    rows: Iterable[Mapping[str, cells.Value]],
    extra: Sequence[str] = (),
    *,
    with_header: bool = True,
) -> int:
    """Writes ``rows`` (parsed values keyed by column name; extra columns as text) to ``out``.
    Returns the number of rows written."""
    writer = csv.writer(out, lineterminator="\n")
    # With "\n" line ends, minimal quoting would leave a lone carriage return bare and the record
    # would split on reading; such (rare) rows are written fully quoted instead.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    if with_header:
        writer.writerow(header(table, extra))
    cols = table.columns
    n = 0
    for row in rows:
        line = [cells.format(c, row.get(c.name)) for c in cols]
        line.extend(str(row.get(name) or "") for name in extra)
        (quoted if any("\r" in cell for cell in line) else writer).writerow(line)
        n += 1
    return n


def write_table(
    folder: Path,
    table: Table,
    rows: Iterable[Mapping[str, cells.Value]],
    extra: Sequence[str] = (),
) -> int:
    """Writes ``folder/<table>.csv``; returns the number of rows."""
    with (folder / table.filename).open("w", encoding="utf-8", newline="") as out:
        return write_rows(out, table, rows, extra)

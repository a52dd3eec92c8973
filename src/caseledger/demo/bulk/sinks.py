"""Where a benchmark table goes: a Parquet file written row group by row group, or a CSV file
written chunk by chunk, each from Arrow tables shaped like ``facts.arrow.arrow_schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from caseledger.facts.arrow import arrow_schema
from caseledger.facts.schema import BY_NAME, Kind


class Sink:
    """One table's file; ``write`` takes an Arrow table with the table's schema."""

    def __init__(self, folder: Path, table: str, fmt: str) -> None:
        self.table = table
        self.schema = arrow_schema(table)
        self.rows = 0
        self.fmt = fmt
        self.path = folder / f"{table}.{fmt}"
        self._writer: Any
        if fmt == "parquet":
            self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        else:
            text = pa.schema([pa.field(f.name, pa.string()) for f in self.schema])
            options = pcsv.WriteOptions(include_header=True, quoting_style="needed")
            self._writer = pcsv.CSVWriter(str(self.path), text, write_options=options)

    def write(self, data: Any) -> None:
        data = data.select(self.schema.names).cast(self.schema)
        self.rows += data.num_rows
        if self.fmt == "parquet":
            self._writer.write_table(data)
        else:
            self._writer.write_table(as_text(self.table, data))

    def close(self) -> None:
        self._writer.close()


def as_text(table: str, data: Any) -> Any:
    """The table with every column in its dataset CSV spelling (docs: dataset.md)."""
    columns = []
    for column in BY_NAME[table].columns:
        values = data.column(column.name)
        kind = column.kind
        if kind is Kind.TIME:
            text = pc.utf8_slice_codeunits(pc.cast(values, pa.string()), 0, 5)
        elif kind is Kind.MONTH:
            text = pc.utf8_slice_codeunits(pc.cast(values, pa.string()), 0, 7)
        elif kind is Kind.DATETIME:
            text = pc.strftime(values, format="%Y-%m-%dT%H:%M")
        elif kind is Kind.LIST:
            text = pc.binary_join(values, ";")
        else:
            text = pc.cast(values, pa.string())
        columns.append(text)
    return pa.table(columns, names=list(data.schema.names))

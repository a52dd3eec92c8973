"""Reading, validating and writing a dataset folder (the format is described in docs/dataset.md).

``read_dataset`` reports every problem of a folder at once, each as ``file:line:column: message``,
and keeps the rows that are entirely good, so that an import can refuse the whole folder or, when
asked, take the good part. ``write_dataset`` writes the canonical form: read → write → read gives
an equal dataset, and write → read → write gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from caseledger.facts import cells, csvio
from caseledger.facts.datafile import Row, TableFile, empty_value, read_table_file
from caseledger.facts.problems import Problem
from caseledger.facts.references import resolve
from caseledger.facts.schema import BY_NAME, TABLES, Table, load_order

__all__ = [
    "Dataset",
    "DatasetNotFound",
    "KnownRows",
    "Problem",
    "ReadResult",
    "Row",
    "canonical",
    "read_dataset",
    "write_dataset",
]

_FILES: dict[str, Table] = {t.filename: t for t in TABLES}


@dataclass(frozen=True)
class KnownRows:
    """Rows a reader has read before and holds unchanged: ``key`` names exactly these rows (the
    same key, the same rows, within one process), so what was worked out from them once, such
    as their columns, can be kept by the key."""

    key: Hashable
    rows: Sequence[Row]

    @cached_property
    def ids(self) -> frozenset[Any]:
        """The rows' ``encounter_id`` values (of a client's encounter history), found once."""
        return frozenset(r.get("encounter_id") for r in self.rows)


@dataclass
class Dataset:
    """The rows of each table present in a dataset, values parsed (see ``cells.parse``).

    Every row holds every contract column of its table; extra columns, which other systems may
    add, are kept as text and listed in ``extra_columns``.

    ``history``, in the slice of one encounter, is its client's encounter history as the store
    keeps it: the encounters table begins with those rows, the encounter checked left out (its
    row as given comes later)."""

    tables: dict[str, list[Row]]
    extra_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    history: KnownRows | None = None

    def rows(self, name: str) -> list[Row]:
        """The rows of table ``name``; none when its file is absent."""
        return self.tables.get(name, [])

    def present(self, name: str) -> bool:
        """Whether the dataset has the file of table ``name`` (even with no rows)."""
        return name in self.tables


@dataclass
class ReadResult:
    #: only the good rows: a row with any problem is left out, and so is a row referring to it
    dataset: Dataset
    #: every problem, in load order of the files, then by line
    problems: list[Problem]
    #: what was read differently from a plain reading, without being wrong
    notices: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


class DatasetNotFound(FileNotFoundError):
    """The dataset folder does not exist or is not a folder."""


def read_dataset(
    folder: Path, *, known_ids: Mapping[str, Collection[str]] | None = None
) -> ReadResult:
    """Reads and validates the dataset in ``folder``.

    ``known_ids`` maps a table name to the ids the store already holds; a reference to one of them
    is satisfied even when the dataset does not have the row. References into a file that is
    absent, and not covered by ``known_ids``, are not checked (with a notice)."""
    folder = Path(folder)
    if not folder.exists():
        raise DatasetNotFound(f"dataset folder not found: {folder}")
    if not folder.is_dir():
        raise DatasetNotFound(f"not a folder: {folder}; expected a folder of CSV files")
    notices: list[str] = []
    found: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        table = _FILES.get(entry.name)
        if table is not None and entry.is_file():
            found[table.name] = entry
        else:
            notices.append(_ignored(entry))

    order = load_order()
    files: dict[str, TableFile] = {}
    problems: list[Problem] = []
    for table in order:
        path = found.get(table.name)
        if path is None:
            if table.required_file:
                problems.append(
                    Problem(
                        table.filename,
                        None,
                        None,
                        f"is missing; every dataset needs {table.filename} "
                        f"({table.description.rstrip('.').lower()})",
                    )
                )
            continue
        file = read_table_file(table, path)
        files[table.name] = file
        problems.extend(file.problems)
        notices.extend(file.notices)

    ref_problems, ref_notices = resolve(files, order, known_ids)
    problems.extend(ref_problems)
    notices.extend(ref_notices)

    rank = {t.filename: i for i, t in enumerate(order)}
    problems.sort(key=lambda p: (rank[p.file], p.line or 0))
    dataset = Dataset(
        tables={
            name: [row for row, bad in zip(f.rows, f.bad, strict=True) if not bad]
            for name, f in files.items()
        },
        extra_columns={name: f.extra for name, f in files.items() if f.extra},
    )
    return ReadResult(dataset, problems, notices)


def _ignored(entry: Path) -> str:
    if entry.is_dir():
        return f"{entry.name}/: a folder, not part of the dataset format; ignored"
    hint = ""
    near = _FILES.get(entry.name.lower())
    if near is not None:
        hint = f" (did you mean {near.filename}? names are case-sensitive)"
    return f"{entry.name}: not part of the dataset format; ignored{hint}"


def write_dataset(dataset: Dataset, folder: Path) -> dict[str, int]:
    """Writes every present table to ``folder/<table>.csv`` in canonical form (rows in key order,
    contract columns then extra columns). Returns the number of rows written per file name.

    Files of tables that are not present are left alone."""
    ordered = canonical(dataset)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table in TABLES:
        if not ordered.present(table.name):
            continue
        extra = ordered.extra_columns.get(table.name, ())
        written[table.filename] = csvio.write_table(folder, table, ordered.rows(table.name), extra)
    return written


def canonical(dataset: Dataset) -> Dataset:
    """The same dataset in one standard form, for comparison: rows sorted by their table's key
    (an empty key cell sorts first), every contract column present, and empty cells holding what
    reading an empty cell gives (a column's default, ``()`` for a list)."""
    tables: dict[str, list[Row]] = {}
    for name, rows in dataset.tables.items():
        table = BY_NAME.get(name)
        if table is None:
            raise ValueError(
                f"unknown table {name!r}; expected one of: {', '.join(t.name for t in TABLES)}"
            )
        extra = dataset.extra_columns.get(name, ())
        normal = [_normal_row(table, row, extra) for row in rows]
        normal.sort(key=lambda row: tuple(_sortable(row[k]) for k in table.key))
        tables[name] = normal
    extra_columns = {
        name: tuple(cols)
        for name, cols in dataset.extra_columns.items()
        if cols and name in dataset.tables
    }
    return Dataset(tables, extra_columns)


def _normal_row(table: Table, row: Row, extra: tuple[str, ...]) -> Row:
    normal: Row = {}
    for column in table.columns:
        value = row.get(column.name)
        normal[column.name] = empty_value(column) if value is None else value
    for name in extra:
        value = row.get(name)
        normal[name] = "" if value is None else value
    return normal


def _sortable(value: cells.Value) -> tuple[int, cells.Value]:
    return (0, None) if value is None else (1, value)

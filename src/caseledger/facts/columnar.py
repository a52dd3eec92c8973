"""The facts the rules read: every dataset table as an Ibis table on one engine.

The facts follow the dataset contract column for column, with three adjustments that every engine
can hold and every rule wants:

- a time of day is a whole number of **minutes after midnight** (Spark has no time type, and the
  unit and overlap rules only ever subtract and compare times);
- a decimal (charge, units, hours) is a double: rules compare and sum them, and amounts are
  rounded to cents when findings are reported;
- each encounter also carries ``minutes`` (documented minutes, when both times are known) and
  ``modifier_key`` (its modifiers sorted and joined with ``+``, empty for none), the form the fee
  schedule is keyed by.

Absent files are present as empty tables, so a rule can always be built; ``Facts.present`` says
which files the dataset really had, for GEN-FACTS-MISSING.

Encounters loaded from Parquet for an audit may also carry what the policy says of each line
(``facts_from_parquet(..., policy=...)``): the number of its fee-schedule row in force on the
date of service (``terms_id``) and the program of its code (``program``). ``Facts.terms`` names
the policy they were worked out under; the rules read them only under that same policy.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir
import pyarrow as pa

from caseledger.facts.dataset import Dataset, Problem, read_dataset
from caseledger.facts.engines import DuckDBEngine, Engine
from caseledger.facts.policy_frames import (
    program_in_force,
    programs_frame,
    services_frame,
    terms_in_force,
)
from caseledger.facts.schema import TABLES, Column, Kind, Table

if TYPE_CHECKING:
    from caseledger.policy import Policy

_ARROW: dict[Kind, pa.DataType] = {
    Kind.ID: pa.string(),
    Kind.STR: pa.string(),
    Kind.TEXT: pa.string(),
    Kind.ENUM: pa.string(),
    Kind.DATE: pa.date32(),
    Kind.MONTH: pa.date32(),
    Kind.TIME: pa.int32(),
    Kind.DATETIME: pa.timestamp("ms"),
    Kind.BOOL: pa.bool_(),
    Kind.INT: pa.int64(),
    Kind.DECIMAL: pa.float64(),
    Kind.LIST: pa.list_(pa.string()),
}
#: Columns derived for every encounter (see the module docstring).
ENCOUNTER_EXTRAS: tuple[tuple[str, pa.DataType], ...] = (
    ("minutes", pa.int32()),
    ("modifier_key", pa.string()),
)


class FactsUnavailable(ValueError):
    """The dataset could not be read; ``problems`` say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the dataset")


def facts_schema(table: Table) -> pa.Schema:
    fields = [pa.field(c.name, _ARROW[c.kind]) for c in table.columns]
    if table.name == "encounters":
        fields.extend(pa.field(name, t) for name, t in ENCOUNTER_EXTRAS)
    return pa.schema(fields)


@dataclass(frozen=True)
class Facts:
    engine: Engine
    tables: Mapping[str, ir.Table]
    present: frozenset[str]
    #: the policy whose fee-schedule row and program the encounters carry, if any
    terms: Policy | None = None

    def __getitem__(self, name: str) -> ir.Table:
        return self.tables[name]


def _minutes_after_midnight(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _minute(value: dt.datetime) -> dt.datetime:
    return value.replace(second=0, microsecond=0)


#: how a value of each kind becomes its facts form; kinds not here are taken as they are
_CONVERT: dict[Kind, Any] = {
    Kind.TIME: _minutes_after_midnight,
    Kind.DECIMAL: float,
    Kind.LIST: list,
    Kind.DATETIME: _minute,
}


def modifier_key(modifiers: Iterable[str] | None) -> str:
    return "+".join(sorted(modifiers or ()))


def _converted(column: Column, values: Sequence[Any]) -> Sequence[Any]:
    convert = _CONVERT.get(column.kind)
    if convert is None:
        return values
    return [None if v is None else convert(v) for v in values]


def _cells(names: Sequence[str], rows: list[Mapping[str, Any]]) -> list[Sequence[Any]]:
    """The values of ``rows``, column by column. Rows that hold every column are read a row at a
    time and turned on their side in one step, the way a client's history of thousands of rows
    is read at every check; rows missing a column (a draft, a test's) are read cell by cell."""
    if len(names) > 1 and rows:
        try:
            return list(zip(*map(operator.itemgetter(*names), rows), strict=True))
        except KeyError:
            pass
    return [[row.get(name) for row in rows] for name in names]


def _documented_minutes(start: Any, end: Any) -> int | None:
    if isinstance(start, dt.time) and isinstance(end, dt.time):
        return _minutes_after_midnight(end) - _minutes_after_midnight(start)
    return None


def arrow_table(table: Table, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """The facts form of ``rows`` (values as the dataset reader parses them)."""
    schema = facts_schema(table)
    rows = rows if isinstance(rows, list) else list(rows)
    names = [c.name for c in table.columns]
    cells = dict(zip(names, _cells(names, rows), strict=True))
    columns: dict[str, Sequence[Any]] = {
        c.name: _converted(c, cells[c.name]) for c in table.columns
    }
    if table.name == "encounters":
        columns["minutes"] = [
            _documented_minutes(start, end)
            for start, end in zip(cells["start_time"], cells["end_time"], strict=True)
        ]
        columns["modifier_key"] = [
            modifier_key(mods if isinstance(mods, tuple) else ()) for mods in cells["modifiers"]
        ]
    return pa.table([pa.array(columns[f.name], type=f.type) for f in schema], schema=schema)


def facts_from_dataset(dataset: Dataset, engine: Engine | None = None) -> Facts:
    """Facts from a dataset already read and validated (or built in memory, as tests do)."""
    engine = engine or DuckDBEngine()
    tables = {t.name: engine.register(t.name, arrow_table(t, dataset.rows(t.name))) for t in TABLES}
    return Facts(engine, tables, frozenset(t.name for t in TABLES if dataset.present(t.name)))


def facts_from_folder(
    folder: Path,
    engine: Engine | None = None,
    *,
    texts: bool = True,
    policy: Policy | None = None,
) -> Facts:
    """Facts from a dataset folder: CSV files are read and validated first (any problem raises
    :class:`FactsUnavailable`); a folder of Parquet files (``<table>.parquet``, as the benchmark
    generator writes them) is read by DuckDB directly, without passing rows through Python, its
    encounters carrying their terms under ``policy`` if given (``facts_from_parquet``)."""
    if (folder / "encounters.parquet").exists() and not (folder / "encounters.csv").exists():
        return facts_from_parquet(folder, engine, texts=texts, policy=policy)
    result = read_dataset(folder)
    if not result.ok:
        raise FactsUnavailable(result.problems)
    return facts_from_dataset(result.dataset, engine)


def text_presence(column: str) -> str:
    """SQL for a text cell reduced to whether it holds text: 'x' when it has anything other than
    white space, else the cell as it is (empty, blank or null)."""
    return f"CASE WHEN regexp_matches({column}, '\\S') THEN 'x' ELSE {column} END"


def _parquet_select(table: Table, path: Path, *, texts: bool = True) -> str:
    parts: list[str] = []
    for c in table.columns:
        name = f'"{c.name}"'
        if c.kind is Kind.TEXT and not texts:
            # Structured rules ask of free text only whether it holds something other than
            # white space; a one-letter stand-in answers the same and keeps megabytes of notes
            # out of every join that carries a row along.
            parts.append(f"{text_presence(name)} AS {name}")
        elif c.kind is Kind.TIME:
            parts.append(f"(hour({name}) * 60 + minute({name}))::INTEGER AS {name}")
        elif c.kind is Kind.DECIMAL:
            parts.append(f"{name}::DOUBLE AS {name}")
        else:
            parts.append(name)
    if table.name == "encounters":
        parts.append(
            "((hour(end_time) * 60 + minute(end_time)) - (hour(start_time) * 60 + "
            "minute(start_time)))::INTEGER AS minutes"
        )
        parts.append("array_to_string(list_sort(coalesce(modifiers, [])), '+') AS modifier_key")
    escaped = str(path).replace("'", "''")
    return f"SELECT {', '.join(parts)} FROM read_parquet('{escaped}')"


def facts_from_parquet(
    folder: Path,
    engine: Engine | None = None,
    *,
    texts: bool = True,
    policy: Policy | None = None,
) -> Facts:
    """Facts from a folder of Parquet files. With ``texts`` false, free-text cells keep only
    whether they hold text (all the structured rules read of them): for audits without the
    note-text rules, which then run faster and in less memory.

    With ``policy``, on DuckDB, each encounter also carries its fee-schedule row and its
    program under that policy (see the module docstring), worked out in the same pass that
    loads it. The rules of an audit under that policy then match each line with its terms on
    one small integer instead of joining it again with the fee schedule on code, modifiers and
    period, which on millions of lines most rules did.

    On DuckDB the tables are filled in the background (``DuckDBEngine.load``): the caller builds
    its rules meanwhile, and the engine waits for the rows where they are read."""
    engine = engine or DuckDBEngine()
    tables: dict[str, ir.Table] = {}
    present: set[str] = set()
    queries: dict[str, str] = {}
    carried: Policy | None = None
    for t in TABLES:
        path = folder / f"{t.name}.parquet"
        if path.exists():
            present.add(t.name)
            if isinstance(engine, DuckDBEngine):
                # Derived columns (minutes, the sorted modifier key) are computed once here;
                # as a view they would be recomputed by every rule that reads the table.
                queries[t.name] = _parquet_select(t, path, texts=texts)
                if t.name == "encounters" and policy is not None:
                    queries[t.name] = _carrying_terms(engine, queries[t.name], policy)
                    carried = policy
                continue
            import pyarrow.parquet as pq

            rows = pq.read_table(path).to_pylist()
            tables[t.name] = engine.register(t.name, arrow_table(t, _from_parquet_rows(t, rows)))
        else:
            tables[t.name] = engine.register(t.name, arrow_table(t, ()))
    if isinstance(engine, DuckDBEngine):
        # filled while the caller goes on to build and compile its rules
        loaded = engine.load(queries)
        tables = {t.name: loaded[t.name] if t.name in loaded else tables[t.name] for t in TABLES}
    return Facts(engine, tables, frozenset(present), terms=carried)


def _carrying_terms(engine: DuckDBEngine, query: str, policy: Policy) -> str:
    """``query`` (the encounters read from their file) with ``terms_id`` and ``program``: the
    same matches ``RuleContext.with_service`` and the program of a line make (one row at most
    each, so no line is repeated), left joins so that a line of an unknown code stays."""
    lines = engine.view("encounters_file", query)
    # tables, not registered Arrow: the background load reads them on a connection of its own
    frame = services_frame(policy).select(["terms_id", "code", "modifier_key", "start", "end"])
    terms = engine.keep(
        "encounter_terms", frame.rename_columns([f"svc_{c}" for c in frame.column_names])
    )
    programs = engine.keep("encounter_programs", programs_frame(policy))
    joined = lines.left_join(terms, terms_in_force(lines, terms, "svc_"))
    numbered = joined.select(*lines.columns, terms_id=joined.svc_terms_id)
    joined = numbered.left_join(programs, program_in_force(numbered, programs))
    return engine.sql(joined.select(*numbered.columns, program=joined.program))


def _from_parquet_rows(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lists = [c.name for c in table.columns if c.kind is Kind.LIST]
    for row in rows:
        for name in lists:
            row[name] = tuple(row[name] or ())
    return rows

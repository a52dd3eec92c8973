"""An in-memory SQLite database for rules that read a few rows (the single-encounter check).

DuckDB sets up every operator of a statement before it reads a row: a statement of twenty-odd
rules costs 20-30 ms on one line, almost all of it that setting up. SQLite's cost per statement is
a few microseconds, and on a few rows its row-at-a-time execution is as quick as anything. So the
check runs on SQLite the rules whose expressions Ibis can write for it, each rule its own
statement, and leaves on DuckDB the others (a list read element by element, a timestamp shifted:
what SQLite 3.40 has no form for here). The rules are the same Ibis expressions either way.

SQLite has no date or list type. The rows are written in the forms Ibis's SQLite compiler reads:
a date as ``YYYY-MM-DD`` text, a timestamp as ``YYYY-MM-DD HH:MM:SS``, a boolean as 0 or 1, a list
as JSON text (no rule that reads a list's elements compiles for SQLite, so none reads it). The
results are turned back into the types of the expression's schema.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import ibis
import ibis.common.exceptions as com
import ibis.expr.datatypes as idt
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import sqlglot.expressions as sge
from ibis.backends.sql.compilers.sqlite import SQLiteCompiler
from ibis.common.temporal import IntervalUnit

#: the lists' operations SQLite is given here, as functions over their JSON text
_LIST_OPS = (ops.ArraySort, ops.ArrayStringJoin, ops.ArrayContains)


class _Compiler(SQLiteCompiler):  # type: ignore[misc]
    """Ibis's SQLite compiler, with lists as JSON text and day arithmetic on dates written for
    the SQLite Python is linked with.

    Lists: an aggregate list is SQLite's ``json_group_array``; sorting one, joining its elements
    into text and asking whether it holds a value are the functions ``SQLiteRows`` registers
    (``_FUNCTIONS``). A list with no order asked of it is all the rules collect.

    Dates: Ibis writes a shift by days, months or years with SQLite's ``floor`` modifier, which
    came with SQLite 3.46; Debian's Python has 3.40. Days need no modifier. Months and years are
    written out here so that, as in DuckDB, a shift that would pass the end of the month it
    reaches stops on that month's last day (``visit_DateArithmetic``)."""

    def visit_DateArithmetic(self, op: Any, *, left: Any, right: Any) -> Any:
        unit = op.right.dtype.unit
        steps = {
            IntervalUnit.DAY: 1,
            IntervalUnit.WEEK: 7,
            IntervalUnit.MONTH: 1,
            IntervalUnit.YEAR: 12,
        }
        if unit not in steps:
            return super().visit_DateArithmetic(op, left=left, right=right)
        # a literal interval comes as its number, a computed one inside an interval
        n = right.this if isinstance(right, sge.Interval) else right
        if steps[unit] != 1:
            n = n * steps[unit]
        if isinstance(op, ops.DateSub):
            n = sge.Neg(this=n)
        if unit in (IntervalUnit.DAY, IntervalUnit.WEEK):
            return self.f.date(left, self.f.concat(self.cast(n, idt.string), " days"))
        # Months as DuckDB adds them: past the end of the month reached, its last day (SQLite
        # would run on into the next month). The earlier of the plain shift and that last day.
        shifted = self.f.date(left, self.f.concat(self.cast(n, idt.string), " months"))
        last_day = self.f.date(
            left,
            "start of month",
            self.f.concat(self.cast(n + 1, idt.string), " months"),
            "-1 days",
        )
        return self.f.min(shifted, last_day)

    visit_DateAdd = visit_DateSub = visit_DateArithmetic

    UNSUPPORTED_OPS = tuple(o for o in SQLiteCompiler.UNSUPPORTED_OPS if o not in _LIST_OPS)

    def visit_ArrayCollect(
        self, op: Any, *, arg: Any, where: Any, order_by: Any, include_null: Any, distinct: Any
    ) -> Any:
        if order_by:  # SQLite 3.40 has no ordered aggregates
            raise com.UnsupportedOperationError("ordered lists")
        if not include_null:
            present = arg.is_(sge.not_(sge.Null()))
            where = present if where is None else sge.and_(present, where)
        if distinct:
            arg = sge.Distinct(expressions=[arg])
        # nothing collected is no list, as in DuckDB, not an empty one
        return self.f.nullif(self.agg.json_group_array(arg, where=where), "[]")

    def visit_StringJoin(self, op: Any, *, arg: Any, sep: Any) -> Any:
        # Ibis writes ``a || sep || b``, null when any part is; DuckDB's ``concat_ws`` (and so
        # a rule's message) leaves the null parts out. SQLite 3.40 has no ``concat_ws``.
        return self.f._caseledger_concat_ws(sep, *arg)

    def visit_Modulus(self, op: Any, *, left: Any, right: Any) -> Any:
        # Ibis writes SQLite's ``mod()``, which gives a real number even of two integers
        if op.left.dtype.is_integer() and op.right.dtype.is_integer():
            return self.binop(sge.Mod, left, right)
        return super().visit_Modulus(op, left=left, right=right)

    def visit_ArraySort(self, op: Any, *, arg: Any) -> Any:
        return self.f._caseledger_list_sort(arg)

    def visit_ArrayStringJoin(self, op: Any, *, arg: Any, sep: Any) -> Any:
        return self.f._caseledger_list_join(arg, sep)

    def visit_ArrayContains(self, op: Any, *, arg: Any, other: Any) -> Any:
        return self.f._caseledger_list_contains(arg, other)


COMPILER = _Compiler()
#: what Ibis raises for an expression it cannot write for SQLite
_CANNOT_WRITE = (com.IbisError, NotImplementedError)


def _list_sort(items: str | None) -> str | None:
    """A list's elements in order, nulls last (DuckDB's ``list_sort``)."""
    if items is None:
        return None
    values = json.loads(items)
    return json.dumps(sorted(v for v in values if v is not None) + [v for v in values if v is None])


def _list_join(items: str | None, sep: str | None) -> str | None:
    """A list's elements joined by ``sep``, nulls left out (DuckDB's ``array_to_string``)."""
    if items is None or sep is None:
        return None
    return sep.join(str(v) for v in json.loads(items) if v is not None)


def _list_contains(items: str | None, value: Any) -> int | None:
    """Whether a list holds ``value`` (DuckDB's ``list_contains``)."""
    if items is None or value is None:
        return None
    return int(value in json.loads(items))


def _concat_ws(sep: str | None, *parts: Any) -> str | None:
    """The parts that are not null, joined by ``sep`` (DuckDB's ``concat_ws``)."""
    if sep is None:
        return None
    return sep.join(str(p) for p in parts if p is not None)


_FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "_caseledger_concat_ws": (-1, _concat_ws),
    "_caseledger_list_sort": (1, _list_sort),
    "_caseledger_list_join": (2, _list_join),
    "_caseledger_list_contains": (2, _list_contains),
}


def sqlite_sql(expr: ir.Table) -> str | None:
    """``expr`` as SQLite SQL; None when SQLite has no form for some part of it."""
    try:
        return str(COMPILER.to_sqlglot(expr.unbind()).sql(dialect=COMPILER.dialect))
    except _CANNOT_WRITE:
        return None


def tables_read(expr: ir.Table) -> dict[str, ops.Node]:
    """The named tables ``expr`` reads (database tables and in-memory ones), by name."""
    found: dict[str, ops.Node] = {}
    for node in expr.op().find((ops.DatabaseTable, ops.InMemoryTable)):
        found[node.name] = node
    return found


def _cells(column: pa.ChunkedArray) -> list[Any]:
    """A column's values in the form the SQLite compiler reads (see the module docstring)."""
    t = column.type
    if pa.types.is_date(t):
        return pc.strftime(column, format="%Y-%m-%d").to_pylist()  # type: ignore[no-any-return]
    if pa.types.is_timestamp(t):
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S").to_pylist()  # type: ignore[no-any-return]
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return [None if v is None else json.dumps(v) for v in column.to_pylist()]
    return column.to_pylist()  # type: ignore[no-any-return]


def _reader(dtype: idt.DataType) -> Callable[[Any], Any] | None:
    """How a result cell of ``dtype`` is turned back from SQLite's form (None: as it is)."""
    if dtype.is_date():
        return lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v
    if dtype.is_timestamp():
        return lambda v: dt.datetime.fromisoformat(v) if isinstance(v, str) else v
    if dtype.is_boolean():
        return lambda v: None if v is None else bool(v)
    if dtype.is_floating():
        return lambda v: None if v is None else float(v)
    return None


class Statement:
    """A compiled expression and how its rows are read back."""

    def __init__(self, sql: str, schema: Any) -> None:
        self.sql = sql
        self.columns = list(schema.names)
        self.readers = [(i, r) for i, t in enumerate(schema.types) if (r := _reader(t)) is not None]

    def rows(self, cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
        for raw in cursor:
            row = list(raw)
            for i, read in self.readers:
                row[i] = read(row[i])
            yield dict(zip(self.columns, row, strict=True))


class SQLiteRows:
    """An in-memory SQLite database whose tables are refilled between runs.

    Statements are compiled once (``statement``); SQLite keeps them prepared by their text. A
    table that changes is filled (``fill``) before the statements that read it run; filling it
    with the same Arrow table object as last time does nothing."""

    def __init__(self) -> None:
        # one thread at a time, not always the one that opened it (the check's worker)
        self.raw = sqlite3.connect(
            ":memory:", check_same_thread=False, isolation_level=None, cached_statements=1024
        )
        # the functions Ibis's SQLite SQL calls (regular expressions, date differences, padding)
        ibis.sqlite.from_connection(self.raw)
        for name, (arity, function) in _FUNCTIONS.items():
            self.raw.create_function(name, arity, function, deterministic=True)
        self._columns: dict[str, list[str]] = {}
        self._filled: dict[str, pa.Table] = {}
        #: the tables created from ``varying`` (``statement``), to be filled before a run
        self.varying: set[str] = set()

    def statement(
        self,
        expr: ir.Table,
        fixed: Callable[[str], pa.Table],
        varying: Mapping[str, pa.Schema] | None = None,
    ) -> Statement | None:
        """``expr`` compiled for SQLite and tried on its tables; None when it cannot run here.

        The tables it reads are created as needed: those named in ``varying`` empty, with that
        schema, to be filled before each run (``fill``); an in-memory table with its rows; any
        other with the rows ``fixed`` gives for its name, once (the policy's tables)."""
        sql = sqlite_sql(expr)
        if sql is None:
            return None
        for name, node in tables_read(expr).items():
            if name in self._columns:
                continue
            if varying is not None and name in varying:
                self.create(name, varying[name])
                self.varying.add(name)
                continue
            if isinstance(node, ops.InMemoryTable):
                data = node.data.to_pyarrow(node.schema.to_pyarrow())
            else:
                data = fixed(name)
            self.create(name, data.schema)
            self.fill(name, data)
        try:
            self.raw.execute(sql).fetchall()
        except sqlite3.Error:  # a form SQLite rejects (nesting too deep, a missing function)
            return None
        return Statement(sql, expr.schema())

    def create(self, name: str, schema: pa.Schema) -> None:
        """An empty table ``name`` with ``schema``'s columns (no declared types: SQLite keeps each
        value as it is written)."""
        if name in self._columns:
            return
        columns = ", ".join(_quoted(c) for c in schema.names)
        self.raw.execute(f"CREATE TABLE {_quoted(name)} ({columns})")
        self._columns[name] = list(schema.names)

    def pieces(self, name: str, schema: pa.Schema, key: str) -> None:
        """``name`` as a view of three tables: the rows of ``{name}__kept`` whose ``key`` is not
        in ``{name}__out``, and the rows of ``{name}__more``. A table of thousands of rows that
        changes by a few between runs (a client's history) is filled once, as ``__kept``;
        writing it again at every run would cost more than the statements."""
        self.create(f"{name}__kept", schema)
        self.create(f"{name}__more", schema)
        self.create(f"{name}__out", pa.schema([schema.field(key)]))
        kept, more, out = (_quoted(f"{name}__{part}") for part in ("kept", "more", "out"))
        self.raw.execute(
            f"CREATE VIEW {_quoted(name)} AS SELECT * FROM {kept} WHERE {_quoted(key)} NOT IN "
            f"(SELECT {_quoted(key)} FROM {out}) UNION ALL SELECT * FROM {more}"
        )
        self._columns[name] = list(schema.names)

    def fill(self, name: str, table: pa.Table) -> None:
        """Table ``name`` holds ``table``'s rows (and nothing else)."""
        if self._filled.get(name) is table:
            return
        columns = self._columns[name]
        cells = [_cells(table[c]) for c in columns]
        marks = ", ".join("?" * len(columns))
        self.raw.execute("BEGIN")
        try:
            self.raw.execute(f"DELETE FROM {_quoted(name)}")
            rows = zip(*cells, strict=True)
            self.raw.executemany(f"INSERT INTO {_quoted(name)} VALUES ({marks})", rows)
            self.raw.execute("COMMIT")
        except BaseException:
            self.raw.execute("ROLLBACK")
            self._filled.pop(name, None)
            raise
        self._filled[name] = table

    def run(self, statement: Statement) -> list[dict[str, Any]]:
        return list(statement.rows(self.raw.execute(statement.sql)))

    def close(self) -> None:
        self.raw.close()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'

"""Hypothesis strategies for valid datasets, built from the contract (facts/schema.py).

``datasets()`` draws whole ``Dataset`` objects that a reader must accept as they are: keys unique,
every reference resolving within the dataset, enums and kinds respected, and values that survive the
trip through a CSV file (text with commas, quotes, line breaks and non-ASCII letters; list elements
without the separator or surrounding spaces; free text that is not only spaces). Because they are
built from the schema, a column added to the contract is drawn here without any change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal
from functools import cache

from hypothesis import strategies as st

from caseledger.facts import cells
from caseledger.facts.dataset import Dataset, Row
from caseledger.facts.schema import BY_NAME, OPEN_ENUMS, TABLES, Column, Kind, Table, load_order

# Ids and list elements: no spaces (they would be trimmed), no list separator, but commas and quotes
# (which the CSV must quote) and letters outside ASCII.
ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz0123456789-_./:#,\"'éßΩ中"
assert cells.LIST_SEPARATOR not in ID_ALPHABET

# Printable characters of every script; no surrogates (not encodable) and no control characters
# (NUL cannot be stored); line breaks, including a lone carriage return, come from _LINE_BREAKS.
_PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_CSV_SPECIAL = st.sampled_from([",", '"', "'", " ", ";", "\t"])
_LINE_BREAKS = st.sampled_from(["\n", "\r\n", "\r"])

#: Extra columns another system might add; none is a contract column name.
EXTRA_COLUMN_NAMES = ("legacy_ref", "Site Name", "payer, note", 'say "hi"', "größe")

FIRST_YEAR, LAST_YEAR = 1900, 2100


def ids(max_size: int = 6) -> st.SearchStrategy[str]:
    return st.text(alphabet=ID_ALPHABET, min_size=1, max_size=max_size)


def short_texts(max_size: int = 12) -> st.SearchStrategy[str]:
    """One-line text without surrounding spaces (a STR cell is trimmed when read)."""
    return (
        st.text(alphabet=st.one_of(_PRINTABLE, _CSV_SPECIAL), min_size=1, max_size=max_size)
        .map(str.strip)
        .filter(bool)
    )


def long_texts(max_parts: int = 12) -> st.SearchStrategy[str]:
    """Notes: any spacing, commas, quotes and line breaks, but not only spaces."""
    part = st.one_of(_PRINTABLE, _CSV_SPECIAL, _LINE_BREAKS)
    return st.lists(part, min_size=1, max_size=max_parts).map("".join).filter(str.strip)


def dates() -> st.SearchStrategy[dt.date]:
    return st.dates(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31))


def times() -> st.SearchStrategy[dt.time]:
    return st.builds(dt.time, st.integers(0, 23), st.integers(0, 59))


def decimals() -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.decimals(-(10**6), 10**7, places=2),
        st.integers(-(10**6), 10**7).map(Decimal),
    )


@cache
def present_values(column: Column, table: str) -> st.SearchStrategy[cells.Value]:
    """A non-empty value of ``column`` (not for references: see ``datasets``)."""
    kind = column.kind
    strategy: st.SearchStrategy[cells.Value]
    if kind is Kind.ID:
        strategy = ids()
    elif kind is Kind.STR:
        strategy = short_texts()
    elif kind is Kind.TEXT:
        strategy = long_texts()
    elif kind is Kind.DATE:
        strategy = dates()
    elif kind is Kind.TIME:
        strategy = times()
    elif kind is Kind.DATETIME:
        strategy = st.builds(dt.datetime.combine, dates(), times())
    elif kind is Kind.MONTH:
        strategy = st.builds(
            lambda y, m: dt.date(y, m, 1), st.integers(FIRST_YEAR, LAST_YEAR), st.integers(1, 12)
        )
    elif kind is Kind.BOOL:
        strategy = st.booleans()
    elif kind is Kind.INT:
        strategy = st.integers(-(2**31), 2**31 - 1)
    elif kind is Kind.DECIMAL:
        strategy = decimals()
    elif kind is Kind.LIST:
        strategy = st.lists(ids(), min_size=1, max_size=3).map(tuple)
    elif kind is Kind.ENUM:
        strategy = st.sampled_from(column.choices)
        if (table, column.name) in OPEN_ENUMS:
            strategy = st.one_of(strategy, ids().map(lambda s: f"other-{s}"))
    else:  # pragma: no cover - a new kind must be given a strategy here
        raise AssertionError(f"no strategy for kind {kind}")
    return strategy


@cache
def values(column: Column, table: str) -> st.SearchStrategy[cells.Value]:
    """Any value a cell of ``column`` may hold after reading, empty included."""
    present = present_values(column, table)
    if column.required or column.default is not None:
        return present  # an empty cell would read back as the default, not as None
    if column.kind is Kind.LIST:
        return st.one_of(st.just(()), present)
    return st.one_of(st.none(), present)


def with_required_targets(names: Collection[str]) -> set[str]:
    """``names`` and every table they need: a required reference needs its table's rows."""
    chosen = set(names) | {"encounters"}
    todo = list(chosen)
    while todo:
        for column in BY_NAME[todo.pop()].columns:
            if column.required and column.ref and column.ref[0] not in chosen:
                chosen.add(column.ref[0])
                todo.append(column.ref[0])
    return chosen


#: Tables that other tables need rows of; drawn with at least one row so that those can exist.
_NEEDED = {c.ref[0] for t in TABLES for c in t.columns if c.required and c.ref}


def datasets(
    *,
    max_rows: int = 3,
    tables: Collection[str] | None = None,
    extra_columns: bool = True,
) -> st.SearchStrategy[Dataset]:
    """Valid datasets of up to ``max_rows`` rows per table.

    ``tables`` limits the files present (``encounters`` and the tables they require are always
    added); by default every file is present. References into an absent table are left empty.
    ``extra_columns`` adds, at random, columns that are not part of the contract."""
    chosen = with_required_targets(tables) if tables is not None else {t.name for t in TABLES}
    return _datasets(max_rows, frozenset(chosen), extra_columns)


@st.composite
def _datasets(
    draw: st.DrawFn, max_rows: int, chosen: frozenset[str], extra_columns: bool
) -> Dataset:
    result = Dataset(tables={})
    ids_of: dict[str, list[str]] = {}
    for table in load_order():
        if table.name not in chosen:
            continue
        rows, own_ids = _draw_rows(draw, table, max_rows, ids_of)
        result.tables[table.name] = rows
        ids_of[table.name] = own_ids
        if extra_columns:
            extra = draw(st.lists(st.sampled_from(EXTRA_COLUMN_NAMES), max_size=2, unique=True))
            if extra:
                result.extra_columns[table.name] = tuple(extra)
                for row in rows:
                    for name in extra:
                        row[name] = draw(st.one_of(st.just(""), long_texts(6)))
    return result


def _draw_rows(
    draw: st.DrawFn, table: Table, max_rows: int, ids_of: dict[str, list[str]]
) -> tuple[list[Row], list[str]]:
    id_column = table.key[0] if len(table.key) == 1 else None
    blocked = any(
        c.required and c.ref and c.ref[0] != table.name and not ids_of.get(c.ref[0])
        for c in table.columns
    )
    if blocked:
        return [], []
    least = min(1, max_rows) if table.name in _NEEDED else 0
    count = draw(st.integers(least, max_rows))
    own_ids: list[str] = []
    if id_column is not None:
        own_ids = draw(st.lists(ids(), min_size=count, max_size=count, unique=True))
    refs = [c for c in table.columns if c.ref is not None and c.name != id_column]
    rows: list[Row] = []
    keys: set[tuple[cells.Value, ...]] = set()
    for i in range(count):
        row: Row = draw(_plain_columns(table.name))
        if id_column is not None:
            row[id_column] = own_ids[i]
        for column in refs:
            assert column.ref is not None
            target = own_ids if column.ref[0] == table.name else ids_of.get(column.ref[0], [])
            row[column.name] = _draw_reference(draw, column, target)
        row = {c.name: row[c.name] for c in table.columns}  # contract order, for readability
        key = tuple(row[k] for k in table.key)
        if key in keys:
            continue  # a natural key drawn twice: keep the first row only
        keys.add(key)
        rows.append(row)
    if id_column is not None:
        own_ids = [str(row[id_column]) for row in rows]
    return rows, own_ids


@cache
def _plain_columns(name: str) -> st.SearchStrategy[Row]:
    """The columns of a row that are neither its id nor a reference, as one strategy (built once:
    building strategies is what makes drawing slow)."""
    table = BY_NAME[name]
    id_column = table.key[0] if len(table.key) == 1 else None
    return st.fixed_dictionaries(
        {c.name: values(c, name) for c in table.columns if c.ref is None and c.name != id_column}
    )


def _draw_reference(draw: st.DrawFn, column: Column, target: Sequence[str]) -> cells.Value:
    """Ids drawn by position in ``target`` (a strategy per target list would be rebuilt per row)."""
    if not target:
        assert not column.required, f"{column.name} needs rows of {column.ref}"
        return () if column.kind is Kind.LIST else None
    last = len(target) - 1
    if column.kind is Kind.LIST:
        picks = draw(st.lists(st.integers(0, last), max_size=3, unique=True))
        return tuple(target[i] for i in picks)
    if not column.required and draw(st.booleans()):
        return None
    return target[draw(st.integers(0, last))]

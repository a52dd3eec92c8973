"""Reading one file of a dataset: its header, then every row parsed against the contract.

This checks everything that can be checked within the file (cells, required values, the header,
duplicate keys); references between rows are resolved once every file is read, in
``facts.references``, because a row may refer forward to a later file or to a later row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from caseledger.facts import cells
from caseledger.facts.problems import Problem, cell_message
from caseledger.facts.records import Record, SyntaxProblem, decode, records, unstorable_message
from caseledger.facts.schema import Column, Kind, Table

Row = dict[str, cells.Value]

#: Kinds whose value is the cell's text without surrounding spaces.
_PLAIN = frozenset({Kind.ID, Kind.STR})
#: Kinds whose values repeat from row to row (dates, times, flags, codes), so a parsed cell is
#: remembered by its text. Values of these kinds are immutable, so sharing one is safe.
_MEMO_KINDS = frozenset(
    {Kind.DATE, Kind.TIME, Kind.MONTH, Kind.BOOL, Kind.INT, Kind.DECIMAL, Kind.LIST, Kind.ENUM}
)
#: Distinct texts remembered per column; bounds memory on columns that rarely repeat.
_MEMO_LIMIT = 4096


def _memo(column: Column) -> dict[str, cells.Value] | None:
    return {} if column.kind in _MEMO_KINDS else None


def empty_value(column: Column) -> cells.Value:
    """What an empty cell (or an absent optional column) reads as."""
    if column.kind is Kind.LIST:
        return ()
    return column.default  # type: ignore[return-value]


@dataclass
class TableFile:
    """One file as read: every row that could be split into cells, in file order, with the
    line it starts on and whether it has problems of its own."""

    table: Table
    rows: list[Row] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    bad: list[bool] = field(default_factory=list)
    extra: tuple[str, ...] = ()
    #: ids of records that could not be split into the header's columns (id -> line), so that a
    #: reference to one is reported as "left out" rather than as unknown
    unaligned_ids: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def read_table_file(table: Table, path: Path) -> TableFile:
    result = TableFile(table)
    name = table.filename
    try:
        data = path.read_bytes()
    except OSError as error:
        result.problems.append(Problem(name, None, None, f"cannot be read: {error.strerror}"))
        return result
    text, unstorable = decode(data)
    items = records(text)
    del data, text  # the records keep the one copy they need
    header = next(items, None)
    if header is None:
        result.problems.append(
            Problem(name, None, None, "is empty; expected a header row naming the columns")
        )
        return result
    if isinstance(header, SyntaxProblem):
        result.problems.append(Problem(name, header.line, None, f"header {header.message}"))
        return result
    layout = _Layout.from_header(table, header.cells, result)
    _read_rows(result, layout, items, unstorable)
    return result


@dataclass
class _Layout:
    """Where each column sits in the file."""

    #: every contract column in contract order, with its position in the header (None = absent)
    contract: list[tuple[str, int | None, Column]]
    #: kept extra columns, with their position
    extra: list[tuple[str, int]]
    #: the column name at each header position ('' for an ignored one)
    names: list[str]
    #: the header is unusable for rows (a required column missing, a contract column twice)
    fatal: bool

    @classmethod
    def from_header(cls, table: Table, header: list[str], result: TableFile) -> _Layout:
        name = table.filename
        positions: dict[str, int] = {}
        names: list[str] = []
        fatal = False
        for pos, raw in enumerate(header):
            col = raw.strip()
            number = pos + 1
            if unstorable_message(col):
                result.problems.append(
                    Problem(name, 1, None, f"header column {number} {unstorable_message(col)}")
                )
                col = ""
            elif not col:
                message = f"header column {number} has no name; every column needs a name"
                result.problems.append(Problem(name, 1, None, message))
            elif col in positions:
                result.problems.append(
                    Problem(
                        name,
                        1,
                        col,
                        f"appears twice in the header (columns {positions[col] + 1} and "
                        f"{number}); expected each column once",
                    )
                )
                fatal = fatal or table.has_column(col)
                col = ""
            else:
                positions[col] = pos
            names.append(col)
        contract: list[tuple[str, int | None, Column]] = []
        absent: list[str] = []
        for column in table.columns:
            pos_or_none = positions.get(column.name)
            contract.append((column.name, pos_or_none, column))
            if pos_or_none is not None:
                continue
            if column.required:
                fatal = True
                result.problems.append(
                    Problem(name, 1, column.name, "required column is missing from the header")
                )
            else:
                absent.append(column.name)
        extra = [(col, pos) for col, pos in positions.items() if not table.has_column(col)]
        if absent:
            result.notices.append(f"{name}: no column {', '.join(absent)}; read as empty")
        if extra:
            result.extra = tuple(col for col, _ in extra)
            result.notices.append(
                f"{name}: kept {len(extra)} column(s) that are not part of the format: "
                + ", ".join(result.extra)
            )
        return cls(contract, extra, names, fatal)


def _read_rows(
    result: TableFile,
    layout: _Layout,
    items: Iterator[Record | SyntaxProblem],
    unstorable: bool,
) -> None:
    table = result.table
    name = table.filename
    tname = table.name
    width = len(layout.names)
    parse = cells.parse
    CellError = cells.CellError
    contract = layout.contract
    present = [
        (col, pos, column, column.kind in _PLAIN, not column.required, _memo(column))
        for col, pos, column in contract
        if pos is not None
    ]
    absent = {col: empty_value(column) for col, pos, column in contract if pos is None}
    extra = layout.extra
    problems = result.problems
    rows, lines, bad = result.rows, result.lines, result.bad
    key = table.key
    seen: dict[tuple[cells.Value, ...], int] = {}
    id_position = None
    if len(key) == 1:
        id_position = dict((n, p) for n, p, _ in contract).get(key[0])

    for item in items:
        if isinstance(item, SyntaxProblem):
            at = layout.names[item.cell] if item.cell is not None and item.cell < width else ""
            problems.append(Problem(name, item.line, at or None, item.message))
            continue
        line, values = item.first_line, item.cells
        if len(values) != width:
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    f"has {len(values)} cells but the header has {width} columns; a cell holding "
                    "a comma or a line break must be quoted",
                )
            )
            if id_position is not None and id_position < len(values):
                result.unaligned_ids.setdefault(values[id_position].strip(), line)
            continue
        row: Row = dict(absent)
        is_bad = layout.fatal
        skip = _report_unstorable(result, layout, line, values) if unstorable else ()
        if skip:
            is_bad = True
        for col, pos, column, plain, optional, memo in present:
            text = values[pos]
            # Shortcuts that give exactly what cells.parse gives (tests hold them to it), taken
            # because most cells of a large file are ids, empty, or a value seen before.
            if plain:
                trimmed = text.strip()
                if trimmed and not (skip and pos in skip):
                    row[col] = trimmed
                    continue
            elif optional and not text:
                row[col] = empty_value(column)
                continue
            elif memo is not None and text in memo:
                row[col] = memo[text]
                continue
            if skip and pos in skip:
                continue
            try:
                value: cells.Value = parse(column, text, table=tname)
            except CellError as error:
                is_bad = True
                problems.append(Problem(name, line, col, cell_message(column, text, error)))
                continue
            row[col] = value
            if memo is not None and len(memo) < _MEMO_LIMIT:
                memo[text] = value
        for col, pos in extra:
            if pos not in skip:
                row[col] = values[pos]
        if all(k in row for k in key):
            identity = tuple(row[k] for k in key)
            first = seen.setdefault(identity, line)
            if first != line:
                is_bad = True
                problems.append(_duplicate(table, identity, line, first))
        rows.append(row)
        lines.append(line)
        bad.append(is_bad)


def _report_unstorable(
    result: TableFile, layout: _Layout, line: int, values: list[str]
) -> set[int]:
    """Reports the cells that cannot be stored; returns their positions, which are not parsed
    further (a parse error would only echo the broken text)."""
    found: set[int] = set()
    for pos, text in enumerate(values):
        message = unstorable_message(text)
        if message is not None:
            found.add(pos)
            result.problems.append(
                Problem(result.table.filename, line, layout.names[pos] or None, message)
            )
    return found


def _duplicate(table: Table, identity: tuple[cells.Value, ...], line: int, first: int) -> Problem:
    if len(table.key) == 1:
        return Problem(
            table.filename,
            line,
            table.key[0],
            f"duplicate {table.key[0]} {identity[0]!r}; first on line {first}, expected each "
            "id once",
        )
    shown = []
    for col, value in zip(table.key, identity, strict=True):
        column = table.column(col)
        if value is None:
            shown.append(f"{col} empty")
        elif column.phi:
            shown.append(f"{col} (same value, not shown)")
        else:
            shown.append(f"{col} {cells.format(column, value)!r}")
    return Problem(
        table.filename,
        line,
        None,
        f"duplicate row for {', '.join(shown)}; first on line {first}, expected each "
        f"({', '.join(table.key)}) once",
    )

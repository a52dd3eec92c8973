"""References between rows: every id a row refers to must name a row that is kept.

A reference is satisfied by a row of the dataset that has no problems, or by an id the store
already holds (``known_ids``). A row that refers to a left-out row is left out too, and says so, so
that a partial import never writes a row whose parent was not written.

Tables are resolved in load order, where every table a table refers to comes first, so one pass
settles each table; only references within a table (a staff member's supervisor) need repeating
until nothing changes, because a left-out supervisor may leave out the staff member, and so on.

When the referenced file is absent and the store's ids for it are not given, the references are
not checked: every file but ``encounters.csv`` is optional, and an audit of encounters alone must
still run.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from caseledger.facts.datafile import TableFile
from caseledger.facts.problems import Problem
from caseledger.facts.schema import Column, Kind, Table


@dataclass(frozen=True)
class _Target:
    """What a reference into one table can be checked against."""

    table: Table
    present: bool  # the dataset has the table's file
    kept: AbstractSet[object]  # ids of the kept rows
    left_out: Mapping[object, int]  # ids of left-out rows -> first line
    known: AbstractSet[object] | None  # ids already in the store

    @property
    def checked(self) -> bool:
        return self.present or self.known is not None

    def resolves(self, value: object) -> bool:
        return value in self.kept or (self.known is not None and value in self.known)

    def why_not(self, column: Column, value: object, same_file: bool) -> str:
        assert column.ref is not None
        target_col = column.ref[1]
        where = "on line" if same_file else f"on {self.table.filename} line"
        if value in self.left_out:
            return (
                f"refers to {target_col} {value!r} {where} {self.left_out[value]}, which is left "
                "out because of its problems"
            )
        places = []
        if self.present:
            places.append(self.table.filename)
        if self.known is not None:
            places.append("the store")
        return (
            f"refers to {target_col} {value!r}, which is not in {' or '.join(places)}; expected "
            f"the {target_col} of a {self.table.name} row"
        )


def resolve(
    files: Mapping[str, TableFile],
    order: Iterable[Table],
    known_ids: Mapping[str, Collection[str]] | None,
) -> tuple[list[Problem], list[str]]:
    """Marks as bad every row whose references do not resolve; returns the problems and notices."""
    known = {name: _as_set(ids) for name, ids in (known_ids or {}).items()}
    targets: dict[str, _Target] = {}
    problems: list[Problem] = []
    notices: list[str] = []
    for table in order:
        file = files.get(table.name)
        if file is None:
            targets[table.name] = _Target(table, False, frozenset(), {}, known.get(table.name))
            continue
        refs = [c for c in table.columns if c.ref is not None]
        for column in refs:
            assert column.ref is not None
            if column.ref[0] == table.name:
                continue
            target = targets[column.ref[0]]
            if not target.checked:
                if any(_values(row, column) for row in file.rows):
                    notices.append(
                        f"{table.filename}: {column.name} is not checked because "
                        f"{target.table.filename} is absent"
                    )
                continue
            _check(file, column, target, problems, same_file=False)
        targets[table.name] = _settle_self_references(file, refs, known, problems)
    return problems, notices


def _settle_self_references(
    file: TableFile,
    refs: list[Column],
    known: Mapping[str, AbstractSet[object]],
    problems: list[Problem],
) -> _Target:
    table = file.table
    key = table.key[0] if len(table.key) == 1 else None
    self_refs = [c for c in refs if c.ref is not None and c.ref[0] == table.name]
    known_here = known.get(table.name)

    def kept_ids() -> set[object]:
        if key is None:
            return set()
        return {row[key] for row, bad in zip(file.rows, file.bad, strict=True) if not bad}

    kept = kept_ids()
    # Leaving out one row may leave out the rows that refer to it: repeat until settled.
    changed = bool(self_refs)
    while changed:
        changed = False
        for i, row in enumerate(file.rows):
            if file.bad[i]:
                continue
            for column in self_refs:
                if any(
                    v not in kept and (known_here is None or v not in known_here)
                    for v in _values(row, column)
                ):
                    file.bad[i] = True
                    if key is not None:
                        kept.discard(row[key])
                    changed = True
                    break
    left_out: dict[object, int] = {}
    left_out.update(file.unaligned_ids)
    if key is not None:
        for row, line, bad in zip(file.rows, file.lines, file.bad, strict=True):
            value = row.get(key)
            if bad and value is not None and value not in kept:
                left_out.setdefault(value, line)
    target = _Target(table, True, kept, left_out, known_here)
    for column in self_refs:
        # Reported after settling, so that each message names the final reason.
        _check(file, column, target, problems, same_file=True)
    return target


def _check(
    file: TableFile,
    column: Column,
    target: _Target,
    problems: list[Problem],
    *,
    same_file: bool,
) -> None:
    name = file.table.filename
    for i, row in enumerate(file.rows):
        for value in _values(row, column):
            if not target.resolves(value):
                file.bad[i] = True
                problems.append(
                    Problem(
                        name, file.lines[i], column.name, target.why_not(column, value, same_file)
                    )
                )


def _values(row: Mapping[str, object], column: Column) -> tuple[object, ...]:
    """The ids a cell refers to: every element of a list, or the one value; none when empty
    or when the cell did not parse."""
    value = row.get(column.name)
    if value is None:
        return ()
    if column.kind is Kind.LIST:
        assert isinstance(value, tuple)
        return value
    return (value,)


def _as_set(ids: Collection[str]) -> AbstractSet[object]:
    return ids if isinstance(ids, AbstractSet) else frozenset(ids)

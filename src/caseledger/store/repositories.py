"""Reading and writing the dataset tables, one repository per table, all built from the contract.

Rows go in and come out as the dataset reader produces them: ``{column: value}`` with parsed
values, plus any non-contract columns as text. Every read of rows tied to a client is recorded in
the access log (one entry per client per call); writes are recorded too unless the caller says it
records them itself (import and export write one summary entry per client instead).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa

from caseledger.facts import schema
from caseledger.facts.cells import Value
from caseledger.facts.schema import Kind
from caseledger.store import tables
from caseledger.store.access_log import AccessEntry, AccessLog
from caseledger.store.errors import StoreError

Row = dict[str, Value]
Progress = Callable[[int], None]

#: How many keys go into one ``IN (...)`` list; well under SQLite's bound-parameter limit.
IN_CHUNK = 500
#: Rows compared and written per round trip when syncing a table.
WRITE_CHUNK = 5000

#: The column that dates a row, for tables whose rows happen at a point in time.
_POINT_COLUMNS = ("date", "scheduled_at", "at", "month", "completed_on")
#: The columns that bound a row's validity, for tables whose rows hold over a span.
_SPAN_COLUMNS = (("start_date", "end_date"), ("hire_date", "end_date"))

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class ClientLink:
    """How a table's rows belong to a client: by their own column, or through their parent."""

    column: str  # column of this table holding the client id, or the parent's id
    via: str | None = None  # the parent table holding client_id, when indirect


def client_link(contract: schema.Table) -> ClientLink | None:
    if contract.has_column("client_id"):
        return ClientLink("client_id")
    if contract.parent is not None:
        parent_column, parent_table = contract.parent
        if schema.table(parent_table).has_column("client_id"):
            return ClientLink(parent_column, via=parent_table)
    return None


#: what a signature freezes
SIGNED_NOTE_COLUMNS = ("note_text", "note_signed_by", "note_signed_on")


class FrozenRecordChanged(StoreError):
    """A write would change what may no longer change (a signed note)."""

    def __init__(self, table: str, ids: list[str]) -> None:
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        super().__init__(
            f"{table}: the signed note of {shown} would change; nothing was written",
            hint="a signed note is kept as signed: record a correction with "
            "'caseledger note amend ENCOUNTER_ID --reason TEXT'",
        )
        self.ids = ids


@dataclass
class TableChanges:
    """What a write did to one table, in rows, and which clients' records it touched."""

    table: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    #: client id -> {"added": n, "changed": n, "removed": n}
    clients: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def rows(self) -> int:
        """Rows in the input (added + changed + unchanged)."""
        return self.added + self.changed + self.unchanged

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def merge(self, other: TableChanges) -> None:
        self.added += other.added
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.removed += other.removed
        for client, counts in other.clients.items():
            self.clients[client].update(counts)


class Repository:
    """Generic access to one dataset table."""

    def __init__(self, connection: sa.Connection, contract: schema.Table, access: AccessLog):
        self.contract = contract
        self.table = tables.table(contract.name)
        self._conn = connection
        self._access = access
        self.keyed_by_id = tables.is_keyed_by_id(contract)
        self.parent_column = contract.parent[0] if contract.parent else None
        self.link = client_link(contract)
        self._columns = contract.column_names
        self._column_set = frozenset(self._columns)
        self._lists = frozenset(c.name for c in contract.columns if c.kind is Kind.LIST)

    @property
    def name(self) -> str:
        return self.contract.name

    # ---------------------------------------------------------------- reads

    def get(self, record_id: str) -> Row | None:
        """The row with this id (tables keyed by an id column)."""
        column = self._id_column()
        rows = self._select(self.table.c[column] == record_id)
        return rows[0] if rows else None

    def list_by_parent(self, parent_id: str) -> list[Row]:
        """The rows hanging from one parent (child tables: a staff member's credentials...)."""
        if self.parent_column is None:
            raise TypeError(f"{self.name} has no parent table")
        return self._select(self.table.c[self.parent_column] == parent_id)

    def list_where(self, **equals: Value) -> list[Row]:
        """Rows whose columns equal the given values, e.g. ``list_where(client_id="C1")``."""
        conditions = []
        for column, value in equals.items():
            if column not in self._columns:
                raise KeyError(f"{self.name} has no column {column!r}")
            col = self.table.c[column]
            conditions.append(col.is_(None) if value is None else col == value)
        return self._select(*conditions)

    def all(self) -> list[Row]:
        return self._select()

    def where_in(self, column: str, values: Iterable[Value]) -> list[Row]:
        """Rows whose ``column`` is one of ``values`` (read in chunks, access-logged)."""
        if column not in self._columns:
            raise KeyError(f"{self.name} has no column {column!r}")
        found: list[Row] = []
        for chunk in _chunks(list(dict.fromkeys(values)), IN_CHUNK):
            found.extend(self._select(self.table.c[column].in_(chunk)))
        return found

    def for_period(self, start: dt.date, end: dt.date) -> list[Row]:
        """Rows that fall in ``start``..``end`` (inclusive): dated rows by their date, rows with a
        validity span when the span overlaps, undated tables whole."""
        return self._select(*self.period_conditions(start, end))

    def period_conditions(self, start: dt.date, end: dt.date) -> list[sa.ColumnElement[bool]]:
        if end < start:
            raise ValueError("a period ends on or after its start")
        c = self.table.c
        for name in _POINT_COLUMNS:
            if name in self._columns:
                kind = self.contract.column(name).kind
                if kind is Kind.DATETIME:
                    after_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
                    return [c[name] >= dt.datetime.combine(start, dt.time()), c[name] < after_end]
                if kind is Kind.MONTH:
                    return [c[name] >= start.replace(day=1), c[name] <= end]
                return [c[name] >= start, c[name] <= end]
        for first, last in _SPAN_COLUMNS:
            if first in self._columns and last in self._columns:
                return [
                    sa.or_(c[first].is_(None), c[first] <= end),
                    sa.or_(c[last].is_(None), c[last] >= start),
                ]
        return []

    def count(self) -> int:
        return int(self._conn.execute(sa.select(sa.func.count()).select_from(self.table)).one()[0])

    def ids(self) -> set[str]:
        """Every stored id (ids are not PHI, so this is not access-logged)."""
        column = self.table.c[self._id_column()]
        return {str(v) for v in self._conn.scalars(sa.select(column))}

    def snapshot(self) -> list[Row]:
        """Every row, in key order, without access-log entries: for export, which records one
        entry per client for everything it writes out."""
        return self._rows_of(self._conn.execute(self._query()))

    def _select(self, *conditions: sa.ColumnElement[bool]) -> list[Row]:
        rows = self._rows_of(self._conn.execute(self._query(*conditions)))
        self.log_reads(rows)
        return rows

    def _rows_of(self, result: sa.CursorResult[Any]) -> list[Row]:
        """Every row of ``result`` as :meth:`_to_row` gives it. The columns are found by position
        once per result rather than by name once per cell: a client's history is thousands of
        rows of some thirty columns, read at every check."""
        index = {name: i for i, name in enumerate(result.keys())}
        pick = operator.itemgetter(*(index[n] for n in (*self._columns, tables.EXTRA)))
        return [self._row_of(pick(record)) for record in result]

    def _row_of(self, values: Sequence[Any]) -> Row:
        """A row from its stored values: the contract's columns in order, then the extra ones."""
        row: Row = dict(zip(self._columns, values[:-1], strict=True))
        for name in self._lists:
            if row[name] is None:
                row[name] = ()
        extra = values[-1]
        if extra:
            for name, value in extra.items():
                if name not in row:  # a column the contract has since adopted wins over the extra
                    row[name] = value
        return row

    def _query(self, *conditions: sa.ColumnElement[bool]) -> sa.Select[Any]:
        order = [self.table.c[k] for k in self.contract.key]
        if not self.keyed_by_id:
            order.append(self.table.c[tables.ROW_ID])
        return sa.select(self.table).where(*conditions).order_by(*order)

    def log_reads(self, rows: Sequence[Row]) -> None:
        """Writes the access-log entries of reading ``rows`` (one per client), as every read
        of this repository does; for rows a caller kept from an earlier read."""
        if self.link is None or not rows:
            return
        per_client: dict[str, list[Row]] = defaultdict(list)
        for client, row in zip(self.clients_of(rows), rows, strict=True):
            if client is not None:
                per_client[client].append(row)
        self._access.record_many([self._read_entry(c, r) for c, r in per_client.items()])

    def log_client_reads(self, client_id: str, rows: Sequence[Row]) -> None:
        """:meth:`log_reads` for rows all of one client (a client's history kept from an
        earlier read), without going through them: the same one entry."""
        if self.link is not None and rows:
            self._access.record_many([self._read_entry(client_id, rows)])

    def _read_entry(self, client_id: str, rows: Sequence[Row]) -> AccessEntry:
        single = len(rows) == 1 and self.keyed_by_id
        return AccessEntry(
            "read",
            client_id=client_id,
            record_type=self.name,
            record_id=str(rows[0][self.contract.key[0]]) if single else None,
            detail=f"{len(rows)} row(s)",
        )

    # ---------------------------------------------------------------- writes

    def sync(
        self,
        rows: Sequence[Row],
        *,
        remove_children: bool = True,
        log: bool = True,
        on_progress: Progress | None = None,
    ) -> TableChanges:
        """Makes the store agree with ``rows``: id-keyed rows are inserted or updated by id; for
        child tables, the rows given for a parent replace that parent's stored rows (stored rows
        of that parent missing from ``rows`` are removed unless ``remove_children`` is false).
        Parents not mentioned in ``rows`` are left alone. Unchanged rows are not written."""
        if self.keyed_by_id:
            changes = self._upsert_by_id(rows, on_progress)
        else:
            changes = self._replace_children(rows, remove_children, on_progress)
        if log:
            self._log_changes(changes)
        return changes

    def upsert_many(self, rows: Sequence[Row], *, log: bool = True) -> TableChanges:
        """Inserts new rows and updates changed ones (child tables: matched by natural key)."""
        return self.sync(rows, remove_children=False, log=log)

    def delete_children(self, parent_id: str, *, log: bool = True) -> int:
        """Removes every row hanging from ``parent_id``; returns how many."""
        if self.parent_column is None:
            raise TypeError(f"{self.name} has no parent table")
        result = self._conn.execute(
            sa.delete(self.table).where(self.table.c[self.parent_column] == parent_id)
        )
        removed = int(result.rowcount)
        if log and removed and self.link is not None:
            client = self._parent_clients([parent_id]).get(parent_id)
            if client is not None:
                changes = TableChanges(self.name, removed=removed)
                changes.clients[client]["removed"] += removed
                self._log_changes(changes)
        return removed

    def _frozen(self, stored: dict[str, Any], incoming: dict[str, Any]) -> bool:
        """Whether ``incoming`` changes a part of ``stored`` that may no longer change."""
        return False

    def delete(self, record_id: str, *, log: bool = True) -> bool:
        """Removes the row with this id (tables keyed by an id); whether there was one."""
        column = self.table.c[self._id_column()]
        stored = self._conn.execute(sa.select(self.table).where(column == record_id)).first()
        if stored is None:
            return False
        client = self.clients_of([self._to_row(stored)])[0]
        self._conn.execute(sa.delete(self.table).where(column == record_id))
        if log:
            changes = TableChanges(self.name, removed=1)
            self._count(changes, client, "removed")
            self._log_changes(changes)
        return True

    def owner(self, record_id: str) -> tuple[str | None, str | None] | None:
        """The client and the staff member a row belongs to, read without an access-log entry
        (ids only, no PHI): what a permission check needs before the real read. None when
        there is no such row."""
        column = self.table.c[self._id_column()]
        stored = self._conn.execute(sa.select(self.table).where(column == record_id)).first()
        if stored is None:
            return None
        row = self._to_row(stored)
        client = self.clients_of([row])[0]
        staff = row.get("staff_id")
        return client, None if staff is None else str(staff)

    def _upsert_by_id(self, rows: Sequence[Row], on_progress: Progress | None) -> TableChanges:
        key = self._id_column()
        changes = TableChanges(self.name)
        seen: set[object] = set()
        for chunk in _chunks(rows, WRITE_CHUNK):
            incoming = [self._to_params(r) for r in chunk]
            ids = [p[key] for p in incoming]
            for record_id in ids:
                if record_id in seen:
                    raise ValueError(f"{self.name}: id {record_id} is given twice")
                seen.add(record_id)
            stored = self._stored_by_id(ids)
            refused = [
                p[key] for p in incoming if p[key] in stored and self._frozen(stored[p[key]], p)
            ]
            if refused:
                raise FrozenRecordChanged(self.name, [str(i) for i in refused])
            inserts, updates = [], []
            new_clients = self.clients_of(incoming)
            old_clients = self.clients_of([stored[i] for i in ids if i in stored])
            old_client_by_id = dict(zip([i for i in ids if i in stored], old_clients, strict=True))
            for params, client in zip(incoming, new_clients, strict=True):
                old = stored.get(params[key])
                if old is None:
                    inserts.append(params)
                    changes.added += 1
                    self._count(changes, client, "added")
                elif old != params:
                    updates.append(params)
                    changes.changed += 1
                    self._count(changes, client, "changed")
                    former = old_client_by_id.get(params[key])
                    if former != client:  # the row moved to another client: both are touched
                        self._count(changes, former, "changed")
                else:
                    changes.unchanged += 1
            if inserts:
                self._conn.execute(self.table.insert(), inserts)
            if updates:
                columns = [c for c in (*self._columns, tables.EXTRA) if c != key]
                statement = (
                    self.table.update()
                    .where(self.table.c[key] == sa.bindparam("_key"))
                    .values({c: sa.bindparam(c) for c in columns})
                )
                self._conn.execute(statement, [{**p, "_key": p[key]} for p in updates])
            if on_progress is not None:
                on_progress(len(chunk))
        return changes

    def _replace_children(
        self, rows: Sequence[Row], remove: bool, on_progress: Progress | None
    ) -> TableChanges:
        parent = self.parent_column
        assert parent is not None
        changes = TableChanges(self.name)
        by_parent: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            params = self._to_params(row)
            by_parent[params[parent]].append(params)
        parents = list(by_parent)
        batch: list[Any] = []
        size = 0
        for parent_id in parents:
            batch.append(parent_id)
            size += len(by_parent[parent_id])
            if size >= WRITE_CHUNK:
                self._replace_batch(batch, by_parent, remove, changes, on_progress)
                batch, size = [], 0
        if batch:
            self._replace_batch(batch, by_parent, remove, changes, on_progress)
        return changes

    def _replace_batch(
        self,
        parents: list[Any],
        by_parent: dict[Any, list[dict[str, Any]]],
        remove: bool,
        changes: TableChanges,
        on_progress: Progress | None,
    ) -> None:
        parent = self.parent_column
        assert parent is not None
        stored: dict[Any, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for chunk in _chunks(parents, IN_CHUNK):
            query = self._query(self.table.c[parent].in_(chunk))
            for r in self._conn.execute(query):
                stored[r._mapping[parent]].append((r._mapping[tables.ROW_ID], self._params_of(r)))
        clients = self._parent_clients(parents) if self.link is not None else {}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        deletes: list[int] = []
        for parent_id in parents:
            client = clients.get(parent_id)
            candidates: dict[tuple[Any, ...], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
            for row_id, params in stored.get(parent_id, []):
                candidates[self._natural_key(params)].append((row_id, params))
            for params in by_parent[parent_id]:
                same_key = candidates.get(self._natural_key(params))
                if not same_key:
                    inserts.append(params)
                    changes.added += 1
                    self._count(changes, client, "added")
                    continue
                # Prefer an identical stored row, so duplicates of one key stay unchanged.
                index = next((i for i, (_, old) in enumerate(same_key) if old == params), 0)
                row_id, old = same_key.pop(index)
                if old == params:
                    changes.unchanged += 1
                else:
                    updates.append({**params, "_row": row_id})
                    changes.changed += 1
                    self._count(changes, client, "changed")
            if remove:
                for leftovers in candidates.values():
                    for row_id, _ in leftovers:
                        deletes.append(row_id)
                        changes.removed += 1
                        self._count(changes, client, "removed")
        row_id_column = self.table.c[tables.ROW_ID]
        for chunk in _chunks(deletes, IN_CHUNK):
            self._conn.execute(sa.delete(self.table).where(row_id_column.in_(chunk)))
        if updates:
            columns = [*self._columns, tables.EXTRA]
            statement = (
                self.table.update()
                .where(row_id_column == sa.bindparam("_row"))
                .values({c: sa.bindparam(c) for c in columns})
            )
            self._conn.execute(statement, updates)
        if inserts:
            self._conn.execute(self.table.insert(), inserts)
        if on_progress is not None:
            on_progress(sum(len(by_parent[p]) for p in parents))

    def _log_changes(self, changes: TableChanges) -> None:
        entries = []
        for client, counts in changes.clients.items():
            for count_name, action in (
                ("added", "create"),
                ("changed", "update"),
                ("removed", "delete"),
            ):
                if counts[count_name]:
                    entries.append(
                        AccessEntry(
                            action,
                            client_id=client,
                            record_type=self.name,
                            detail=f"{counts[count_name]} row(s) {count_name}",
                        )
                    )
        self._access.record_many(entries)

    @staticmethod
    def _count(changes: TableChanges, client: str | None, what: str) -> None:
        if client is not None:
            changes.clients[client][what] += 1

    # ---------------------------------------------------------------- conversions

    def _id_column(self) -> str:
        if not self.keyed_by_id:
            raise TypeError(f"{self.name} is not keyed by an id; use list_by_parent")
        return self.contract.key[0]

    def _natural_key(self, params: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(params[k] for k in self.contract.key)

    def _to_params(self, row: Row) -> dict[str, Any]:
        """The values to store for a dataset row (non-contract columns go into ``extra``)."""
        params: dict[str, Any] = {name: row.get(name) for name in self._columns}
        for name in self._lists:
            value = params[name]
            params[name] = () if value is None else tuple(value)
        contract = self._column_set
        extra = {
            name: None if value is None else str(value)
            for name, value in row.items()
            if name not in contract
        }
        params[tables.EXTRA] = extra or None
        return params

    def _params_of(self, record: sa.Row[Any]) -> dict[str, Any]:
        """A stored row in the form ``_to_params`` gives, so the two compare by value."""
        mapping = record._mapping
        params = {name: mapping[name] for name in self._columns}
        for name in self._lists:
            if params[name] is None:
                params[name] = ()
        params[tables.EXTRA] = mapping[tables.EXTRA] or None
        return params

    def _to_row(self, record: sa.Row[Any]) -> Row:
        mapping = record._mapping
        return self._row_of([mapping[n] for n in (*self._columns, tables.EXTRA)])

    def _stored_by_id(self, ids: Sequence[Any]) -> dict[Any, dict[str, Any]]:
        key = self._id_column()
        column = self.table.c[key]
        stored: dict[Any, dict[str, Any]] = {}
        for chunk in _chunks(ids, IN_CHUNK):
            for record in self._conn.execute(sa.select(self.table).where(column.in_(chunk))):
                stored[record._mapping[key]] = self._params_of(record)
        return stored

    def clients_of(self, rows: Sequence[Row] | Sequence[dict[str, Any]]) -> list[str | None]:
        """The client each row belongs to (None for rows of tables not tied to a client)."""
        link = self.link
        if link is None:
            return [None] * len(rows)
        values = [row.get(link.column) for row in rows]
        if link.via is None:
            return [None if v is None else str(v) for v in values]
        clients = self._parent_clients([v for v in values if v is not None])
        return [clients.get(v) for v in values]

    def _parent_clients(self, parent_ids: Iterable[Any]) -> dict[Any, str]:
        """Client of each parent row (for a child of ``clients``, the parent id itself)."""
        link = self.link
        if link is None:
            return {}
        unique = list(dict.fromkeys(parent_ids))
        if link.via is None:
            if self.parent_column == "client_id":
                return {p: str(p) for p in unique}
            return {}
        parent_table = tables.table(link.via)
        parent_key = schema.table(link.via).key[0]
        found: dict[Any, str] = {}
        for chunk in _chunks(unique, IN_CHUNK):
            query = sa.select(parent_table.c[parent_key], parent_table.c.client_id).where(
                parent_table.c[parent_key].in_(chunk)
            )
            for parent_id, client_id in self._conn.execute(query):
                found[parent_id] = str(client_id)
        return found


class EncounterRepository(Repository):
    """Encounters, with the lookups the audit and the single-encounter check make. A signed
    note does not change: corrections are amendments (:mod:`caseledger.store.amendments`)."""

    def _frozen(self, stored: dict[str, Any], incoming: dict[str, Any]) -> bool:
        if stored.get("note_signed_by") is None:
            return False
        return any(stored.get(c) != incoming.get(c) for c in SIGNED_NOTE_COLUMNS)

    def for_client(
        self, client_id: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[Row]:
        return self._select(self.table.c.client_id == client_id, *self._between(start, end))

    def for_staff(
        self, staff_id: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[Row]:
        return self._select(self.table.c.staff_id == staff_id, *self._between(start, end))

    def for_group(self, group_id: str) -> list[Row]:
        return self._select(self.table.c.group_id == group_id)

    def _between(self, start: dt.date | None, end: dt.date | None) -> list[sa.ColumnElement[bool]]:
        conditions = []
        if start is not None:
            conditions.append(self.table.c.date >= start)
        if end is not None:
            conditions.append(self.table.c.date <= end)
        return conditions

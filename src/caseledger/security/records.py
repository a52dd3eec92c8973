"""The service the web app, the API and the CLI read and change records through.

Every call asks the :class:`~caseledger.security.permissions.Guard` first, with the agency the
record belongs to, and only then reads or writes through the store's repositories (which write
the access log in the same transaction). Finding out which agency a record belongs to reads ids
only and leaves no access-log entry; the record itself is read after the check passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from caseledger.security.accounts import Principal
from caseledger.security.permissions import TABLE_RECORD_TYPES, Guard, NotFound
from caseledger.store import amendments, tables
from caseledger.store.repositories import Repository, Row, TableChanges
from caseledger.store.unit_of_work import UnitOfWork


@dataclass
class Records:
    """One person's view of the store inside one unit of work."""

    uow: UnitOfWork
    principal: Principal
    guard: Guard = field(default_factory=Guard)

    # ------------------------------------------------------------------------ which agency

    def _scalar(self, query: sa.Select[Any]) -> str | None:
        value = self.uow.connection.execute(query).scalar_one_or_none()
        return None if value is None else str(value)

    def _client_agency(self, client_id: str | None) -> str | None:
        if client_id is None:
            return None
        c = tables.table("clients").c
        return self._scalar(sa.select(c.agency_id).where(c.client_id == client_id))

    def _staff_agency(self, staff_id: str | None) -> str | None:
        if staff_id is None:
            return None
        c = tables.table("staff").c
        return self._scalar(sa.select(c.agency_id).where(c.staff_id == staff_id))

    def _agency_of_row(self, table: str, row: Row) -> str | None:
        """The agency a row (stored or about to be) belongs to; None when it cannot be told,
        which no agency's user may act on."""
        if "agency_id" in row and row["agency_id"] is not None:
            return str(row["agency_id"])
        client = self.uow.repo(table).clients_of([row])[0]
        if client is not None:
            return self._client_agency(client)
        if row.get("staff_id") is not None:
            return self._staff_agency(str(row["staff_id"]))
        leaders = row.get("staff_ids")
        if isinstance(leaders, tuple) and leaders:
            return self._staff_agency(str(leaders[0]))
        return None

    def _stored_agency(self, table: str, record_id: str) -> str | None:
        repo = self.uow.repo(table)
        c = repo.table.c
        key = repo.contract.key[0]
        if table in ("clients", "staff", "agency"):
            return self._scalar(sa.select(c.agency_id).where(c[key] == record_id))
        if table == "group_sessions":
            leaders = self.uow.connection.execute(
                sa.select(c.staff_ids).where(c[key] == record_id)
            ).scalar_one_or_none()
            first = leaders[0] if isinstance(leaders, list | tuple) and leaders else None
            return self._staff_agency(first)
        owner = repo.owner(record_id)
        if owner is None:
            return None
        client, staff = owner
        return self._client_agency(client) if client else self._staff_agency(staff)

    def _check(
        self, action: str, table: str, agency: str | None, record_type: str | None = None
    ) -> None:
        kind = record_type or TABLE_RECORD_TYPES[table]
        # A record whose agency cannot be told is nobody's: not found, as another agency's.
        self.guard.check(
            self.principal,
            action,
            kind,
            record_agency=agency or "",
            named=TABLE_RECORD_TYPES[table].replace("_", " "),
        )

    def _repo(self, table: str) -> Repository:
        if table not in TABLE_RECORD_TYPES:
            raise KeyError(f"unknown table {table!r}")
        return self.uow.repo(table)

    def check_client(self, action: str, record_type: str, client_id: str) -> None:
        """Asks the guard about an action on something of one client's (a legal hold...)."""
        self.guard.check(
            self.principal,
            action,
            record_type,
            record_agency=self._client_agency(client_id) or "",
            named="client",
        )

    def check_own(self, action: str, record_type: str) -> None:
        """Asks the guard about an action over the person's own agency as a whole."""
        self.guard.check(self.principal, action, record_type)

    # ------------------------------------------------------------------------ the records

    def get(self, table: str, record_id: str) -> Row:
        """One record by id; :class:`NotFound` when there is none this person may know of."""
        repo = self._repo(table)
        self._check("read", table, self._stored_agency(table, record_id))
        row = repo.get(record_id)
        if row is None:
            raise NotFound(f"no such {TABLE_RECORD_TYPES[table]}")
        return row

    def clients(self) -> Sequence[Row]:
        """The clients of the person's agency."""
        self.guard.check(self.principal, "query", "client")
        return self.uow.repo("clients").list_where(agency_id=self.principal.agency_id)

    def unsigned_notes(self) -> Sequence[Row]:
        """The encounters this person provided whose notes are not signed yet (their due list)."""
        if not self.principal.staff_id:
            return []
        self.guard.check(self.principal, "query", "encounter")
        rows = self.uow.encounters.list_where(staff_id=self.principal.staff_id, note_signed_by=None)
        own = {str(c["client_id"]) for c in self._own_clients()}
        return [r for r in rows if str(r["client_id"]) in own]

    def authorizations_ending(self, today: dt.date, within_days: int) -> Sequence[Row]:
        """The agency's authorizations that end within ``within_days`` of ``today``."""
        self.guard.check(self.principal, "query", "authorization")
        ids = [str(c["client_id"]) for c in self._own_clients()]
        last = today + dt.timedelta(days=within_days)
        ending = []
        for a in self.uow.repo("authorizations").where_in("client_id", ids):
            end = a.get("end_date")
            if isinstance(end, dt.date) and today <= end <= last:
                ending.append(a)
        return sorted(ending, key=lambda a: str(a["end_date"]))

    def _own_clients(self) -> list[Row]:
        c = tables.table("clients").c
        rows = self.uow.connection.execute(
            sa.select(c.client_id).where(c.agency_id == self.principal.agency_id)
        )
        return [dict(r._mapping) for r in rows]

    def staff_directory(self) -> Sequence[Row]:
        """Who works in the agency (ids and names: no clinical record), for whoever
        records encounters and must say who provided them."""
        self.guard.check(self.principal, "create", "encounter")
        c = tables.table("staff").c
        rows = self.uow.connection.execute(
            sa.select(c.staff_id, c.first_name, c.last_name)
            .where(c.agency_id == self.principal.agency_id)
            .order_by(c.last_name, c.first_name)
        )
        return [dict(r._mapping) for r in rows]

    def for_client(self, table: str, client_id: str) -> Sequence[Row]:
        """A client's rows of ``table`` (their encounters, plans...)."""
        repo = self._repo(table)
        self._check("query", table, self._client_agency(client_id))
        if repo.parent_column == "client_id":
            return repo.list_by_parent(client_id)
        return repo.list_where(client_id=client_id)

    def save(self, table: str, row: Row) -> TableChanges:
        """Creates the record, or updates it when it exists (both must be of this person's
        agency: a record cannot be moved to another)."""
        repo = self._repo(table)
        key = repo.contract.key[0]
        exists = repo.keyed_by_id and repo.owner(str(row[key])) is not None
        if exists:
            self._check("update", table, self._stored_agency(table, str(row[key])))
        self._check("update" if exists else "create", table, self._agency_of_row(table, row))
        return repo.upsert_many([row])

    def amend_note(self, encounter_id: str, text: str, reason: str) -> int:
        """Appends a correction to a signed note (see :mod:`caseledger.store.amendments`)."""
        self._check("amend", "encounters", self._stored_agency("encounters", encounter_id), "note")
        return amendments.amend(self.uow, encounter_id, text, reason)

    def note_history(self, encounter_id: str) -> amendments.NoteHistory:
        self._check("read", "encounters", self._stored_agency("encounters", encounter_id), "note")
        return amendments.history(self.uow, encounter_id)

    def edit_note(self, encounter_id: str, text: str) -> None:
        """Changes the text of a note not yet signed (a signed one is amended instead)."""
        agency = self._stored_agency("encounters", encounter_id)
        self._check("update", "encounters", agency, "note")
        row = dict(self.uow.encounters.get(encounter_id) or {})
        row["note_text"] = text
        self.uow.encounters.upsert_many([row])

    def sign_note(self, encounter_id: str, staff_id: str, on: Any) -> None:
        """Signs the note as ``staff_id`` on ``on``; from then on it only takes amendments."""
        agency = self._stored_agency("encounters", encounter_id)
        self._check("sign", "encounters", agency, "note")
        row = dict(self.uow.encounters.get(encounter_id) or {})
        if row.get("note_signed_by") is not None:
            raise amendments.AmendmentError(f"the note of {encounter_id} is signed already")
        row.update(note_signed_by=staff_id, note_signed_on=on)
        self.uow.encounters.upsert_many([row])

    def delete(self, table: str, record_id: str) -> None:
        repo = self._repo(table)
        self._check("delete", table, self._stored_agency(table, record_id))
        if not repo.delete(record_id):
            raise NotFound(f"no such {TABLE_RECORD_TYPES[table]}")

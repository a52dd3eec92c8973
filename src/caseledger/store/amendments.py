"""Amendments: a signed note never changes; a correction is appended, with its author, time and
reason, and the note as signed stays readable beside every correction made to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from caseledger.store.errors import StoreError
from caseledger.store.repositories import Row
from caseledger.store.tables import note_amendments
from caseledger.store.unit_of_work import UnitOfWork


class AmendmentError(StoreError):
    """The note cannot be amended as asked."""


@dataclass(frozen=True)
class Amendment:
    number: int
    text: str
    reason: str
    author: str
    at: dt.datetime  # UTC, naive


@dataclass(frozen=True)
class NoteHistory:
    encounter_id: str
    #: the note as signed (or as it stands, when not signed yet)
    text: str | None
    signed_by: str | None
    signed_on: dt.date | None
    amendments: list[Amendment]

    @property
    def current(self) -> str | None:
        """The text as last corrected."""
        return self.amendments[-1].text if self.amendments else self.text


def _encounter(uow: UnitOfWork, encounter_id: str) -> Row:
    row = uow.encounters.get(encounter_id)  # an access-logged read
    if row is None:
        raise AmendmentError(f"no encounter {encounter_id} in the store")
    return row


def amend(uow: UnitOfWork, encounter_id: str, text: str, reason: str) -> int:
    """Appends a correction to the signed note of ``encounter_id``; returns its number."""
    if not text.strip():
        raise AmendmentError("an amendment needs the corrected text")
    if not reason.strip():
        raise AmendmentError("an amendment needs a reason")
    row = _encounter(uow, encounter_id)
    if row.get("note_signed_by") is None:
        raise AmendmentError(
            f"the note of {encounter_id} is not signed yet",
            hint="an unsigned note is edited, not amended",
        )
    at = uow.access.clock.now().astimezone(dt.UTC).replace(tzinfo=None)
    result = uow.connection.execute(
        note_amendments.insert().values(
            encounter_id=encounter_id, text=text, reason=reason, author=uow.actor, at=at
        )
    )
    client = row.get("client_id")
    uow.access.record(
        "update",
        client_id=None if client is None else str(client),
        record_type="note_amendments",
        record_id=encounter_id,
        detail="note amended",
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def history(uow: UnitOfWork, encounter_id: str) -> NoteHistory:
    """The note as signed and every amendment, oldest first."""
    row = _encounter(uow, encounter_id)
    found = uow.connection.execute(
        sa.select(note_amendments)
        .where(note_amendments.c.encounter_id == encounter_id)
        .order_by(note_amendments.c.id)
    )
    amendments = [Amendment(a.id, a.text, a.reason, a.author, a.at) for a in found]
    signed_on = row.get("note_signed_on")
    return NoteHistory(
        encounter_id,
        None if row.get("note_text") is None else str(row.get("note_text")),
        None if row.get("note_signed_by") is None else str(row.get("note_signed_by")),
        signed_on if isinstance(signed_on, dt.date) else None,
        amendments,
    )

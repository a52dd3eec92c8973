"""Who read or changed protected health information, and when.

Entries are written on the caller's connection, so they commit or roll back together with the
change they describe: one row per access, no PHI in any field. Each entry is chained to the one
before it by a keyed hash (:mod:`caseledger.store.access_chain`); writers take turns (SQLite
transactions here take the write lock when they begin, PostgreSQL ones take a lock on the log),
so the chain has no forks.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa

from caseledger.store.access_chain import last_entry, seal
from caseledger.store.secrets import Head, StoreSecrets
from caseledger.store.tables import ACCESS_ACTIONS, access_log, table

#: the PostgreSQL advisory lock that writers of the log take in turn (any fixed number)
_LOG_LOCK = 0x63_61_73_65_6C_67


class Clock(Protocol):
    """Where the time comes from; tests pass a ``FixedClock`` to get repeatable entries."""

    def now(self) -> dt.datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that starts at ``at`` and moves ``step`` forward on every reading."""

    def __init__(self, at: dt.datetime, step: dt.timedelta = dt.timedelta(0)) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock gives timezone-aware times")
        self._at = at
        self._step = step

    def now(self) -> dt.datetime:
        at = self._at
        self._at = at + self._step
        return at


def default_actor() -> str:
    """The operating-system user, for entries made without ``--as``."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry, e.g. some containers
        return "unknown"


@dataclass(frozen=True)
class AccessEntry:
    """One access. ``detail`` says what happened in words and counts, never with PHI."""

    action: str
    client_id: str | None = None
    record_type: str | None = None
    record_id: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class LoggedAccess:
    """An entry as stored."""

    id: int
    at: dt.datetime  # UTC, naive
    actor: str
    action: str
    client_id: str | None
    record_type: str | None
    record_id: str | None
    detail: str | None
    mac: str | None = None


class AccessLog:
    """Writes access entries into the open transaction of ``connection``."""

    def __init__(
        self, connection: sa.Connection, *, actor: str, clock: Clock, secrets: StoreSecrets
    ) -> None:
        if not actor.strip():
            raise ValueError("an access needs an actor")
        self._connection = connection
        self.actor = actor
        self._clock = clock
        self._secrets = secrets
        self._key: bytes | None = None
        self._head: Head | None = None
        self._wrote = False
        #: rows recorded inside ``batched``, written when it ends
        self._pending: list[dict[str, object]] | None = None

    @property
    def clock(self) -> Clock:
        """The clock entries are stamped with (so related records share one time source)."""
        return self._clock

    def record(
        self,
        action: str,
        *,
        client_id: str | None = None,
        record_type: str | None = None,
        record_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.record_many([AccessEntry(action, client_id, record_type, record_id, detail)])

    def record_many(self, entries: Iterable[AccessEntry]) -> int:
        """Writes ``entries`` with one timestamp (inside ``batched``, as the batch ends);
        returns how many."""
        rows: list[dict[str, object]] = []
        for entry in entries:
            if entry.action not in ACCESS_ACTIONS:
                raise ValueError(
                    f"unknown access action {entry.action!r}; expected one of "
                    + ", ".join(ACCESS_ACTIONS)
                )
            rows.append(
                {
                    "actor": self.actor,
                    "action": entry.action,
                    "client_id": entry.client_id,
                    "record_type": entry.record_type,
                    "record_id": entry.record_id,
                    "detail": entry.detail,
                }
            )
        if self._pending is not None:
            self._pending.extend(rows)
        else:
            self._write(rows)
        return len(rows)

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Entries recorded inside are written together as it ends, with one timestamp and one
        statement: for one read made of many small ones (a check's slice is some twenty). They
        are written in the same transaction all the same, and before the caller has the rows."""
        if self._pending is not None:
            yield
            return
        self._pending = []
        try:
            yield
        finally:
            rows, self._pending = self._pending, None
            self._write(rows)

    def _write(self, rows: list[dict[str, object]]) -> None:
        if rows:
            at = self._utc_now()  # read only when something is recorded, so tests can count
            stamped = [{**row, "at": at} for row in rows]
            key, after = self._chain_end()
            self._head = seal(key, after, stamped)
            self._wrote = True
            self._connection.execute(access_log.insert(), stamped)

    def _chain_end(self) -> tuple[bytes, Head | None]:
        """The key and the newest entry, read once per transaction (this transaction's own
        entries follow on from there)."""
        if self._key is None:
            if self._connection.dialect.name == "postgresql":
                lock = sa.text("SELECT pg_advisory_xact_lock(:k)")
                self._connection.execute(lock, {"k": _LOG_LOCK})
            self._head = last_entry(self._connection)
            self._key = self._secrets.key(create=self._head is None)
        return self._key, self._head

    def committed(self) -> None:
        """Records the newest entry outside the database, once the transaction has committed."""
        if self._wrote and self._key is not None and self._head is not None:
            self._secrets.advance_head(self._key, self._head)

    def _utc_now(self) -> dt.datetime:
        now = self._clock.now()
        if now.tzinfo is None:
            raise ValueError("the clock must give timezone-aware times")
        return now.astimezone(dt.UTC).replace(tzinfo=None)


def entries(
    connection: sa.Connection,
    *,
    client_id: str | None = None,
    actor: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    agency_id: str | None = None,
) -> Sequence[LoggedAccess]:
    """The stored entries, oldest first; optionally for one client, one actor, from ``start``
    up to (not including) ``end`` (naive UTC), and only those about one agency's clients (or
    about no client)."""
    query = sa.select(access_log).order_by(access_log.c.id)
    if agency_id is not None:
        clients = table("clients").c
        own = sa.select(clients.client_id).where(clients.agency_id == agency_id)
        query = query.where(access_log.c.client_id.is_(None) | access_log.c.client_id.in_(own))
    if client_id is not None:
        query = query.where(access_log.c.client_id == client_id)
    if actor is not None:
        query = query.where(access_log.c.actor == actor)
    if start is not None:
        query = query.where(access_log.c.at >= start)
    if end is not None:
        query = query.where(access_log.c.at < end)
    return [LoggedAccess(**row._asdict()) for row in connection.execute(query)]

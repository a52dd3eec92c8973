"""The store and its unit of work: one transaction, committed on success, rolled back on any
exception, so a crash never leaves half-written data."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy import exc

from caseledger.config import redacted
from caseledger.facts import schema
from caseledger.facts.dataset import KnownRows
from caseledger.store import migrate, tables
from caseledger.store.access_log import AccessLog, Clock, SystemClock, default_actor
from caseledger.store.engine import check_reachable, create_engine
from caseledger.store.errors import SchemaOutOfDate, StoreUnavailable
from caseledger.store.histories import Histories
from caseledger.store.repositories import EncounterRepository, Repository
from caseledger.store.secrets import StoreSecrets, secrets_dir


class UnitOfWork:
    """One transaction on the store, with its repositories and its access log."""

    def __init__(self, connection: sa.Connection, access: AccessLog, histories: Histories) -> None:
        self.connection = connection
        self.access = access
        self._repositories: dict[str, Repository] = {}
        self._discarded = False
        self._histories = histories
        #: histories read in this transaction, offered to other readers once it commits
        self.read_histories: list[tuple[str, int, KnownRows]] = []

    @property
    def actor(self) -> str:
        return self.access.actor

    def repo(self, name: str) -> Repository:
        """The repository of the dataset table ``name`` (``clients``, ``encounters``...)."""
        if name not in self._repositories:
            contract = schema.table(name)
            cls = EncounterRepository if name == "encounters" else Repository
            self._repositories[name] = cls(self.connection, contract, self.access)
        return self._repositories[name]

    @property
    def encounters(self) -> EncounterRepository:
        repository = self.repo("encounters")
        assert isinstance(repository, EncounterRepository)
        return repository

    def client_history(self, client_id: str) -> KnownRows:
        """Every stored encounter of ``client_id``, read and access-logged in this transaction.
        When the client's encounters have not changed since the store last read them (the count
        the triggers keep, see :mod:`caseledger.store.histories`), those rows are given again,
        under the same key, and only the access log is written."""
        revision = self.connection.execute(
            sa.select(tables.client_revisions.c.revision).where(
                tables.client_revisions.c.client_id == client_id
            )
        ).scalar_one_or_none()
        revision = revision or 0
        kept = self._histories.get(client_id, revision)
        if kept is not None:
            self.encounters.log_client_reads(client_id, kept.rows)
            return kept
        history = self._histories.read(self.encounters.for_client(client_id))
        self.read_histories.append((client_id, revision, history))
        return history

    def discard(self) -> None:
        """Roll back at the end instead of committing (a dry run)."""
        self._discarded = True

    @property
    def discarded(self) -> bool:
        return self._discarded


class Store:
    """The operational store behind a SQLAlchemy URL (SQLite file or PostgreSQL database)."""

    def __init__(self, url: str, *, clock: Clock | None = None) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.clock: Clock = clock or SystemClock()
        self._secrets: StoreSecrets | None = None
        #: client histories kept between reads (see :mod:`caseledger.store.histories`)
        self.histories = Histories()
        # SQLite has one writer at a time, and every unit of work writes (the access log). A
        # thread waiting on SQLite's busy handler sleeps in steps of up to 100 ms and is not woken
        # when the lock frees; waiting on this lock instead, the threads of one process (a web
        # server's) take their turns at once. Other processes still meet the busy handler.
        self._writer: threading.RLock | None = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else None
        )

    @classmethod
    def open(cls, url: str, *, clock: Clock | None = None) -> Store:
        """Connects and checks the schema. A SQLite store that is still empty (or a file that
        does not exist yet) is created at the newest schema; any other store must already be at
        it, or ``SchemaOutOfDate`` says to run ``caseledger db upgrade``."""
        store = cls(url, clock=clock)
        try:
            store.ensure_schema()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def shown_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return redacted(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def ensure_schema(self) -> None:
        check_reachable(self.engine)
        try:
            state = migrate.state(self.engine)
        except exc.DBAPIError as error:  # e.g. a file that is not a SQLite database
            reason = str(error.orig).splitlines()[0] if error.orig is not None else "unreadable"
            raise StoreUnavailable(f"cannot read {self.shown_url}: {reason}") from None
        if state.at_head:
            return
        if state.is_empty and self.dialect == "sqlite":
            migrate.upgrade(self.engine)
            return
        upgrade = f"caseledger --db {self.shown_url} db upgrade"
        if state.is_newer:
            raise SchemaOutOfDate(
                f"the store {self.shown_url} was written by a newer caseledger "
                f"(schema {state.current}; this version knows up to {state.head})",
                hint="upgrade caseledger",
            )
        if state.current is None and state.has_tables:
            raise SchemaOutOfDate(
                f"{self.shown_url} holds tables but no caseledger schema version",
                hint="point --db at an empty database or an existing caseledger store",
            )
        raise SchemaOutOfDate(
            f"the store {self.shown_url} is at schema {state.current or 'none'}, "
            f"this version needs {state.head}",
            hint=f"run: {upgrade}",
        )

    @contextmanager
    def unit_of_work(
        self, *, actor: str | None = None, snapshot: bool = False
    ) -> Iterator[UnitOfWork]:
        """One transaction: commits when the block ends normally (unless ``discard()`` was
        called), rolls back when it raises. ``snapshot`` gives every read the same view of the
        data (PostgreSQL REPEATABLE READ; SQLite transactions always do)."""
        with ExitStack() as turn:
            if self._writer is not None:
                turn.enter_context(self._writer)
            with self._transaction(actor=actor, snapshot=snapshot) as uow:
                yield uow

    @contextmanager
    def _transaction(self, *, actor: str | None, snapshot: bool) -> Iterator[UnitOfWork]:
        try:
            connection = self.engine.connect()
        except exc.DBAPIError:
            check_reachable(self.engine)  # raises with the reason
            raise StoreUnavailable(f"cannot connect to {self.shown_url}") from None
        with connection:
            options: dict[str, object] = {"caseledger_write": True}
            if snapshot and self.dialect == "postgresql":
                options["isolation_level"] = "REPEATABLE READ"
            connection = connection.execution_options(**options)
            transaction = connection.begin()
            access = AccessLog(
                connection,
                actor=actor or default_actor(),
                clock=self.clock,
                secrets=self.secrets,
            )
            uow = UnitOfWork(connection, access, self.histories)
            try:
                yield uow
            except BaseException:
                transaction.rollback()
                raise
            if uow.discarded:
                transaction.rollback()
                return
            try:
                transaction.commit()
            except BaseException:
                # A commit refused by a deferred foreign key leaves SQLite's transaction open;
                # dropping the connection is the one sure way to discard it on every backend.
                connection.invalidate()
                raise
            access.committed()
            for client_id, revision, history in uow.read_histories:
                self.histories.put(client_id, revision, history)

    @property
    def secrets(self) -> StoreSecrets:
        """Where this store's access-log key and head record are kept."""
        if self._secrets is None:
            with self.engine.connect() as conn:
                store_id = conn.execute(
                    sa.select(tables.store_meta.c.value).where(
                        tables.store_meta.c.name == tables.STORE_ID
                    )
                ).scalar_one()
            self._secrets = StoreSecrets(str(store_id), secrets_dir())
        return self._secrets

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

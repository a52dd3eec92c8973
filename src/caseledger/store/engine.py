"""Connecting to SQLite or PostgreSQL with the settings the store relies on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from caseledger.config import redacted
from caseledger.store.errors import StoreUnavailable

#: How long a SQLite writer waits for another one to finish before giving up, in seconds.
SQLITE_BUSY_TIMEOUT = 30


def create_engine(url: str) -> Engine:
    """An engine for ``url``; raises ``StoreUnavailable`` with a one-line reason for a malformed
    URL, an unknown driver or a SQLite file in a folder that does not exist."""
    shown = redacted(url)
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError):
        raise StoreUnavailable(
            f"not a database URL: {shown}",
            hint="use sqlite:///path/to/file.db, postgresql://user@host/dbname or a file path",
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreUnavailable(
            f"unsupported database {backend!r} in {shown}",
            hint="caseledger stores its records in SQLite or PostgreSQL",
        )
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).parent
            if not folder.is_dir():
                raise StoreUnavailable(
                    f"the folder for the SQLite store {shown} does not exist",
                    hint=f"create it first: mkdir -p {folder}",
                )
        else:
            # One in-memory database shared by every use of this engine.
            kwargs.update(poolclass=StaticPool)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT, "check_same_thread": False}
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as error:
        raise StoreUnavailable(f"cannot use {shown}: {type(error).__name__}") from None
    if backend == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, and real transactions: Python's sqlite3 module would otherwise delay BEGIN
    until the first write, so the reads an import compares against could go stale.

    The file is kept in write-ahead-log mode with full synchronization: a commit is still on disk
    when it returns, but costs one sync of the log instead of several of a rollback journal (every
    read of a client's record commits its access-log entry), and readers do not wait for a
    writer."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A writer takes the write lock up front so two imports queue instead of failing halfway.
        mode = connection.get_execution_options().get("caseledger_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode else "BEGIN")


def check_reachable(engine: Engine) -> None:
    """Connects once; raises ``StoreUnavailable`` naming the store and the reason."""
    try:
        with engine.connect():
            pass
    except exc.DBAPIError as error:
        raise StoreUnavailable(
            f"cannot connect to {engine.url.render_as_string(hide_password=True)}: "
            f"{_reason(error, engine)}",
            hint="check that the server is running and the URL (host, port, user, database)",
        ) from None


def _reason(error: exc.DBAPIError, engine: Engine) -> str:
    """The driver's reason, shortened: psycopg says 'connection failed: connection to server at
    ... failed: Connection refused', and the part after the last 'failed:' is what matters."""
    lines = [line.strip() for line in str(error.orig).splitlines() if line.strip()]
    reason = lines[0] if lines else type(error.orig).__name__
    reason = reason.rsplit("failed: ", 1)[-1]
    reason = " ".join(reason.removeprefix("FATAL:").split())
    password = engine.url.password
    if password:
        reason = reason.replace(str(password), "***")
    return reason

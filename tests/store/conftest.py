"""Store tests run against both backends: a SQLite file and a real PostgreSQL server.

The server comes from ``CASELEDGER_TEST_PG_URL`` (a superuser URL, as scripts/with-postgres.sh
exports). Each test gets a fresh database with a name unique across xdist workers, dropped
afterwards. Without the variable the PostgreSQL cases skip, unless ``CASELEDGER_REQUIRE_PG=1``.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from caseledger.store import FixedClock, Store, migrate
from caseledger.store.tables import metadata

FIXTURE = Path(__file__).parent / "fixtures" / "agency"
BACKENDS = ("sqlite", "postgresql")
#: The clock every store under test reads: entries are reproducible, one second apart.
START = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def pg_admin_url() -> str | None:
    url = os.environ.get("CASELEDGER_TEST_PG_URL")
    if url:
        return url
    if os.environ.get("CASELEDGER_REQUIRE_PG") == "1":
        pytest.fail("CASELEDGER_REQUIRE_PG=1 but CASELEDGER_TEST_PG_URL is not set")
    return None


_admin: sa.Engine | None = None


def _admin_engine(url: str) -> sa.Engine:
    global _admin
    if _admin is None:
        _admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    return _admin


@pytest.fixture(scope="session")
def worker_tag(request: pytest.FixtureRequest) -> str:
    """The xdist worker ("gw0"...) or "main", so database names never collide across workers."""
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture
def new_database(worker_tag: str) -> Iterator[Any]:
    """A factory of empty databases: ``new_database(backend, folder)`` gives a URL."""
    created: list[str] = []

    def make(backend: str, folder: Path) -> str:
        if backend == "sqlite":
            return f"sqlite:///{folder / f'store-{uuid.uuid4().hex[:8]}.db'}"
        admin_url = pg_admin_url()
        if admin_url is None:
            pytest.skip(
                "PostgreSQL tests need CASELEDGER_TEST_PG_URL (run scripts/with-postgres.sh)"
            )
        name = f"cl_{worker_tag}_{uuid.uuid4().hex[:12]}"
        with _admin_engine(admin_url).connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        created.append(name)
        return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    yield make
    admin_url = os.environ.get("CASELEDGER_TEST_PG_URL")
    if admin_url and created:
        with _admin_engine(admin_url).connect() as conn:
            for name in created:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_url(backend: str, new_database: Any, tmp_path: Path) -> str:
    """A database with nothing in it (for SQLite: a file that does not exist yet)."""
    return str(new_database(backend, tmp_path))


@pytest.fixture
def db_url(empty_url: str) -> str:
    """A database at the newest schema."""
    engine = Store(empty_url).engine
    migrate.upgrade(engine)
    engine.dispose()
    return empty_url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store.open(db_url, clock=FixedClock(START, dt.timedelta(seconds=1))) as opened:
        yield opened


def table_contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the access log included), in primary-key order: two equal
    results mean the store did not change at all."""
    contents: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            query = sa.select(table).order_by(*table.primary_key.columns)
            contents[table.name] = [tuple(row) for row in conn.execute(query)]
    return contents


def clear(store: Store) -> None:
    """Deletes every row of the records, children first, keeping the schema (for property tests
    that reuse one database across examples). The access log is append-only and the store keeps
    its id, so both stay."""
    with store.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name not in ("access_log", "store_meta"):
                conn.execute(table.delete())

"""Alembic environment for the store. Run through ``caseledger.store.migrate`` (or
``caseledger db upgrade``), which hands over an open connection; no alembic.ini is needed."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from caseledger.store.tables import metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Plain ``alembic`` use by a developer: -x url=... or sqlalchemy.url in an ini file.
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database with: alembic -x url=sqlite:///file.db ...")
    from caseledger.store.engine import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


_main()

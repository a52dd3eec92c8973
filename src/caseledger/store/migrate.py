"""Schema migrations, run from code: the package carries its Alembic scripts, so users need no
alembic.ini and no working directory of their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def config(connection: sa.Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged scripts, bound to ``connection``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision this version of caseledger knows."""
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None, "the store has no migrations"
    return revision


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(config()).walk_revisions()}


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # None: no caseledger schema yet
    head: str
    has_tables: bool  # any table besides Alembic's own, ours or not

    @property
    def at_head(self) -> bool:
        return self.current == self.head

    @property
    def is_empty(self) -> bool:
        return self.current is None and not self.has_tables

    @property
    def is_newer(self) -> bool:
        """Written by a newer caseledger than this one."""
        return self.current is not None and self.current not in known_revisions()


def state(engine: sa.Engine) -> SchemaState:
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        names = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
    return SchemaState(current=current, head=head(), has_tables=bool(names))


def upgrade(engine: sa.Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Applies the migrations up to ``revision`` in one transaction; returns (before, after)."""
    with engine.begin() as conn:
        before = MigrationContext.configure(conn).get_current_revision()
        command.upgrade(config(conn), revision)
        after = MigrationContext.configure(conn).get_current_revision()
    return before, after

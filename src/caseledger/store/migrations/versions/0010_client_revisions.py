"""client revisions: a count of changes to each client's encounters, kept by triggers

Revision ID: 0010_client_revisions
Revises: 0009_agency_phone
Create Date: 2026-11-24 08:00:00

The triggers see every write to the encounters table, whichever code or tool makes it, so a
reader holding a client's history can tell whether it is still the stored one. (A later migration
that rebuilds the encounters table on SQLite, as ``batch_alter_table`` does, must create them
again.)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_client_revisions"
down_revision: str | Sequence[str] | None = "0009_agency_phone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = (
    "INSERT INTO client_revisions (client_id, revision) {rows} "
    "ON CONFLICT (client_id) DO UPDATE SET revision = client_revisions.revision + 1"
)

# SQLite: a trigger per row, bumping the count of the row's client before and after the change.
# The WHERE keeps SQLite from reading ON CONFLICT as part of a join.
_SQLITE = {
    "insert": ("AFTER INSERT", ["NEW"]),
    "update": ("AFTER UPDATE", ["OLD", "NEW"]),
    "delete": ("AFTER DELETE", ["OLD"]),
}


def _sqlite_bump(ref: str) -> str:
    return _BUMP.format(rows=f"SELECT {ref}.client_id, 1 WHERE {ref}.client_id IS NOT NULL")


def _pg_bump(rows: str) -> str:
    return _BUMP.format(
        rows=f"SELECT DISTINCT client_id, 1 FROM {rows} WHERE client_id IS NOT NULL"
    )


# PostgreSQL: a trigger per statement, over the rows it changed (an import writes thousands).
_PG_FUNCTION = f"""
CREATE FUNCTION caseledger_client_revisions() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_pg_bump("old_rows")};
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        {_pg_bump("new_rows")};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
_PG = {
    "insert": "AFTER INSERT ON encounters REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON encounters REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON encounters REFERENCING OLD TABLE AS old_rows",
}


def _postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    op.create_table(
        "client_revisions",
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_revisions")),
        comment="How many times each client's encounters have changed (kept by triggers).",
    )
    if _postgres():
        op.execute(_PG_FUNCTION)
        for event, when in _PG.items():
            op.execute(
                f"CREATE TRIGGER encounters_revise_{event} {when} "
                "FOR EACH STATEMENT EXECUTE FUNCTION caseledger_client_revisions()"
            )
        return
    for event, (when, refs) in _SQLITE.items():
        body = " ".join(_sqlite_bump(ref) + ";" for ref in refs)
        op.execute(
            f"CREATE TRIGGER encounters_revise_{event} {when} ON encounters BEGIN {body} END"
        )


def downgrade() -> None:
    on = " ON encounters" if _postgres() else ""
    for event in _SQLITE:
        op.execute(f"DROP TRIGGER encounters_revise_{event}{on}")
    if _postgres():
        op.execute("DROP FUNCTION caseledger_client_revisions()")
    op.drop_table("client_revisions")

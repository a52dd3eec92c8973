"""access log chain: a keyed hash on every entry, the store's id, and an append-only log table

Revision ID: 0003_access_chain
Revises: 0002_suppressions
Create Date: 2026-11-23 22:00:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_access_chain"
down_revision: str | Sequence[str] | None = "0002_suppressions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = """
CREATE FUNCTION caseledger_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    from caseledger.store.access_chain import seal
    from caseledger.store.secrets import StoreSecrets, secrets_dir

    op.create_table(
        "store_meta",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_store_meta")),
        comment="Facts about the store itself, such as its id (which names its secrets).",
    )
    store_id = uuid.uuid4().hex
    meta = sa.table("store_meta", sa.column("name"), sa.column("value"))
    op.bulk_insert(meta, [{"name": "store_id", "value": store_id}])
    with op.batch_alter_table("access_log") as batch:
        batch.add_column(sa.Column("mac", sa.String(64), nullable=True))

    # Entries written before the chain are chained now, in id order.
    bind = op.get_bind()
    log = sa.Table("access_log", sa.MetaData(), autoload_with=bind)
    rows = [r._asdict() for r in bind.execute(sa.select(log).order_by(log.c.id))]
    if rows:
        secrets = StoreSecrets(store_id, secrets_dir())
        key = secrets.key(create=True)
        seal(key, None, rows)  # renumbers 1..n, as the chain requires
        bind.execute(log.delete())
        bind.execute(log.insert(), rows)

    if bind.dialect.name == "postgresql":
        op.execute(_APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log "
            "FOR EACH ROW EXECUTE FUNCTION caseledger_access_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION caseledger_access_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER access_log_no_truncate ON access_log")
        op.execute("DROP TRIGGER access_log_append_only ON access_log")
        op.execute("DROP FUNCTION caseledger_access_log_append_only()")
    with op.batch_alter_table("access_log") as batch:
        batch.drop_column("mac")
    op.drop_table("store_meta")

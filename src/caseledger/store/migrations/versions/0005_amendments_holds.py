"""note amendments and legal holds

Revision ID: 0005_amendments_holds
Revises: 0004_accounts
Create Date: 2026-11-23 22:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_amendments_holds"
down_revision: str | Sequence[str] | None = "0004_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
        nullable=False,
    )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "note_amendments",
        _id(),
        sa.Column("encounter_id", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_amendments")),
        comment="Corrections to signed notes, appended; the signed note itself never changes.",
    )
    op.create_index(
        "ix_note_amendments_encounter_id", "note_amendments", ["encounter_id"], unique=False
    )
    op.create_table(
        "legal_holds",
        _id(),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("released_at", sa.DateTime(), nullable=True, comment="UTC"),
        sa.Column("released_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
        comment="Clients whose records may not be purged, whatever their age (litigation, audits).",
    )
    op.create_index("ix_legal_holds_client_id", "legal_holds", ["client_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_legal_holds_client_id", table_name="legal_holds")
    op.drop_table("legal_holds")
    op.drop_index("ix_note_amendments_encounter_id", table_name="note_amendments")
    op.drop_table("note_amendments")

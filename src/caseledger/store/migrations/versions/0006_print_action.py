"""access log: 'print' joins the actions

Revision ID: 0006_print_action
Revises: 0005_amendments_holds
Create Date: 2026-11-23 22:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_print_action"
down_revision: str | Sequence[str] | None = "0005_amendments_holds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("create", "read", "update", "delete", "export", "import", "query")
AFTER = ("create", "read", "update", "delete", "print", "export", "import", "query")


def _swap(actions: tuple[str, ...]) -> None:
    condition = "action IN (" + ", ".join(f"'{a}'" for a in actions) + ")"
    # On SQLite the table is rebuilt with the new check; the rows, their ids and hashes are kept.
    with op.batch_alter_table("access_log") as batch:
        batch.drop_constraint(op.f("ck_access_log_action_choice"), type_="check")
        batch.create_check_constraint("action_choice", condition)


def upgrade() -> None:
    _swap(AFTER)


def downgrade() -> None:
    _swap(BEFORE)

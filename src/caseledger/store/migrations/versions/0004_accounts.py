"""accounts: users, their recovery codes and sessions

Revision ID: 0004_accounts
Revises: 0003_access_chain
Create Date: 2026-11-23 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_accounts"
down_revision: str | Sequence[str] | None = "0003_access_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = (
    "direct_care",
    "clinician",
    "supervisor",
    "billing",
    "compliance",
    "administrator",
    "emergency",
)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("agency_id", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("totp_secret", sa.String(), nullable=False),
        sa.Column("mfa_enrolled_at", sa.DateTime(), nullable=True, comment="UTC"),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True, comment="UTC"),
        sa.Column("created_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("disabled_at", sa.DateTime(), nullable=True, comment="UTC"),
        sa.Column("emergency_until", sa.DateTime(), nullable=True, comment="UTC"),
        sa.Column("demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")",
            name=op.f("ck_users_role_choice"),
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        comment="People who use caseledger: one account each, in one agency, with one role.",
    )
    op.create_table(
        "recovery_codes",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True, comment="UTC"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_recovery_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "code_hash", name=op.f("pk_recovery_codes")),
        comment="One-time codes that stand in for a lost authenticator.",
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("expires_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("mfa_passed", sa.Boolean(), nullable=False),
        sa.Column("reauthenticated_at", sa.DateTime(), nullable=True, comment="UTC"),
        sa.Column("revoked_at", sa.DateTime(), nullable=True, comment="UTC"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_sessions")),
        comment="Signed-in sessions, kept on the server so they can be ended at once.",
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("recovery_codes")
    op.drop_table("users")

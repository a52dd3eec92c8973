"""claims sent and remittances received

Revision ID: 0008_claims
Revises: 0007_user_staff
Create Date: 2026-11-24 00:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_claims"
down_revision: str | Sequence[str] | None = "0007_user_staff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id_type() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", _id_type(), autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "claim_files",
        _id(),
        sa.Column("control_number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False, comment="837P or invoice"),
        sa.Column("profile", sa.String(), nullable=False, comment="payer profile id"),
        sa.Column("created_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(14, 2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_files")),
        sa.UniqueConstraint("control_number", name=op.f("uq_claim_files_control_number")),
        comment="Claim files and invoices written: one row per interchange, never reused.",
    )
    op.create_table(
        "claims",
        sa.Column(
            "claim_id", sa.String(), nullable=False, comment="CLM01, the patient control number"
        ),
        sa.Column("file_id", _id_type(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column(
            "frequency", sa.String(1), nullable=False, comment="1 original, 7 replacement, 8 void"
        ),
        sa.Column("replaces", sa.String(), nullable=True, comment="the claim it replaces or voids"),
        sa.Column("total", sa.Numeric(14, 2), nullable=False),
        sa.Column("payer_claim_number", sa.String(), nullable=True, comment="CLP07, from the 835"),
        sa.ForeignKeyConstraint(
            ["file_id"], ["claim_files.id"], name=op.f("fk_claims_file_id_claim_files")
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claims")),
        comment="Claims sent, one per 2300 loop.",
    )
    op.create_index("ix_claims_client_id", "claims", ["client_id"], unique=False)
    op.create_index("ix_claims_file_id", "claims", ["file_id"], unique=False)
    op.create_table(
        "claim_lines",
        sa.Column("claim_id", sa.String(), nullable=False),
        sa.Column("line_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("encounter_id", sa.String(), nullable=False),
        sa.Column("service_code", sa.String(), nullable=False),
        sa.Column("modifiers", sa.String(), nullable=True, comment="';'-separated"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("units", sa.Numeric(10, 2), nullable=False),
        sa.Column("charge", sa.Numeric(14, 2), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name=op.f("fk_claim_lines_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("claim_id", "line_number", name=op.f("pk_claim_lines")),
        comment="The service lines of each claim (2400 loops), one per encounter billed.",
    )
    op.create_index("ix_claim_lines_encounter_id", "claim_lines", ["encounter_id"], unique=False)
    op.create_table(
        "remittances",
        _id(),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("set_index", sa.Integer(), nullable=False),
        sa.Column(
            "trace_number", sa.String(), nullable=False, comment="TRN02, check or EFT number"
        ),
        sa.Column("payer", sa.String(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False, comment="BPR02"),
        sa.Column("loaded_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("loaded_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittances")),
        sa.UniqueConstraint("sha256", "set_index", name=op.f("uq_remittances_sha256_set_index")),
        comment="835 remittance advices loaded, one row per transaction set.",
    )
    op.create_table(
        "remittance_lines",
        _id(),
        sa.Column("remittance_id", _id_type(), nullable=False),
        sa.Column("claim_id", sa.String(), nullable=False, comment="CLP01"),
        sa.Column("claim_status", sa.String(), nullable=False, comment="CLP02"),
        sa.Column("payer_claim_number", sa.String(), nullable=True, comment="CLP07"),
        sa.Column("line_number", sa.Integer(), nullable=True, comment="null: the claim as a whole"),
        sa.Column("encounter_id", sa.String(), nullable=True),
        sa.Column("procedure", sa.String(), nullable=True),
        sa.Column("charge", sa.Numeric(14, 2), nullable=False),
        sa.Column("paid", sa.Numeric(14, 2), nullable=False),
        sa.Column("patient_responsibility", sa.Numeric(14, 2), nullable=False),
        sa.Column(
            "adjustments", sa.JSON(), nullable=False, comment="[{group, reason, amount, quantity}]"
        ),
        sa.Column("remarks", sa.JSON(), nullable=False, comment="LQ remark codes"),
        sa.ForeignKeyConstraint(
            ["remittance_id"],
            ["remittances.id"],
            name=op.f("fk_remittance_lines_remittance_id_remittances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittance_lines")),
        comment="What the payer did with each claim and line: paid, adjusted, denied.",
    )
    op.create_index(
        "ix_remittance_lines_claim", "remittance_lines", ["claim_id", "line_number"], unique=False
    )
    op.create_index(
        "ix_remittance_lines_encounter_id", "remittance_lines", ["encounter_id"], unique=False
    )
    op.create_index(
        "ix_remittance_lines_remittance_id", "remittance_lines", ["remittance_id"], unique=False
    )


def downgrade() -> None:
    for name in ("remittance_lines", "remittances", "claim_lines", "claims", "claim_files"):
        op.drop_table(name)

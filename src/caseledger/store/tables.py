"""The store's tables, built from the dataset contract (``facts/schema.py``).

Nothing here is copied by hand: a column added to the contract appears in ``metadata`` at once,
and the test comparing models with migrations then asks for the migration that adds it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from caseledger.facts import schema
from caseledger.facts.schema import Kind
from caseledger.store.types import ExactDecimal, IsoDate, IsoTime, StringList

#: Surrogate primary key of child tables, whose natural key may hold empty cells.
ROW_ID = "row_id"
#: Columns beyond the contract, kept as a JSON object so they survive import and export.
EXTRA = "extra"

ACCESS_ACTIONS = ("create", "read", "update", "delete", "print", "export", "import", "query")

# Explicit constraint names keep migrations stable and let later migrations alter them by name.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

#: Lookups and period queries the audit makes, beyond the index every reference gets.
_EXTRA_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "encounters": (("client_id", "date"), ("staff_id", "date"), ("date",)),
    "group_sessions": (("date",),),
    "missed_appointments": (("client_id", "scheduled_at"),),
}


def _sql_type(column: schema.Column) -> sa.types.TypeEngine[Any]:
    kind = column.kind
    if kind in (Kind.ID, Kind.STR, Kind.ENUM):
        return sa.String()
    if kind is Kind.TEXT:
        return sa.Text()
    if kind in (Kind.DATE, Kind.MONTH):  # a month is stored as its first day
        return IsoDate()
    if kind is Kind.TIME:
        return IsoTime()
    if kind is Kind.DATETIME:  # naive: local agency time, as written in the dataset
        return sa.DateTime()
    if kind is Kind.BOOL:
        return sa.Boolean()
    if kind is Kind.INT:  # the contract sets no bound; 64 bits on both backends
        return sa.BigInteger()
    if kind is Kind.DECIMAL:
        return ExactDecimal()
    if kind is Kind.LIST:
        return StringList()
    raise AssertionError(f"unhandled column kind {kind}")  # pragma: no cover


def is_keyed_by_id(contract: schema.Table) -> bool:
    """Tables with one ``*_id`` key column use it as the primary key; the others are children."""
    return contract.parent is None and len(contract.key) == 1


def _build(contract: schema.Table) -> sa.Table:
    for reserved in (ROW_ID, EXTRA):
        if contract.has_column(reserved):
            raise AssertionError(f"{contract.name}.{reserved} is reserved by the store")
    by_id = is_keyed_by_id(contract)
    items: list[sa.schema.SchemaItem] = []
    if not by_id:
        items.append(sa.Column(ROW_ID, sa.Integer(), primary_key=True, autoincrement=True))
    leading: set[str] = set()
    for col in contract.columns:
        args: list[sa.schema.SchemaItem] = []
        if col.ref and col.kind is not Kind.LIST:
            ref_table, ref_col = col.ref
            # Deferred to commit: rows of one import may refer to each other in any order
            # (a supervisor listed after the staff member), and the reader has already checked
            # every reference, so the database is the last line of defence, not the first.
            args.append(
                sa.ForeignKey(f"{ref_table}.{ref_col}", deferrable=True, initially="DEFERRED")
            )
        primary = by_id and col.name == contract.key[0]
        items.append(
            sa.Column(
                col.name,
                _sql_type(col),
                *args,
                primary_key=primary,
                nullable=not (col.required or primary),
                autoincrement=False,
            )
        )
        if col.kind is Kind.ENUM and (contract.name, col.name) not in schema.OPEN_ENUMS:
            quoted = ", ".join("'" + c.replace("'", "''") + "'" for c in col.choices)
            items.append(sa.CheckConstraint(f"{col.name} IN ({quoted})", name=f"{col.name}_choice"))
    items.append(sa.Column(EXTRA, sa.JSON(none_as_null=True), nullable=True))
    if by_id:
        leading.add(contract.key[0])
    else:
        items.append(sa.Index(f"ix_{contract.name}_natural_key", *contract.key))
        leading.add(contract.key[0])
    for columns in _EXTRA_INDEXES.get(contract.name, ()):
        items.append(sa.Index(f"ix_{contract.name}_{'_'.join(columns)}", *columns))
        leading.add(columns[0])
    for col in contract.columns:
        if col.ref and col.kind is not Kind.LIST and col.name not in leading:
            items.append(sa.Index(f"ix_{contract.name}_{col.name}", col.name))
            leading.add(col.name)
    return sa.Table(contract.name, metadata, *items, comment=contract.description or None)


TABLES: dict[str, sa.Table] = {t.name: _build(t) for t in schema.load_order()}

#: the type of an auto-numbered id: 64-bit on PostgreSQL; SQLite auto-increments only a column
#: declared INTEGER
SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _serial() -> sa.Column[int]:
    """An auto-numbered ``id`` primary key."""
    return sa.Column("id", SERIAL, primary_key=True, autoincrement=True)


access_log = sa.Table(
    "access_log",
    metadata,
    _serial(),
    sa.Column("at", sa.DateTime(), nullable=False, comment="UTC"),
    sa.Column("actor", sa.String(), nullable=False),
    sa.Column("action", sa.String(), nullable=False),
    # No foreign key: the log must outlive the records it speaks of.
    sa.Column("client_id", sa.String(), nullable=True),
    sa.Column("record_type", sa.String(), nullable=True),
    sa.Column("record_id", sa.String(), nullable=True),
    sa.Column("detail", sa.Text(), nullable=True),
    # HMAC-SHA-256 of the entry and of the previous entry's mac (see store.access_chain).
    sa.Column("mac", sa.String(64), nullable=True),
    sa.CheckConstraint(
        "action IN (" + ", ".join(f"'{a}'" for a in ACCESS_ACTIONS) + ")", name="action_choice"
    ),
    sa.Index("ix_access_log_client_id_at", "client_id", "at"),
    sa.Index("ix_access_log_at", "at"),
    comment="Who read or changed protected health information, when, and which records.",
)


store_meta = sa.Table(
    "store_meta",
    metadata,
    sa.Column("name", sa.String(), primary_key=True),
    sa.Column("value", sa.String(), nullable=False),
    comment="Facts about the store itself, such as its id (which names its secrets).",
)
#: the ``store_meta`` entry holding the store's id
STORE_ID = "store_id"

client_revisions = sa.Table(
    "client_revisions",
    metadata,
    sa.Column("client_id", sa.String(), primary_key=True),
    sa.Column("revision", sa.BigInteger(), nullable=False),
    comment="How many times each client's encounters have changed (kept by triggers).",
)


def table(name: str) -> sa.Table:
    """The store table holding the dataset file ``name``."""
    return TABLES[name]


suppressions = sa.Table(
    "suppressions",
    metadata,
    _serial(),
    sa.Column("rule", sa.String(), nullable=False),
    sa.Column("subject_type", sa.String(), nullable=False),
    sa.Column("subject_id", sa.String(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("actor", sa.String(), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False, comment="UTC"),
    # A suppression is lifted, never deleted, so the record of who silenced what stays.
    sa.Column("lifted_at", sa.DateTime(), nullable=True, comment="UTC"),
    sa.Column("lifted_by", sa.String(), nullable=True),
    sa.Index("ix_suppressions_subject", "rule", "subject_type", "subject_id"),
    comment="Findings a person chose to accept, with the reason; shown and counted in reports.",
)

#: the roles an account may hold (see caseledger.security.permissions)
ROLES = (
    "direct_care",
    "clinician",
    "supervisor",
    "billing",
    "compliance",
    "administrator",
    "emergency",
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("user_id", sa.String(), primary_key=True),
    # Stored lower-case: names are unique whatever their case.
    sa.Column("username", sa.String(), nullable=False),
    sa.Column("display_name", sa.String(), nullable=False),
    sa.Column("agency_id", sa.String(), nullable=False),
    sa.Column("role", sa.String(), nullable=False),
    # The staff member this person is, when they provide services: who signs their notes.
    sa.Column("staff_id", sa.String(), nullable=True),
    # Argon2id, in the PHC string format (algorithm, parameters, salt and hash).
    sa.Column("password_hash", sa.String(), nullable=False),
    sa.Column("totp_secret", sa.String(), nullable=False),
    sa.Column("mfa_enrolled_at", sa.DateTime(), nullable=True, comment="UTC"),
    # The TOTP time step last accepted: a code is good once.
    sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
    sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime(), nullable=True, comment="UTC"),
    sa.Column("created_at", sa.DateTime(), nullable=False, comment="UTC"),
    sa.Column("created_by", sa.String(), nullable=False),
    sa.Column("password_changed_at", sa.DateTime(), nullable=False, comment="UTC"),
    sa.Column("disabled_at", sa.DateTime(), nullable=True, comment="UTC"),
    # Emergency access accounts are off until someone turns them on, for a time.
    sa.Column("emergency_until", sa.DateTime(), nullable=True, comment="UTC"),
    sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="role_choice"),
    sa.UniqueConstraint("username"),
    comment="People who use caseledger: one account each, in one agency, with one role.",
)

recovery_codes = sa.Table(
    "recovery_codes",
    metadata,
    sa.Column("user_id", sa.String(), sa.ForeignKey("users.user_id"), primary_key=True),
    # SHA-256 of the code: codes are long random strings, so a fast hash is enough.
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("used_at", sa.DateTime(), nullable=True, comment="UTC"),
    comment="One-time codes that stand in for a lost authenticator.",
)

sessions = sa.Table(
    "sessions",
    metadata,
    # SHA-256 of the session token: a copy of the table does not let anyone in.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(), sa.ForeignKey("users.user_id"), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False, comment="UTC"),
    sa.Column("last_seen_at", sa.DateTime(), nullable=False, comment="UTC"),
    sa.Column("expires_at", sa.DateTime(), nullable=False, comment="UTC"),
    # Password and second factor both passed (a session may wait for enrollment first).
    sa.Column("mfa_passed", sa.Boolean(), nullable=False),
    sa.Column("reauthenticated_at", sa.DateTime(), nullable=True, comment="UTC"),
    sa.Column("revoked_at", sa.DateTime(), nullable=True, comment="UTC"),
    sa.Index("ix_sessions_user_id", "user_id"),
    comment="Signed-in sessions, kept on the server so they can be ended at once.",
)

note_amendments = sa.Table(
    "note_amendments",
    metadata,
    _serial(),
    # No foreign key: a purge removes an encounter and its amendments together, in that order.
    sa.Column("encounter_id", sa.String(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("author", sa.String(), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False, comment="UTC"),
    sa.Index("ix_note_amendments_encounter_id", "encounter_id"),
    comment="Corrections to signed notes, appended; the signed note itself never changes.",
)

legal_holds = sa.Table(
    "legal_holds",
    metadata,
    _serial(),
    sa.Column("client_id", sa.String(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("placed_by", sa.String(), nullable=False),
    sa.Column("placed_at", sa.DateTime(), nullable=False, comment="UTC"),
    # A hold is released, never deleted, so the record of it stays.
    sa.Column("released_at", sa.DateTime(), nullable=True, comment="UTC"),
    sa.Column("released_by", sa.String(), nullable=True),
    sa.Index("ix_legal_holds_client_id", "client_id"),
    comment="Clients whose records may not be purged, whatever their age (litigation, audits).",
)


claim_files = sa.Table(
    "claim_files",
    metadata,
    _serial(),
    # ISA13/GS06/ST02: unique, so an interchange control number is never used twice.
    sa.Column("control_number", sa.Integer(), nullable=False, unique=True),
    sa.Column("kind", sa.String(), nullable=False, comment="837P or invoice"),
    sa.Column("profile", sa.String(), nullable=False, comment="payer profile id"),
    sa.Column("created_at", sa.DateTime(), nullable=False, comment="UTC"),
    sa.Column("created_by", sa.String(), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("claims", sa.Integer(), nullable=False),
    sa.Column("lines", sa.Integer(), nullable=False),
    sa.Column("total", sa.Numeric(14, 2), nullable=False),
    comment="Claim files and invoices written: one row per interchange, never reused.",
)

claims = sa.Table(
    "claims",
    metadata,
    sa.Column(
        "claim_id", sa.String(), primary_key=True, comment="CLM01, the patient control number"
    ),
    sa.Column(
        "file_id",
        SERIAL,
        sa.ForeignKey("claim_files.id"),
        nullable=False,
    ),
    sa.Column("client_id", sa.String(), nullable=False),
    sa.Column(
        "frequency", sa.String(1), nullable=False, comment="1 original, 7 replacement, 8 void"
    ),
    sa.Column("replaces", sa.String(), nullable=True, comment="the claim it replaces or voids"),
    sa.Column("total", sa.Numeric(14, 2), nullable=False),
    sa.Column("payer_claim_number", sa.String(), nullable=True, comment="CLP07, from the 835"),
    sa.Index("ix_claims_client_id", "client_id"),
    sa.Index("ix_claims_file_id", "file_id"),
    comment="Claims sent, one per 2300 loop.",
)

claim_lines = sa.Table(
    "claim_lines",
    metadata,
    sa.Column("claim_id", sa.String(), sa.ForeignKey("claims.claim_id"), primary_key=True),
    sa.Column("line_number", sa.Integer(), primary_key=True, autoincrement=False),
    # No foreign key to encounters: a claim stays on record after its encounter is purged.
    sa.Column("encounter_id", sa.String(), nullable=False),
    sa.Column("service_code", sa.String(), nullable=False),
    sa.Column("modifiers", sa.String(), nullable=True, comment="';'-separated"),
    sa.Column("date", sa.Date(), nullable=False),
    sa.Column("units", sa.Numeric(10, 2), nullable=False),
    sa.Column("charge", sa.Numeric(14, 2), nullable=False),
    sa.Index("ix_claim_lines_encounter_id", "encounter_id"),
    comment="The service lines of each claim (2400 loops), one per encounter billed.",
)

remittances = sa.Table(
    "remittances",
    metadata,
    _serial(),
    # The same file loads once: its hash, and which of its transaction sets this is.
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("set_index", sa.Integer(), nullable=False),
    sa.Column("trace_number", sa.String(), nullable=False, comment="TRN02, check or EFT number"),
    sa.Column("payer", sa.String(), nullable=False),
    sa.Column("paid_on", sa.Date(), nullable=True),
    sa.Column("amount", sa.Numeric(14, 2), nullable=False, comment="BPR02"),
    sa.Column("loaded_at", sa.DateTime(), nullable=False, comment="UTC"),
    sa.Column("loaded_by", sa.String(), nullable=False),
    sa.UniqueConstraint("sha256", "set_index"),
    comment="835 remittance advices loaded, one row per transaction set.",
)

remittance_lines = sa.Table(
    "remittance_lines",
    metadata,
    _serial(),
    sa.Column(
        "remittance_id",
        SERIAL,
        sa.ForeignKey("remittances.id"),
        nullable=False,
    ),
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
    sa.Index("ix_remittance_lines_claim", "claim_id", "line_number"),
    sa.Index("ix_remittance_lines_encounter_id", "encounter_id"),
    sa.Index("ix_remittance_lines_remittance_id", "remittance_id"),
    comment="What the payer did with each claim and line: paid, adjusted, denied.",
)

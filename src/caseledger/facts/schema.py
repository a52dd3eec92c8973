"""The dataset format: every file, column, type, key and reference (see docs/dataset.md).

This module is the single description of the interchange contract. The CSV reader and writer,
the store's tables and the demo generator are all built from it, so a column added here appears
everywhere at once. Columns may be added; existing names must never be renamed or change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """How a cell is written and what it holds."""

    ID = "id"  # opaque string identifier
    STR = "str"  # short free text
    TEXT = "text"  # long free text (notes); may hold commas, quotes and newlines
    DATE = "date"  # YYYY-MM-DD
    TIME = "time"  # HH:MM, 24 h
    DATETIME = "datetime"  # YYYY-MM-DDTHH:MM
    MONTH = "month"  # YYYY-MM
    BOOL = "bool"  # true/false (yes/no/1/0 accepted on input)
    INT = "int"
    DECIMAL = "decimal"  # money and hours: exact decimal
    LIST = "list"  # ';'-separated strings
    ENUM = "enum"  # one of Column.choices


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    #: (table, column) this column refers to; for LIST columns, every element must refer.
    ref: tuple[str, str] | None = None
    #: protected health information: never logged, redacted on demand, access-logged.
    phi: bool = False
    #: value assumed when the cell is empty (the dataset contract's stated defaults).
    default: object | None = None


@dataclass(frozen=True)
class Table:
    name: str  # file stem: ``<name>.csv``
    columns: tuple[Column, ...]
    #: the columns that identify a row. Tables with an ``*_id`` primary column are keyed by it;
    #: the others by a natural key, whose empty cells compare equal to each other.
    key: tuple[str, ...]
    #: the parent a child table hangs from, as (column, table); used to scope re-imports.
    parent: tuple[str, str] | None = None
    required_file: bool = False
    description: str = ""
    _by_name: dict[str, Column] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def has_column(self, name: str) -> bool:
        return name in self._by_name


# Enumerations named in the dataset contract.
CERTIFICATION_KINDS = ("dmh_cpr", "dmh_sud", "dhss_sst_agreement", "brain_injury_agency")
EDUCATION_LEVELS = ("none", "high_school", "ged", "associate", "bachelor", "master", "doctorate")
CREDENTIAL_KINDS = (
    "lpc", "plpc", "lcsw", "plcsw", "lmsw", "qhip", "mh_specialized_training", "csw",
)  # fmt: skip
CPR_TRAINING_TOPICS = (
    "cpr_orientation",
    "documentation_medicaid_compliance",
    "cbt",
    "recovery_treatment_plan",
    "illness_management_recovery",
    "dbt_intro",
    "iddt",
    "motivational_interviewing",
    "suicide_prevention",
    "ptsd",
    "medications_diagnostics",
    "older_adults",
)
SST_TRAINING_TOPICS = (
    "primary_skills_general_overview",
    "primary_skills_consumer_environment",
    "primary_skills_professional_role",
    "primary_skills_community_resources",
    "primary_skills_safety_welfare",
    "primary_skills_organizational_policies",
    "continuing_education",
)
TRAINING_TOPICS = CPR_TRAINING_TOPICS + SST_TRAINING_TOPICS
PROGRAMS = ("sst", "cpr", "sud", "aba")
FUNDING = ("mo_healthnet", "dmh_pos", "dhss")
AUTHORIZATION_KINDS = ("service", "transportation")
PLAN_KINDS = ("intervention", "treatment", "rehabilitation")
PLACES = ("facility", "community", "home", "telephone", "video", "text", "email")
BILLABLE_ACTIVITIES = (
    "plan_development",
    "plan_review",
    "re_engagement",
    "arranging_services",
    "coordination",
    "crisis",
    "life_skills_training",
    "education",
    "discharge_planning",
    "initial_discharge_planning",
    "didactic",
    "community_practice",
    "family_training",
)
NONBILLABLE_ACTIVITIES = (
    "record_review",
    "documentation",
    "utilization_review",
    "medication",
    "specimen_collection",
    "transport_program",
    "transport_appointment",
    "home_visit",
    "staff_meeting",
    "counseling",
    "assessment",
    "orientation",
    "transportation",
)
ACTIVITIES = BILLABLE_ACTIVITIES + NONBILLABLE_ACTIVITIES
#: Open lists: credential kinds not named here are kept, and ignored by rules that do not name them.
OPEN_ENUMS = frozenset({("staff_credentials", "kind")})

C = Column
K = Kind

TABLES: tuple[Table, ...] = (
    Table(
        "agency",
        (
            C("agency_id", K.ID, required=True),
            C("name", K.STR, required=True),
            C("npi", K.STR),
            C("tax_id", K.STR),
            C("address_line", K.STR),
            C("city", K.STR),
            C("state", K.STR),
            C("zip", K.STR),
            C("has_sst_curriculum", K.BOOL),
            # the number claims give as the submitter's contact (837P loop 1000A, PER)
            C("phone", K.STR),
        ),
        key=("agency_id",),
        description="The agency (provider organization).",
    ),
    Table(
        "agency_certifications",
        (
            C("agency_id", K.ID, required=True, ref=("agency", "agency_id")),
            C("kind", K.ENUM, required=True, choices=CERTIFICATION_KINDS),
            C("start_date", K.DATE),
            C("end_date", K.DATE),
        ),
        key=("agency_id", "kind", "start_date"),
        parent=("agency_id", "agency"),
        description="Program certifications and agreements the agency holds, with their dates.",
    ),
    Table(
        "staff",
        (
            C("staff_id", K.ID, required=True),
            C("agency_id", K.ID, required=True, ref=("agency", "agency_id")),
            C("first_name", K.STR),
            C("last_name", K.STR),
            C("npi", K.STR),
            C("hire_date", K.DATE),
            C("end_date", K.DATE),
            C("education", K.ENUM, choices=EDUCATION_LEVELS),
            C("degree_field", K.STR),
            C("supervisor_id", K.ID, ref=("staff", "staff_id")),
        ),
        key=("staff_id",),
        description="Everyone who renders, leads, supervises or signs.",
    ),
    Table(
        "staff_credentials",
        (
            C("staff_id", K.ID, required=True, ref=("staff", "staff_id")),
            C("kind", K.ENUM, required=True, choices=CREDENTIAL_KINDS),
            C("number", K.STR),
            C("state", K.STR),
            C("start_date", K.DATE),
            C("end_date", K.DATE),
        ),
        key=("staff_id", "kind", "start_date"),
        parent=("staff_id", "staff"),
        description="Licenses and qualifications, with their dates.",
    ),
    Table(
        "staff_trainings",
        (
            C("staff_id", K.ID, required=True, ref=("staff", "staff_id")),
            C("topic", K.ENUM, required=True, choices=TRAINING_TOPICS),
            C("hours", K.DECIMAL),
            C("completed_on", K.DATE),
            C("waived", K.BOOL, default=False),
            C("waiver_note", K.TEXT),
        ),
        key=("staff_id", "topic", "completed_on"),
        parent=("staff_id", "staff"),
        description="Trainings completed or waived.",
    ),
    Table(
        "clients",
        (
            C("client_id", K.ID, required=True),
            C("agency_id", K.ID, required=True, ref=("agency", "agency_id")),
            C("first_name", K.STR, phi=True),
            C("last_name", K.STR, phi=True),
            C("dob", K.DATE, phi=True),
            C("sex", K.STR, phi=True),
            C("medicaid_id", K.STR, phi=True),
            C("address_line", K.STR, phi=True),
            C("city", K.STR, phi=True),
            C("state", K.STR, phi=True),
            C("zip", K.STR, phi=True),
            C("phone", K.STR, phi=True),
            C("has_other_transportation", K.BOOL),
        ),
        key=("client_id",),
        description="The people served.",
    ),
    Table(
        "enrollments",
        (
            C("client_id", K.ID, required=True, ref=("clients", "client_id")),
            C("program", K.ENUM, required=True, choices=PROGRAMS),
            C("start_date", K.DATE, required=True),
            C("end_date", K.DATE),
            C("funding", K.ENUM, choices=FUNDING),
            C("referral_behaviors", K.TEXT, phi=True),
            C("referral_interest", K.BOOL),
            C("referral_ability", K.BOOL),
        ),
        key=("client_id", "program", "start_date"),
        parent=("client_id", "clients"),
        description="Program enrollments with funding and the SST referral indicators.",
    ),
    Table(
        "other_services",
        (
            C("client_id", K.ID, required=True, ref=("clients", "client_id")),
            C("service", K.STR, required=True),
            C("provided_through", K.STR),
            C("start_date", K.DATE),
            C("end_date", K.DATE),
        ),
        key=("client_id", "service", "start_date"),
        parent=("client_id", "clients"),
        description="Services the client receives elsewhere.",
    ),
    Table(
        "diagnoses",
        (
            C("client_id", K.ID, required=True, ref=("clients", "client_id")),
            C("icd10", K.STR, required=True, phi=True),
            C("rank", K.INT),
            C("start_date", K.DATE),
            C("end_date", K.DATE),
        ),
        key=("client_id", "icd10", "start_date"),
        parent=("client_id", "clients"),
        description="ICD-10-CM diagnoses; rank 1 is primary.",
    ),
    Table(
        "authorizations",
        (
            C("authorization_id", K.ID, required=True),
            C("client_id", K.ID, required=True, ref=("clients", "client_id")),
            C("kind", K.ENUM, required=True, choices=AUTHORIZATION_KINDS),
            C("service_code", K.STR),
            C("units", K.INT),
            C("start_date", K.DATE),
            C("end_date", K.DATE),
            C("number", K.STR),
        ),
        key=("authorization_id",),
        description="Prior authorizations for services and for transportation.",
    ),
    Table(
        "plans",
        (
            C("plan_id", K.ID, required=True),
            C("client_id", K.ID, required=True, ref=("clients", "client_id")),
            C("program", K.ENUM, required=True, choices=PROGRAMS),
            C("kind", K.ENUM, required=True, choices=PLAN_KINDS),
            C("start_date", K.DATE),
            C("end_date", K.DATE),
            C("signed_by", K.ID, ref=("staff", "staff_id")),
            C("signed_on", K.DATE),
            C("recommended_schedule", K.TEXT, phi=True),
            C("barriers", K.TEXT, phi=True),
            C("skills_taught", K.TEXT, phi=True),
            C("strategies", K.TEXT, phi=True),
            C("practice_environment", K.TEXT, phi=True),
            C("feedback_mechanism", K.TEXT, phi=True),
            C("frequency_duration", K.TEXT, phi=True),
            C("expected_achievement", K.TEXT, phi=True),
            C("employment_considered", K.BOOL),
        ),
        key=("plan_id",),
        description="Intervention, treatment and rehabilitation plans.",
    ),
    Table(
        "plan_goals",
        (
            C("plan_id", K.ID, required=True, ref=("plans", "plan_id")),
            C("goal_id", K.ID, required=True),
            C("text", K.TEXT, phi=True),
        ),
        key=("plan_id", "goal_id"),
        parent=("plan_id", "plans"),
        description="The goals of a plan.",
    ),
    Table(
        "group_sessions",
        (
            C("group_id", K.ID, required=True),
            C("service_code", K.STR),
            C("date", K.DATE),
            C("start_time", K.TIME),
            C("end_time", K.TIME),
            C("staff_ids", K.LIST, ref=("staff", "staff_id")),
            C("place", K.ENUM, choices=PLACES),
        ),
        key=("group_id",),
        description="Group sessions; each attendee has an encounter carrying the group_id.",
    ),
    Table(
        "encounters",
        (
            C("encounter_id", K.ID, required=True),
            C("client_id", K.ID, required=True, ref=("clients", "client_id")),
            C("staff_id", K.ID, ref=("staff", "staff_id")),
            C("service_code", K.STR, required=True),
            C("modifiers", K.LIST),
            C("date", K.DATE, required=True),
            C("start_time", K.TIME),
            C("end_time", K.TIME),
            C("units", K.DECIMAL),
            C("charge", K.DECIMAL),
            C("place", K.ENUM, choices=PLACES),
            C("group_id", K.ID, ref=("group_sessions", "group_id")),
            C("activity", K.ENUM, choices=ACTIVITIES),
            C("goal_ids", K.LIST),
            C("billable", K.BOOL, default=True),
            C("meeting_id", K.ID),
            C("unusual_circumstances", K.TEXT, phi=True),
            C("authorization_id", K.ID, ref=("authorizations", "authorization_id")),
            C("note_text", K.TEXT, phi=True),
            C("note_signed_by", K.ID, ref=("staff", "staff_id")),
            C("note_signed_on", K.DATE),
        ),
        key=("encounter_id",),
        required_file=True,
        description="Every service delivered, individual or group, with its note.",
    ),
    Table(
        "missed_appointments",
        (
            C("missed_id", K.ID, required=True),
            C("client_id", K.ID, required=True, ref=("clients", "client_id")),
            C("scheduled_at", K.DATETIME, required=True),
            C("service_code", K.STR),
            C("excused", K.BOOL, default=False),
        ),
        key=("missed_id",),
        description="Scheduled program activities the client did not attend.",
    ),
    Table(
        "contacts",
        (
            C("contact_id", K.ID, required=True),
            C("client_id", K.ID, required=True, ref=("clients", "client_id")),
            C("staff_id", K.ID, ref=("staff", "staff_id")),
            C("at", K.DATETIME),
            C("method", K.STR),
            C("missed_id", K.ID, ref=("missed_appointments", "missed_id")),
            C("note", K.TEXT, phi=True),
        ),
        key=("contact_id",),
        description="Efforts to reach a client, e.g. re-engagement after a missed appointment.",
    ),
    Table(
        "progress_reports",
        (
            C("report_id", K.ID, required=True),
            C("client_id", K.ID, required=True, ref=("clients", "client_id")),
            C("month", K.MONTH, required=True),
            C("sent_on", K.DATE),
            C("sent_to", K.STR),
            C("barriers", K.TEXT, phi=True),
            C("progress", K.TEXT, phi=True),
            C("family_education", K.TEXT, phi=True),
            C("family_response", K.TEXT, phi=True),
            C("effective_techniques", K.TEXT, phi=True),
            C("next_priorities", K.TEXT, phi=True),
            C("expected_duration", K.TEXT, phi=True),
            C("expected_outcome", K.TEXT, phi=True),
        ),
        key=("report_id",),
        description="SST monthly progress reports to the service coordinator.",
    ),
)

BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    """The table called ``name`` (its file is ``name.csv``)."""
    return BY_NAME[name]


def load_order() -> tuple[Table, ...]:
    """Tables ordered so that every referenced table comes before the tables referring to it
    (self-references, like a staff member's supervisor, are resolved within the table)."""
    done: list[Table] = []
    seen: set[str] = set()

    def visit(t: Table) -> None:
        if t.name in seen:
            return
        seen.add(t.name)
        for col in t.columns:
            if col.ref and col.ref[0] != t.name:
                visit(BY_NAME[col.ref[0]])
        done.append(t)

    for t in TABLES:
        visit(t)
    return tuple(done)

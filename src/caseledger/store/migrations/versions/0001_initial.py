"""initial store: dataset tables and access log

Written by autogenerate from caseledger.store.tables and reviewed: one table per dataset file
(child files with a surrogate row_id), an extra JSON column each, deferred foreign keys, CHECK
constraints for closed enumerations, and the indexes the audit queries use.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23 17:52:37.672658
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import caseledger.store.types

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=True),
        sa.Column("record_type", sa.String(), nullable=True),
        sa.Column("record_id", sa.String(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "action IN ('create', 'read', 'update', 'delete', 'export', 'import', 'query')",
            name=op.f("ck_access_log_action_choice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
        comment="Who read or changed protected health information, when, and which records.",
    )
    op.create_index("ix_access_log_at", "access_log", ["at"], unique=False)
    op.create_index("ix_access_log_client_id_at", "access_log", ["client_id", "at"], unique=False)

    op.create_table(
        "agency",
        sa.Column("agency_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(), autoincrement=False, nullable=False),
        sa.Column("npi", sa.String(), autoincrement=False, nullable=True),
        sa.Column("tax_id", sa.String(), autoincrement=False, nullable=True),
        sa.Column("address_line", sa.String(), autoincrement=False, nullable=True),
        sa.Column("city", sa.String(), autoincrement=False, nullable=True),
        sa.Column("state", sa.String(), autoincrement=False, nullable=True),
        sa.Column("zip", sa.String(), autoincrement=False, nullable=True),
        sa.Column("has_sst_curriculum", sa.Boolean(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_agency")),
        comment="The agency (provider organization).",
    )
    op.create_table(
        "group_sessions",
        sa.Column("group_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("service_code", sa.String(), autoincrement=False, nullable=True),
        sa.Column("date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("start_time", sa.Time(), autoincrement=False, nullable=True),
        sa.Column("end_time", sa.Time(), autoincrement=False, nullable=True),
        sa.Column(
            "staff_ids", caseledger.store.types.StringList(), autoincrement=False, nullable=True
        ),
        sa.Column("place", sa.String(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "place IN ('facility', 'community', 'home', 'telephone', 'video', 'text', 'email')",
            name=op.f("ck_group_sessions_place_choice"),
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_group_sessions")),
        comment="Group sessions; each attendee has an encounter carrying the group_id.",
    )
    op.create_index("ix_group_sessions_date", "group_sessions", ["date"], unique=False)

    op.create_table(
        "agency_certifications",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(), autoincrement=False, nullable=False),
        sa.Column("start_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("end_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('dmh_cpr', 'dmh_sud', 'dhss_sst_agreement', 'brain_injury_agency')",
            name=op.f("ck_agency_certifications_kind_choice"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.agency_id"],
            name=op.f("fk_agency_certifications_agency_id_agency"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_agency_certifications")),
        comment="Program certifications and agreements the agency holds, with their dates.",
    )
    op.create_index(
        "ix_agency_certifications_natural_key",
        "agency_certifications",
        ["agency_id", "kind", "start_date"],
        unique=False,
    )

    op.create_table(
        "clients",
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("agency_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("first_name", sa.String(), autoincrement=False, nullable=True),
        sa.Column("last_name", sa.String(), autoincrement=False, nullable=True),
        sa.Column("dob", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("sex", sa.String(), autoincrement=False, nullable=True),
        sa.Column("medicaid_id", sa.String(), autoincrement=False, nullable=True),
        sa.Column("address_line", sa.String(), autoincrement=False, nullable=True),
        sa.Column("city", sa.String(), autoincrement=False, nullable=True),
        sa.Column("state", sa.String(), autoincrement=False, nullable=True),
        sa.Column("zip", sa.String(), autoincrement=False, nullable=True),
        sa.Column("phone", sa.String(), autoincrement=False, nullable=True),
        sa.Column("has_other_transportation", sa.Boolean(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.agency_id"],
            name=op.f("fk_clients_agency_id_agency"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_clients")),
        comment="The people served.",
    )
    op.create_index("ix_clients_agency_id", "clients", ["agency_id"], unique=False)

    op.create_table(
        "staff",
        sa.Column("staff_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("agency_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("first_name", sa.String(), autoincrement=False, nullable=True),
        sa.Column("last_name", sa.String(), autoincrement=False, nullable=True),
        sa.Column("npi", sa.String(), autoincrement=False, nullable=True),
        sa.Column("hire_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("end_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("education", sa.String(), autoincrement=False, nullable=True),
        sa.Column("degree_field", sa.String(), autoincrement=False, nullable=True),
        sa.Column("supervisor_id", sa.String(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            (
                "education IN ('none', 'high_school', 'ged', 'associate', 'bachelor', 'master', "
                "'doctorate')"
            ),
            name=op.f("ck_staff_education_choice"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.agency_id"],
            name=op.f("fk_staff_agency_id_agency"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["staff.staff_id"],
            name=op.f("fk_staff_supervisor_id_staff"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_staff")),
        comment="Everyone who renders, leads, supervises or signs.",
    )
    op.create_index("ix_staff_agency_id", "staff", ["agency_id"], unique=False)
    op.create_index("ix_staff_supervisor_id", "staff", ["supervisor_id"], unique=False)

    op.create_table(
        "authorizations",
        sa.Column("authorization_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(), autoincrement=False, nullable=False),
        sa.Column("service_code", sa.String(), autoincrement=False, nullable=True),
        sa.Column("units", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("start_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("end_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("number", sa.String(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('service', 'transportation')", name=op.f("ck_authorizations_kind_choice")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_authorizations_client_id_clients"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("authorization_id", name=op.f("pk_authorizations")),
        comment="Prior authorizations for services and for transportation.",
    )
    op.create_index("ix_authorizations_client_id", "authorizations", ["client_id"], unique=False)

    op.create_table(
        "diagnoses",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("icd10", sa.String(), autoincrement=False, nullable=False),
        sa.Column("rank", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("start_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("end_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_diagnoses_client_id_clients"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_diagnoses")),
        comment="ICD-10-CM diagnoses; rank 1 is primary.",
    )
    op.create_index(
        "ix_diagnoses_natural_key", "diagnoses", ["client_id", "icd10", "start_date"], unique=False
    )

    op.create_table(
        "enrollments",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("program", sa.String(), autoincrement=False, nullable=False),
        sa.Column("start_date", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("end_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("funding", sa.String(), autoincrement=False, nullable=True),
        sa.Column("referral_behaviors", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("referral_interest", sa.Boolean(), autoincrement=False, nullable=True),
        sa.Column("referral_ability", sa.Boolean(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "funding IN ('mo_healthnet', 'dmh_pos', 'dhss')",
            name=op.f("ck_enrollments_funding_choice"),
        ),
        sa.CheckConstraint(
            "program IN ('sst', 'cpr', 'sud', 'aba')", name=op.f("ck_enrollments_program_choice")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_enrollments_client_id_clients"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_enrollments")),
        comment="Program enrollments with funding and the SST referral indicators.",
    )
    op.create_index(
        "ix_enrollments_natural_key",
        "enrollments",
        ["client_id", "program", "start_date"],
        unique=False,
    )

    op.create_table(
        "missed_appointments",
        sa.Column("missed_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("scheduled_at", sa.DateTime(), autoincrement=False, nullable=False),
        sa.Column("service_code", sa.String(), autoincrement=False, nullable=True),
        sa.Column("excused", sa.Boolean(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_missed_appointments_client_id_clients"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("missed_id", name=op.f("pk_missed_appointments")),
        comment="Scheduled program activities the client did not attend.",
    )
    op.create_index(
        "ix_missed_appointments_client_id_scheduled_at",
        "missed_appointments",
        ["client_id", "scheduled_at"],
        unique=False,
    )

    op.create_table(
        "other_services",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("service", sa.String(), autoincrement=False, nullable=False),
        sa.Column("provided_through", sa.String(), autoincrement=False, nullable=True),
        sa.Column("start_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("end_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_other_services_client_id_clients"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_other_services")),
        comment="Services the client receives elsewhere.",
    )
    op.create_index(
        "ix_other_services_natural_key",
        "other_services",
        ["client_id", "service", "start_date"],
        unique=False,
    )

    op.create_table(
        "plans",
        sa.Column("plan_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("program", sa.String(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(), autoincrement=False, nullable=False),
        sa.Column("start_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("end_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("signed_by", sa.String(), autoincrement=False, nullable=True),
        sa.Column("signed_on", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("recommended_schedule", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("barriers", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("skills_taught", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("strategies", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("practice_environment", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("feedback_mechanism", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("frequency_duration", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("expected_achievement", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("employment_considered", sa.Boolean(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('intervention', 'treatment', 'rehabilitation')",
            name=op.f("ck_plans_kind_choice"),
        ),
        sa.CheckConstraint(
            "program IN ('sst', 'cpr', 'sud', 'aba')", name=op.f("ck_plans_program_choice")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_plans_client_id_clients"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"],
            ["staff.staff_id"],
            name=op.f("fk_plans_signed_by_staff"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_plans")),
        comment="Intervention, treatment and rehabilitation plans.",
    )
    op.create_index("ix_plans_client_id", "plans", ["client_id"], unique=False)
    op.create_index("ix_plans_signed_by", "plans", ["signed_by"], unique=False)

    op.create_table(
        "progress_reports",
        sa.Column("report_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("sent_on", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("sent_to", sa.String(), autoincrement=False, nullable=True),
        sa.Column("barriers", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("progress", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("family_education", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("family_response", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("effective_techniques", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("next_priorities", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("expected_duration", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("expected_outcome", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_progress_reports_client_id_clients"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_progress_reports")),
        comment="SST monthly progress reports to the service coordinator.",
    )
    op.create_index(
        "ix_progress_reports_client_id", "progress_reports", ["client_id"], unique=False
    )

    op.create_table(
        "staff_credentials",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(), autoincrement=False, nullable=False),
        sa.Column("number", sa.String(), autoincrement=False, nullable=True),
        sa.Column("state", sa.String(), autoincrement=False, nullable=True),
        sa.Column("start_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("end_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.staff_id"],
            name=op.f("fk_staff_credentials_staff_id_staff"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_staff_credentials")),
        comment="Licenses and qualifications, with their dates.",
    )
    op.create_index(
        "ix_staff_credentials_natural_key",
        "staff_credentials",
        ["staff_id", "kind", "start_date"],
        unique=False,
    )

    op.create_table(
        "staff_trainings",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("topic", sa.String(), autoincrement=False, nullable=False),
        sa.Column(
            "hours", caseledger.store.types.ExactDecimal(), autoincrement=False, nullable=True
        ),
        sa.Column("completed_on", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("waived", sa.Boolean(), autoincrement=False, nullable=True),
        sa.Column("waiver_note", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            (
                "topic IN ('cpr_orientation', 'documentation_medicaid_compliance', 'cbt', "
                "'recovery_treatment_plan', 'illness_management_recovery', 'dbt_intro', 'iddt', "
                "'motivational_interviewing', 'suicide_prevention', 'ptsd', "
                "'medications_diagnostics', 'older_adults', 'primary_skills_general_overview', "
                "'primary_skills_consumer_environment', 'primary_skills_professional_role', "
                "'primary_skills_community_resources', 'primary_skills_safety_welfare', "
                "'primary_skills_organizational_policies', 'continuing_education')"
            ),
            name=op.f("ck_staff_trainings_topic_choice"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.staff_id"],
            name=op.f("fk_staff_trainings_staff_id_staff"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_staff_trainings")),
        comment="Trainings completed or waived.",
    )
    op.create_index(
        "ix_staff_trainings_natural_key",
        "staff_trainings",
        ["staff_id", "topic", "completed_on"],
        unique=False,
    )

    op.create_table(
        "contacts",
        sa.Column("contact_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("staff_id", sa.String(), autoincrement=False, nullable=True),
        sa.Column("at", sa.DateTime(), autoincrement=False, nullable=True),
        sa.Column("method", sa.String(), autoincrement=False, nullable=True),
        sa.Column("missed_id", sa.String(), autoincrement=False, nullable=True),
        sa.Column("note", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_contacts_client_id_clients"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["missed_id"],
            ["missed_appointments.missed_id"],
            name=op.f("fk_contacts_missed_id_missed_appointments"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.staff_id"],
            name=op.f("fk_contacts_staff_id_staff"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_contacts")),
        comment="Efforts to reach a client, e.g. re-engagement after a missed appointment.",
    )
    op.create_index("ix_contacts_client_id", "contacts", ["client_id"], unique=False)
    op.create_index("ix_contacts_missed_id", "contacts", ["missed_id"], unique=False)
    op.create_index("ix_contacts_staff_id", "contacts", ["staff_id"], unique=False)

    op.create_table(
        "encounters",
        sa.Column("encounter_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("client_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("staff_id", sa.String(), autoincrement=False, nullable=True),
        sa.Column("service_code", sa.String(), autoincrement=False, nullable=False),
        sa.Column(
            "modifiers", caseledger.store.types.StringList(), autoincrement=False, nullable=True
        ),
        sa.Column("date", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("start_time", sa.Time(), autoincrement=False, nullable=True),
        sa.Column("end_time", sa.Time(), autoincrement=False, nullable=True),
        sa.Column(
            "units", caseledger.store.types.ExactDecimal(), autoincrement=False, nullable=True
        ),
        sa.Column(
            "charge", caseledger.store.types.ExactDecimal(), autoincrement=False, nullable=True
        ),
        sa.Column("place", sa.String(), autoincrement=False, nullable=True),
        sa.Column("group_id", sa.String(), autoincrement=False, nullable=True),
        sa.Column("activity", sa.String(), autoincrement=False, nullable=True),
        sa.Column(
            "goal_ids", caseledger.store.types.StringList(), autoincrement=False, nullable=True
        ),
        sa.Column("billable", sa.Boolean(), autoincrement=False, nullable=True),
        sa.Column("meeting_id", sa.String(), autoincrement=False, nullable=True),
        sa.Column("unusual_circumstances", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("authorization_id", sa.String(), autoincrement=False, nullable=True),
        sa.Column("note_text", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("note_signed_by", sa.String(), autoincrement=False, nullable=True),
        sa.Column("note_signed_on", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            (
                "activity IN ('plan_development', 'plan_review', 're_engagement', "
                "'arranging_services', 'coordination', 'crisis', 'life_skills_training', "
                "'education', 'discharge_planning', 'initial_discharge_planning', 'didactic', "
                "'community_practice', 'family_training', 'record_review', 'documentation', "
                "'utilization_review', 'medication', 'specimen_collection', 'transport_program', "
                "'transport_appointment', 'home_visit', 'staff_meeting', 'counseling', "
                "'assessment', 'orientation', 'transportation')"
            ),
            name=op.f("ck_encounters_activity_choice"),
        ),
        sa.CheckConstraint(
            "place IN ('facility', 'community', 'home', 'telephone', 'video', 'text', 'email')",
            name=op.f("ck_encounters_place_choice"),
        ),
        sa.ForeignKeyConstraint(
            ["authorization_id"],
            ["authorizations.authorization_id"],
            name=op.f("fk_encounters_authorization_id_authorizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_encounters_client_id_clients"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group_sessions.group_id"],
            name=op.f("fk_encounters_group_id_group_sessions"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["note_signed_by"],
            ["staff.staff_id"],
            name=op.f("fk_encounters_note_signed_by_staff"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.staff_id"],
            name=op.f("fk_encounters_staff_id_staff"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("encounter_id", name=op.f("pk_encounters")),
        comment="Every service delivered, individual or group, with its note.",
    )
    op.create_index(
        "ix_encounters_authorization_id", "encounters", ["authorization_id"], unique=False
    )
    op.create_index(
        "ix_encounters_client_id_date", "encounters", ["client_id", "date"], unique=False
    )
    op.create_index("ix_encounters_date", "encounters", ["date"], unique=False)
    op.create_index("ix_encounters_group_id", "encounters", ["group_id"], unique=False)
    op.create_index("ix_encounters_note_signed_by", "encounters", ["note_signed_by"], unique=False)
    op.create_index("ix_encounters_staff_id_date", "encounters", ["staff_id", "date"], unique=False)

    op.create_table(
        "plan_goals",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("goal_id", sa.String(), autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.plan_id"],
            name=op.f("fk_plan_goals_plan_id_plans"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_plan_goals")),
        comment="The goals of a plan.",
    )
    op.create_index("ix_plan_goals_natural_key", "plan_goals", ["plan_id", "goal_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_plan_goals_natural_key", table_name="plan_goals")
    op.drop_table("plan_goals")

    op.drop_index("ix_encounters_staff_id_date", table_name="encounters")
    op.drop_index("ix_encounters_note_signed_by", table_name="encounters")
    op.drop_index("ix_encounters_group_id", table_name="encounters")
    op.drop_index("ix_encounters_date", table_name="encounters")
    op.drop_index("ix_encounters_client_id_date", table_name="encounters")
    op.drop_index("ix_encounters_authorization_id", table_name="encounters")
    op.drop_table("encounters")

    op.drop_index("ix_contacts_staff_id", table_name="contacts")
    op.drop_index("ix_contacts_missed_id", table_name="contacts")
    op.drop_index("ix_contacts_client_id", table_name="contacts")
    op.drop_table("contacts")

    op.drop_index("ix_staff_trainings_natural_key", table_name="staff_trainings")
    op.drop_table("staff_trainings")

    op.drop_index("ix_staff_credentials_natural_key", table_name="staff_credentials")
    op.drop_table("staff_credentials")

    op.drop_index("ix_progress_reports_client_id", table_name="progress_reports")
    op.drop_table("progress_reports")

    op.drop_index("ix_plans_signed_by", table_name="plans")
    op.drop_index("ix_plans_client_id", table_name="plans")
    op.drop_table("plans")

    op.drop_index("ix_other_services_natural_key", table_name="other_services")
    op.drop_table("other_services")

    op.drop_index("ix_missed_appointments_client_id_scheduled_at", table_name="missed_appointments")
    op.drop_table("missed_appointments")

    op.drop_index("ix_enrollments_natural_key", table_name="enrollments")
    op.drop_table("enrollments")

    op.drop_index("ix_diagnoses_natural_key", table_name="diagnoses")
    op.drop_table("diagnoses")

    op.drop_index("ix_authorizations_client_id", table_name="authorizations")
    op.drop_table("authorizations")

    op.drop_index("ix_staff_supervisor_id", table_name="staff")
    op.drop_index("ix_staff_agency_id", table_name="staff")
    op.drop_table("staff")

    op.drop_index("ix_clients_agency_id", table_name="clients")
    op.drop_table("clients")

    op.drop_index("ix_agency_certifications_natural_key", table_name="agency_certifications")
    op.drop_table("agency_certifications")

    op.drop_index("ix_group_sessions_date", table_name="group_sessions")
    op.drop_table("group_sessions")
    op.drop_table("agency")

    op.drop_index("ix_access_log_client_id_at", table_name="access_log")
    op.drop_index("ix_access_log_at", table_name="access_log")
    op.drop_table("access_log")

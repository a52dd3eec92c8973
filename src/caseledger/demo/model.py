"""The demo agency as it is being built: one typed record per dataset row.

Field names are the dataset's column names (``facts/schema.py``), so a record becomes a row by
reading its fields; a few records carry extra fields the generator needs (the staff member's role,
the program an encounter belongs to) that are not written out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from caseledger.facts import cells
from caseledger.facts.schema import BY_NAME


@dataclass(slots=True)
class Agency:
    agency_id: str
    name: str
    npi: str
    tax_id: str
    address_line: str
    city: str
    state: str
    zip: str
    has_sst_curriculum: bool
    phone: str


@dataclass(slots=True)
class Certification:
    agency_id: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None


@dataclass(slots=True)
class Staff:
    staff_id: str
    agency_id: str
    first_name: str
    last_name: str
    npi: str
    hire_date: dt.date
    end_date: dt.date | None
    education: str
    degree_field: str | None
    supervisor_id: str | None
    #: what the person does here: see ``staffing.ROLES``
    role: str = ""
    #: first day the person may render services (after initial training)
    ready_on: dt.date | None = None


@dataclass(slots=True)
class Credential:
    staff_id: str
    kind: str
    number: str | None
    state: str | None
    start_date: dt.date
    end_date: dt.date | None


@dataclass(slots=True)
class Training:
    staff_id: str
    topic: str
    hours: Decimal
    completed_on: dt.date
    waived: bool = False
    waiver_note: str | None = None


@dataclass(slots=True)
class Client:
    client_id: str
    agency_id: str
    first_name: str
    last_name: str
    dob: dt.date
    sex: str
    medicaid_id: str
    address_line: str
    city: str
    state: str
    zip: str
    phone: str
    has_other_transportation: bool
    #: a parent or spouse named in family notes and reports
    family_member: str = ""


@dataclass(slots=True)
class Enrollment:
    client_id: str
    program: str
    start_date: dt.date
    end_date: dt.date | None
    funding: str
    referral_behaviors: str | None = None
    referral_interest: bool | None = None
    referral_ability: bool | None = None


@dataclass(slots=True)
class OtherService:
    client_id: str
    service: str
    provided_through: str
    start_date: dt.date
    end_date: dt.date | None


@dataclass(slots=True)
class Diagnosis:
    client_id: str
    icd10: str
    rank: int
    start_date: dt.date
    end_date: dt.date | None


@dataclass(slots=True)
class Authorization:
    authorization_id: str
    client_id: str
    kind: str
    service_code: str
    units: int
    start_date: dt.date
    end_date: dt.date
    number: str


@dataclass(slots=True)
class Goal:
    plan_id: str
    goal_id: str
    text: str
    #: the goal library domain the note writer draws on, and the values filled into its text
    domain: str = ""
    slots: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Plan:
    plan_id: str
    client_id: str
    program: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    signed_by: str | None
    signed_on: dt.date | None
    recommended_schedule: str | None = None
    barriers: str | None = None
    skills_taught: str | None = None
    strategies: str | None = None
    practice_environment: str | None = None
    feedback_mechanism: str | None = None
    frequency_duration: str | None = None
    expected_achievement: str | None = None
    employment_considered: bool | None = None
    goals: list[Goal] = field(default_factory=list)

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def goal(self, domain: str) -> Goal | None:
        return next((g for g in self.goals if g.domain == domain), None)


@dataclass(slots=True)
class GroupSession:
    group_id: str
    service_code: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    staff_ids: tuple[str, ...]
    place: str
    #: the group's theme, which the attendees' notes share
    topic: str = ""


@dataclass(slots=True)
class Encounter:
    encounter_id: str
    client_id: str
    staff_id: str
    service_code: str
    modifiers: tuple[str, ...]
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    units: Decimal | None
    charge: Decimal | None
    place: str
    group_id: str | None = None
    activity: str | None = None
    goal_ids: tuple[str, ...] = ()
    billable: bool = True
    meeting_id: str | None = None
    unusual_circumstances: str | None = None
    authorization_id: str | None = None
    note_text: str | None = None
    note_signed_by: str | None = None
    note_signed_on: dt.date | None = None
    program: str = ""

    @property
    def minutes(self) -> int:
        assert self.start_time is not None and self.end_time is not None
        return _minute(self.end_time) - _minute(self.start_time)

    @property
    def start_minute(self) -> int:
        assert self.start_time is not None
        return _minute(self.start_time)

    @property
    def end_minute(self) -> int:
        assert self.end_time is not None
        return _minute(self.end_time)


@dataclass(slots=True)
class MissedAppointment:
    missed_id: str
    client_id: str
    scheduled_at: dt.datetime
    service_code: str
    excused: bool


@dataclass(slots=True)
class Contact:
    contact_id: str
    client_id: str
    staff_id: str
    at: dt.datetime
    method: str
    missed_id: str | None
    note: str


@dataclass(slots=True)
class ProgressReport:
    report_id: str
    client_id: str
    month: dt.date
    sent_on: dt.date
    sent_to: str
    barriers: str | None
    progress: str | None
    family_education: str | None
    family_response: str | None
    effective_techniques: str | None
    next_priorities: str | None
    expected_duration: str | None
    expected_outcome: str | None


def _minute(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def clock(minute: int) -> dt.time:
    """The time of day ``minute`` minutes after midnight."""
    return dt.time(minute // 60, minute % 60)


#: which record type fills which dataset table
RECORD_TABLES: dict[str, type] = {
    "agency": Agency,
    "agency_certifications": Certification,
    "staff": Staff,
    "staff_credentials": Credential,
    "staff_trainings": Training,
    "clients": Client,
    "enrollments": Enrollment,
    "other_services": OtherService,
    "diagnoses": Diagnosis,
    "authorizations": Authorization,
    "plans": Plan,
    "plan_goals": Goal,
    "group_sessions": GroupSession,
    "encounters": Encounter,
    "missed_appointments": MissedAppointment,
    "contacts": Contact,
    "progress_reports": ProgressReport,
}


def to_row(table: str, record: object) -> dict[str, cells.Value]:
    """The dataset row of ``record``: its fields named like the table's columns."""
    return {name: getattr(record, name) for name in BY_NAME[table].column_names}


def rows(table: str, records: Iterable[object]) -> list[dict[str, cells.Value]]:
    return [to_row(table, r) for r in records]


@dataclass
class AgencyRecords:
    """Every record of the demo agency, table by table."""

    agency: Agency
    certifications: list[Certification] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)
    other_services: list[OtherService] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    authorizations: list[Authorization] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    groups: list[GroupSession] = field(default_factory=list)
    encounters: list[Encounter] = field(default_factory=list)
    missed: list[MissedAppointment] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)

    def records(self) -> dict[str, list[object]]:
        """The records of each dataset table."""
        return {
            "agency": [self.agency],
            "agency_certifications": list(self.certifications),
            "staff": list(self.staff),
            "staff_credentials": list(self.credentials),
            "staff_trainings": list(self.trainings),
            "clients": list(self.clients),
            "enrollments": list(self.enrollments),
            "other_services": list(self.other_services),
            "diagnoses": list(self.diagnoses),
            "authorizations": list(self.authorizations),
            "plans": list(self.plans),
            "plan_goals": [g for p in self.plans for g in p.goals],
            "group_sessions": list(self.groups),
            "encounters": list(self.encounters),
            "missed_appointments": list(self.missed),
            "contacts": list(self.contacts),
            "progress_reports": list(self.reports),
        }

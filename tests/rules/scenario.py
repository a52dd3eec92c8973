"""A small, clean agency to break one rule at a time.

``Scenario()`` starts from an agency that passes every rule: one client and the staff each program
needs, enrolled, planned, authorized, trained. Tests add or change rows to plant one violation and
audit with :meth:`Scenario.audit`; the matching passing example is the same scenario without the
change. Dates: services in January–February 2025, audited as of 2025-03-15.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from caseledger.audit.engine import AuditResult, run_audit
from caseledger.audit.findings import Finding
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.dataset import Dataset
from caseledger.facts.engines import Engine
from caseledger.policy import Policy, load_policy

D = dt.date
T = dt.time
AS_OF = D(2025, 3, 15)
HIRED = D(2020, 1, 6)
PROGRAM_START = D(2024, 1, 1)

CPR_TOPICS = {
    "cpr_orientation": "3",
    "documentation_medicaid_compliance": "2",
    "cbt": "2.5",
    "recovery_treatment_plan": "2",
    "illness_management_recovery": "2.5",
    "dbt_intro": "2",
    "iddt": "2",
    "motivational_interviewing": "4",
    "suicide_prevention": "2",
    "ptsd": "1",
    "medications_diagnostics": "1",
    "older_adults": "1",
}
PRIMARY_SKILLS = (
    "primary_skills_general_overview",
    "primary_skills_consumer_environment",
    "primary_skills_professional_role",
    "primary_skills_community_resources",
    "primary_skills_safety_welfare",
    "primary_skills_organizational_policies",
)

#: One client per program, and who serves them.
CLIENT = {"sst": "C-SST", "cpr": "C-CPR", "sud": "C-SUD", "aba": "C-ABA"}
STAFF = {"sst": "S-DC1", "cpr": "S-LPC", "sud": "S-CSW", "aba": "S-BT"}
GOAL = {
    "sst": ("G1", "Start and keep a conversation with peers at the community center"),
    "cpr": ("G1", "Use coping skills to manage anxiety when riding the bus to work"),
    "sud": ("G1", "Build a sober support network through weekly AA meetings and a sponsor"),
    "aba": ("G1", "Take turns and share materials during play with peers"),
}
NOTES = {
    "sst": (
        "Community practice at the library: client practiced starting a conversation with two "
        "peers and keeping it going for five minutes (goal G1). Staff gave feedback after each "
        "try; client named one thing to improve next time."
    ),
    "cpr": (
        "Individual session on coping skills for anxiety when riding the bus to work (goal G1). "
        "Reviewed the breathing exercise, role-played the bus ride, and client rated anxiety 4/10 "
        "at the end, down from 7/10."
    ),
    "sud": (
        "Client wants a sober support network (goal G1). CSW and client looked up two AA meetings "
        "near her home; client called the group contact herself to ask about a sponsor and wrote "
        "the meeting times in her planner."
    ),
    "aba": (
        "Protocol session on taking turns and sharing materials during play with peers (goal G1). "
        "Client shared blocks on 8 of 10 prompted trials; technician recorded data per protocol."
    ),
}
#: code, modifiers, start, end, units, charge of a clean encounter per program
LINE: dict[str, tuple[str, tuple[str, ...], T, T, str, str | None]] = {
    "sst": ("SST", (), T(9, 0), T(12, 0), "1", "69.00"),
    "cpr": ("H2017", ("HO",), T(10, 0), T(10, 30), "2", "40.72"),
    "sud": ("CSW", (), T(13, 0), T(13, 30), "2", None),
    "aba": ("97153", (), T(14, 0), T(15, 0), "4", None),
}
FUNDING = {"sst": "dhss", "cpr": "mo_healthnet", "sud": "mo_healthnet", "aba": "mo_healthnet"}
DIAGNOSIS = {"sst": "S06.2X9S", "cpr": "F33.1", "sud": "F10.20", "aba": "F84.0"}


def _clean() -> dict[str, list[dict[str, Any]]]:
    t: dict[str, list[dict[str, Any]]] = {
        "agency": [
            {
                "agency_id": "A1",
                "name": "Riverbend Community Services",
                "npi": "1234567893",
                "tax_id": "431234567",
                "address_line": "100 Main St",
                "city": "Columbia",
                "state": "MO",
                "zip": "65201",
                "has_sst_curriculum": True,
                "phone": "573-555-0142",
            }
        ],
        "agency_certifications": [
            {"agency_id": "A1", "kind": k, "start_date": D(2015, 1, 1), "end_date": None}
            for k in ("dmh_cpr", "dmh_sud", "dhss_sst_agreement", "brain_injury_agency")
        ],
        "staff": [
            _staff("S-QHIP", "bachelor", "Psychology", None),
            _staff("S-DC1", "high_school", None, "S-QHIP"),
            _staff("S-LPC", "master", "Counseling", None),
            _staff("S-CSW", "bachelor", "Social Work", None),
            _staff("S-BT", "bachelor", "Psychology", None),
        ],
        "staff_credentials": [
            _cred("S-QHIP", "qhip"),
            _cred("S-LPC", "lpc"),
            _cred("S-LPC", "mh_specialized_training"),
            _cred("S-CSW", "csw"),
        ],
        "staff_trainings": [
            *[
                _training("S-LPC", topic, hours, D(2020, 2, 3))
                for topic, hours in CPR_TOPICS.items()
            ],
            *[_training("S-DC1", topic, "4", D(2020, 3, 2)) for topic in PRIMARY_SKILLS],
            *[
                _training("S-DC1", "continuing_education", "6", D(year, 6, 1))
                for year in range(2021, 2026)
            ],
        ],
        "clients": [],
        "enrollments": [],
        "other_services": [],
        "diagnoses": [],
        "authorizations": [],
        "plans": [],
        "plan_goals": [],
        "group_sessions": [],
        "encounters": [],
        "missed_appointments": [],
        "contacts": [],
        "progress_reports": [],
    }
    for n, (program, client) in enumerate(CLIENT.items()):
        t["clients"].append(
            {
                "client_id": client,
                "agency_id": "A1",
                "first_name": f"Test{n}",
                "last_name": "Person",
                "dob": D(1980 + n, 5, 1),
                "sex": "F",
                "medicaid_id": f"1000000{n}",
                "address_line": f"{n} Oak St",
                "city": "Columbia",
                "state": "MO",
                "zip": "65201",
                "phone": f"573-555-01{n:02d}",
                "has_other_transportation": False,
            }
        )
        t["enrollments"].append(
            {
                "client_id": client,
                "program": program,
                "start_date": PROGRAM_START,
                "end_date": None,
                "funding": FUNDING[program],
                "referral_behaviors": "Interrupts others" if program == "sst" else None,
                "referral_interest": True if program == "sst" else None,
                "referral_ability": True if program == "sst" else None,
            }
        )
        t["diagnoses"].append(
            {
                "client_id": client,
                "icd10": DIAGNOSIS[program],
                "rank": 1,
                "start_date": PROGRAM_START,
                "end_date": None,
            }
        )
        plan_id = f"P-{program.upper()}"
        t["plans"].append(
            {
                "plan_id": plan_id,
                "client_id": client,
                "program": program,
                "kind": "intervention" if program == "sst" else "treatment",
                "start_date": PROGRAM_START,
                "end_date": None,
                "signed_by": "S-QHIP" if program == "sst" else STAFF[program],
                "signed_on": PROGRAM_START,
                "recommended_schedule": "One half-day a week for 20 weeks",
                "barriers": "Interrupts peers and leaves conversations abruptly",
                "skills_taught": "Starting, keeping and ending conversations",
                "strategies": "Modeling, role-play and practice in the community",
                "practice_environment": "Community center and library",
                "feedback_mechanism": "Peer and staff feedback after each practice",
                "frequency_duration": "Weekly for five months",
                "expected_achievement": "Holds a five-minute conversation without prompts",
                "employment_considered": True,
            }
        )
        goal_id, text = GOAL[program]
        t["plan_goals"].append({"plan_id": plan_id, "goal_id": goal_id, "text": text})
    t["authorizations"] = [
        {
            "authorization_id": "AU-SST",
            "client_id": "C-SST",
            "kind": "service",
            "service_code": "SST",
            "units": 26,
            "start_date": PROGRAM_START,
            "end_date": D(2025, 12, 31),
            "number": "PA-1001",
        },
        {
            "authorization_id": "AU-ABA",
            "client_id": "C-ABA",
            "kind": "service",
            "service_code": "97153",
            "units": 400,
            "start_date": PROGRAM_START,
            "end_date": D(2025, 12, 31),
            "number": "PA-2001",
        },
    ]
    return t


def _staff(sid: str, education: str, field: str | None, supervisor: str | None) -> dict[str, Any]:
    return {
        "staff_id": sid,
        "agency_id": "A1",
        "first_name": sid,
        "last_name": "Staff",
        "npi": None,
        "hire_date": HIRED,
        "end_date": None,
        "education": education,
        "degree_field": field,
        "supervisor_id": supervisor,
    }


def _cred(sid: str, kind: str) -> dict[str, Any]:
    return {
        "staff_id": sid,
        "kind": kind,
        "number": f"{kind.upper()}-{sid}",
        "state": "MO",
        "start_date": D(2019, 1, 1),
        "end_date": None,
    }


def _training(sid: str, topic: str, hours: str, on: dt.date) -> dict[str, Any]:
    return {
        "staff_id": sid,
        "topic": topic,
        "hours": Decimal(hours),
        "completed_on": on,
        "waived": False,
        "waiver_note": None,
    }


@cache
def policy() -> Policy:
    return load_policy(environ={})


class Scenario:
    """A clean agency; change it to plant one violation."""

    def __init__(self) -> None:
        self.tables = _clean()
        self._ids = itertools.count(1)

    # ------------------------------------------------------------------ building
    def add(self, table: str, **row: Any) -> dict[str, Any]:
        self.tables[table].append(row)
        return row

    def row(self, table: str, **match: Any) -> dict[str, Any]:
        """The one row of ``table`` whose columns equal ``match`` (to change it in place)."""
        found = [r for r in self.tables[table] if all(r.get(k) == v for k, v in match.items())]
        assert len(found) == 1, f"{len(found)} rows of {table} match {match}"
        return found[0]

    def remove(self, table: str, **match: Any) -> None:
        self.tables[table] = [
            r for r in self.tables[table] if not all(r.get(k) == v for k, v in match.items())
        ]

    def drop_file(self, table: str) -> None:
        """The dataset will not have this file at all."""
        del self.tables[table]

    def encounter(
        self, program: str, date: dt.date = D(2025, 1, 8), **overrides: Any
    ) -> dict[str, Any]:
        """A clean encounter for ``program``'s client (override any column)."""
        code, mods, start, end, units, charge = LINE[program]
        row: dict[str, Any] = {
            "encounter_id": f"E{next(self._ids)}",
            "client_id": CLIENT[program],
            "staff_id": STAFF[program],
            "service_code": code,
            "modifiers": mods,
            "date": date,
            "start_time": start,
            "end_time": end,
            "units": Decimal(units),
            "charge": Decimal(charge) if charge else None,
            "place": "community" if program in ("sst", "sud") else "facility",
            "group_id": None,
            "activity": {"sst": "community_practice", "sud": "arranging_services"}.get(program),
            "goal_ids": ("G1",),
            "billable": True,
            "meeting_id": None,
            "unusual_circumstances": None,
            "authorization_id": {"sst": "AU-SST", "aba": "AU-ABA"}.get(program),
            "note_text": NOTES[program],
            "note_signed_by": STAFF[program],
            "note_signed_on": date + dt.timedelta(days=1),
        }
        row.update(overrides)
        self.tables["encounters"].append(row)
        return row

    def weekly(
        self, program: str, count: int, start: dt.date = D(2024, 1, 3), **kw: Any
    ) -> list[dict[str, Any]]:
        """``count`` clean encounters a week apart."""
        return [self.encounter(program, start + dt.timedelta(weeks=i), **kw) for i in range(count)]

    # ------------------------------------------------------------------ auditing
    def dataset(self) -> Dataset:
        return Dataset({name: list(rows) for name, rows in self.tables.items()})

    def audit(
        self,
        only: Sequence[str] = (),
        *,
        as_of: dt.date = AS_OF,
        engine: Engine | None = None,
        **kw: Any,
    ) -> AuditResult:
        facts = facts_from_dataset(self.dataset(), engine)
        return run_audit(facts, policy(), as_of=as_of, only=only, **kw)

    def findings(self, rule: str, **kw: Any) -> list[Finding]:
        """The findings of one rule (only that rule is run)."""
        return [f for f in self.audit([rule], **kw).findings if f.rule == rule]

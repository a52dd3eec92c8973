"""A small, independent reading of the rule catalog (docs: rules.md), used to check the demo data.

It is not the audit engine: it reads the written dataset, applies each rule the plain way the
catalog words it, and returns (rule, subject type, subject id). Its numbers are written here from
the source documents, not imported from the generator, so a wrong number in the generator shows up
as a finding. Where the catalog leaves a choice (which encounter of an overlapping pair is
reported, what counts as "addressing a goal"), it follows the conventions docs/demo.md states.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Row = dict[str, Any]
Finding = tuple[str, str, str]

# seed 000, 001; public CPT facts; seed 003. (code, modifiers) -> (program, unit, rate, group)
CATALOG: dict[tuple[str, tuple[str, ...]], tuple[str, str, Decimal | None, bool]] = {
    ("SST", ()): ("sst", "half_day", Decimal("69.00"), False),
    ("SST-TRANSPORT", ()): ("sst", "session", None, False),
    ("H2017", ("HO",)): ("cpr", "quarter", Decimal("20.36"), False),
    ("H2017", ("HO", "HQ")): ("cpr", "quarter", Decimal("5.09"), True),
    ("H2017P", ()): ("cpr", "quarter", Decimal("17.72"), False),
    ("H2017S", ()): ("cpr", "quarter", Decimal("4.43"), True),
    ("CSW", ()): ("sud", "quarter", None, False),
    ("0372T", ()): ("aba", "session", None, True),
    **{(c, ()): ("aba", "quarter", None, c in ("97154", "97157", "97158"))
       for c in ("97151", "97152", "97153", "97154", "97155", "97156", "97157", "97158", "0373T")},
}  # fmt: skip
FUNDING = {"H2017": "mo_healthnet", "H2017P": "dmh_pos", "H2017S": "dmh_pos"}
DAILY_MAX = {"97153": 32, "97154": 12, "97155": 24, "97156": 16, "97157": 16, "97158": 16}
CERTS = {"cpr": ("dmh_cpr",), "sst": ("dhss_sst_agreement", "brain_injury_agency"),
         "sud": ("dmh_sud",), "aba": ()}  # fmt: skip
NEEDS_AUTH = {"sst", "aba"}
PSR_SIX_MONTH = {
    "cbt": Decimal("2.5"), "recovery_treatment_plan": Decimal(2),
    "illness_management_recovery": Decimal("2.5"), "dbt_intro": Decimal(2), "iddt": Decimal(2),
    "motivational_interviewing": Decimal(4), "suicide_prevention": Decimal(2),
    "ptsd": Decimal(1), "medications_diagnostics": Decimal(1), "older_adults": Decimal(1),
}  # fmt: skip
PRIMARY_SKILLS = (
    "primary_skills_general_overview", "primary_skills_consumer_environment",
    "primary_skills_professional_role", "primary_skills_community_resources",
    "primary_skills_safety_welfare", "primary_skills_organizational_policies",
)  # fmt: skip
QHIP_FIELDS = {"Recreational Therapy", "Occupational Therapy", "Psychology", "Education",
               "Special Education", "Social Work"}  # fmt: skip
#: billable leaf ICD-10-CM codes the demo may use (checked against the FY2025 code set by hand)
BILLABLE_ICD10 = {
    "F20.9", "F20.0", "F25.0", "F25.1", "F31.9", "F31.81", "F33.1", "F33.2", "F43.10",
    "F10.20", "F11.20", "F14.20", "F15.20", "F12.20", "F10.21",
    "S06.2X9S", "S06.9X9S", "S06.5X9S", "S06.2X0S", "S06.9X0S", "F07.81", "F84.0", "F84.9",
}  # fmt: skip
SST_REPORT_ELEMENTS = ("barriers", "progress", "family_education", "family_response",
                       "effective_techniques", "next_priorities", "expected_duration",
                       "expected_outcome")  # fmt: skip
SST_PLAN_ELEMENTS = ("barriers", "skills_taught", "strategies", "practice_environment",
                     "feedback_mechanism", "frequency_duration",
                     "expected_achievement")  # fmt: skip

# seed 002: the activities the community-support rules read from the note text
NONBILLABLE_WORDS = re.compile(
    r"\b(drove|driving|drive|gave client a ride|transport\w*|picked client up|dropped client off|"
    r"took client to|chart|record review|quality assurance|urine|specimen|drug screen|drug test|"
    r"breathalyzer|utilization review|staff meeting|team meeting|staffing|case conference|"
    r"medication pick|picked up prescription|dispensed|med pass|progress notes? and forms|"
    r"data entry|home visit|visited client at home|processed feelings|discussed feelings|"
    r"explored|discussed cravings|discussed triggers|side effects)\b",
    re.I,
)
EXCLUDED_WORDS = re.compile(
    r"\b(tour\w*|intake paperwork|program rules|counsel\w*|therap\w*|assess\w*|"
    r"biopsychosocial|screening interview|intake interview|vital signs|took vitals|"
    r"blood pressure|wound care|injection|nursing|medication management|med management|"
    r"psychotropic|made copies|photocopied|faxed|van run|shuttle)\b",
    re.I,
)
VAGUE_WORDS = re.compile(r"\b(assisted|accompanied|advocated)\b", re.I)
#: the phrases that show a client building their own skill to arrange services (seed 002)
SELF_RELIANCE = re.compile(
    r"client called|client made the call|client scheduled|coached client|taught client how|"
    r"showed client how|role-played|practiced calling|client will call|on (his|her|their) own",
    re.I,
)
GROUP_SUITABLE = re.compile(
    r"\b(handouts?|general information|lecture|relapse prevention education|stages of change|"
    r"disease concept|effects of (alcohol|drugs)|twelve steps|12 steps|anger management|"
    r"stress management|healthy relationships)\b",
    re.I,
)
STOP = {"client", "clients", "with", "that", "this", "from", "their", "about", "each", "week",
        "weeks", "will", "into", "when", "more", "than", "have", "help", "used",
        "uses"}  # fmt: skip


def business_days_after(first: dt.date, last: dt.date) -> int:
    n, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n += 1
    return n


def minutes(e: Row) -> int | None:
    if e["start_time"] is None or e["end_time"] is None:
        return None
    s, t = e["start_time"], e["end_time"]
    return (t.hour * 60 + t.minute) - (s.hour * 60 + s.minute)


def supported_units(unit: str, mins: int) -> int:
    if unit == "quarter":
        return 0 if mins < 8 else (mins - 8) // 15 + 1
    if unit == "half_day":
        return mins // 180
    return 1


def covers(row: Row, day: dt.date, start: str = "start_date", end: str = "end_date") -> bool:
    return (row[start] is None or row[start] <= day) and (row[end] is None or day <= row[end])


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in STOP}


@dataclass
class Oracle:
    tables: dict[str, list[Row]]
    as_of: dt.date

    def rows(self, name: str) -> list[Row]:
        return self.tables.get(name, [])

    def run(self) -> set[Finding]:
        out: set[Finding] = set()
        for check in (
            self.codes, self.times_and_units, self.overlaps, self.authorizations, self.notes,
            self.plans, self.diagnoses, self.sst, self.sst_staff, self.psr, self.csw, self.groups,
        ):  # fmt: skip
            out.update(check())
        return out

    # --- helpers -------------------------------------------------------------------------------

    def billable(self) -> list[Row]:
        return [e for e in self.rows("encounters") if e["billable"]]

    def service(self, e: Row) -> tuple[str, str, Decimal | None, bool] | None:
        return CATALOG.get((e["service_code"], tuple(e["modifiers"])))

    def program(self, e: Row) -> str | None:
        s = self.service(e)
        if s is not None:
            return s[0]
        return {"H2017": "cpr"}.get(e["service_code"])

    def ordered(self, rows: Iterable[Row]) -> list[Row]:
        return sorted(rows, key=lambda e: (e["date"], e["start_time"] or dt.time(0),
                                           e["encounter_id"]))  # fmt: skip

    @property
    def staff(self) -> dict[str, Row]:
        return {s["staff_id"]: s for s in self.rows("staff")}

    def creds(self, staff_id: str) -> list[Row]:
        return [c for c in self.rows("staff_credentials") if c["staff_id"] == staff_id]

    def trainings(self, staff_id: str) -> list[Row]:
        return [t for t in self.rows("staff_trainings") if t["staff_id"] == staff_id]

    def is_qhip(self, staff_id: str, day: dt.date | None = None) -> bool:
        return any(c["kind"] == "qhip" and (day is None or covers(c, day))
                   for c in self.creds(staff_id))  # fmt: skip

    def plan_on(self, client: str, program: str, day: dt.date) -> Row | None:
        for p in self.rows("plans"):
            if (
                p["client_id"] == client
                and p["program"] == program
                and covers(p, day)
                and p["signed_by"]
                and p["signed_on"] is not None
                and p["signed_on"] <= day
            ):
                return p
        return None

    # --- general rules -------------------------------------------------------------------------

    def codes(self) -> Iterable[Finding]:
        enrollments = self.rows("enrollments")
        certs = self.rows("agency_certifications")
        for e in self.billable():
            eid = ("encounter", e["encounter_id"])
            s = self.service(e)
            code, mods = e["service_code"], tuple(e["modifiers"])
            if code == "H2017" and (
                ("HQ" in mods) != (e["group_id"] is not None) or "HO" not in mods
            ):
                yield ("GEN-MODIFIER-MISMATCH", *eid)
            if s is None:
                yield ("GEN-CODE-UNKNOWN", *eid)
                continue
            program, _, _, group = s
            if code not in ("H2017",) and group != (e["group_id"] is not None):
                yield ("GEN-MODIFIER-MISMATCH", *eid)
            if code == "0372T" and e["date"] >= dt.date(2019, 1, 1):
                yield ("GEN-CODE-NOT-EFFECTIVE", *eid)
            if code in DAILY_MAX and e["date"] < dt.date(2019, 1, 1):
                yield ("GEN-CODE-NOT-EFFECTIVE", *eid)
            enrolled = [n for n in enrollments
                        if n["client_id"] == e["client_id"] and n["program"] == program
                        and covers(n, e["date"])]  # fmt: skip
            if not enrolled:
                yield ("GEN-ENROLLMENT", *eid)
            elif code in FUNDING and enrolled[0]["funding"] != FUNDING[code]:
                yield ("GEN-FUNDING-CODE", *eid)
            for kind in CERTS[program]:
                if not any(c["kind"] == kind and covers(c, e["date"]) for c in certs):
                    yield ("GEN-AGENCY-CERT", *eid)

    def times_and_units(self) -> Iterable[Finding]:
        per_day: dict[tuple[str, str, dt.date], int] = defaultdict(int)
        for e in self.ordered(self.billable()):
            eid = ("encounter", e["encounter_id"])
            s = self.service(e)
            if s is None:
                continue
            _, unit, rate, _ = s
            units = e["units"]
            mins = minutes(e)
            if mins is None:
                yield ("GEN-TIME-MISSING", *eid)
            elif units is not None:
                supported = supported_units(unit, mins)
                # half-days and untimed sessions have rules of their own
                if units > supported and unit == "quarter":
                    yield ("GEN-UNITS-EXCEED-TIME", *eid)
                elif units < supported and unit == "quarter":
                    yield ("GEN-UNITS-UNDER-TIME", *eid)
                if unit == "half_day" and mins < 180 * units:
                    yield ("SST-UNIT-HALF-DAY", *eid)
            if unit == "session" and units is not None and units > 1:
                yield ("GEN-UNTIMED-UNITS", *eid)
            priced = rate is not None and e["charge"] is not None and units is not None
            if priced and e["charge"] != (rate * units).quantize(Decimal("0.01")):
                yield ("GEN-RATE", *eid)
            code = e["service_code"]
            if code in DAILY_MAX and units is not None:
                key = (e["client_id"], code, e["date"])
                per_day[key] += int(units)
                if per_day[key] > DAILY_MAX[code]:
                    yield ("GEN-DAILY-MAX", *eid)

    def overlaps(self) -> Iterable[Finding]:
        seen: dict[tuple[Any, ...], str] = {}
        by_client: dict[tuple[str, dt.date], list[Row]] = defaultdict(list)
        by_staff: dict[tuple[str, dt.date], list[Row]] = defaultdict(list)
        for e in self.ordered(self.billable()):
            if e["start_time"] is None or e["end_time"] is None:
                continue
            key = (e["client_id"], e["staff_id"], e["service_code"], tuple(e["modifiers"]),
                   e["date"], e["start_time"], e["end_time"])  # fmt: skip
            if key in seen:
                # an exact copy is a duplicate, not also an overlap
                yield ("GEN-DUPLICATE", "encounter", e["encounter_id"])
                continue
            seen[key] = e["encounter_id"]
            for earlier in by_client[(e["client_id"], e["date"])]:
                if e["start_time"] < earlier["end_time"] and earlier["start_time"] < e["end_time"]:
                    yield ("GEN-CLIENT-OVERLAP", "encounter", e["encounter_id"])
                    break
            for earlier in by_staff[(e["staff_id"], e["date"])]:
                same_group = e["group_id"] is not None and e["group_id"] == earlier["group_id"]
                if (not same_group and e["start_time"] < earlier["end_time"]
                        and earlier["start_time"] < e["end_time"]):  # fmt: skip
                    yield ("GEN-STAFF-OVERLAP", "encounter", e["encounter_id"])
                    break
            by_client[(e["client_id"], e["date"])].append(e)
            by_staff[(e["staff_id"], e["date"])].append(e)

    def authorizations(self) -> Iterable[Finding]:
        auths = {a["authorization_id"]: a for a in self.rows("authorizations")}
        clients = {c["client_id"]: c for c in self.rows("clients")}
        used: dict[str, int] = defaultdict(int)
        for e in self.ordered(self.billable()):
            eid = ("encounter", e["encounter_id"])
            if self.program(e) not in NEEDS_AUTH:
                continue
            code = e["service_code"]
            kind = "transportation" if code == "SST-TRANSPORT" else "service"
            covering = [a for a in auths.values()
                        if a["client_id"] == e["client_id"] and a["service_code"] == code
                        and a["kind"] == kind and covers(a, e["date"])]  # fmt: skip
            if code == "SST-TRANSPORT":
                if not covering or clients[e["client_id"]]["has_other_transportation"]:
                    yield ("SST-TRANSPORT-PA", *eid)
            elif not covering:
                yield ("GEN-AUTH-MISSING", *eid)
            named = auths.get(e["authorization_id"] or "")
            if named is not None:
                if (named["client_id"] != e["client_id"] or named["service_code"] != code
                        or not covers(named, e["date"])):  # fmt: skip
                    yield ("GEN-AUTH-MISMATCH", *eid)
                    continue
                used[named["authorization_id"]] += int(e["units"] or 0)
                if used[named["authorization_id"]] > named["units"]:
                    yield ("GEN-AUTH-EXCEEDED", *eid)

    def notes(self) -> Iterable[Finding]:
        staff = self.staff
        for e in self.billable():
            eid = ("encounter", e["encounter_id"])
            if not (e["note_text"] or "").strip():
                yield ("GEN-NOTE-MISSING", *eid)
                continue
            signer = e["note_signed_by"]
            allowed = {e["staff_id"], staff[e["staff_id"]]["supervisor_id"]}
            if not signer or e["note_signed_on"] is None or signer not in allowed:
                yield ("GEN-NOTE-UNSIGNED", *eid)
            elif business_days_after(e["date"], e["note_signed_on"]) > 5:
                yield ("GEN-NOTE-LATE", *eid)

    def plans(self) -> Iterable[Finding]:
        goals: dict[str, list[Row]] = defaultdict(list)
        for g in self.rows("plan_goals"):
            goals[g["plan_id"]].append(g)
        for e in self.billable():
            program = self.program(e)
            if program is None:
                continue
            plan = self.plan_on(e["client_id"], program, e["date"])
            if plan is None:
                yield ("GEN-PLAN-MISSING", "encounter", e["encounter_id"])
                continue
            plan_goals = goals[plan["plan_id"]]
            named = set(e["goal_ids"]) & {g["goal_id"] for g in plan_goals}
            text = words(e["note_text"] or "")
            close = any(len(text & words(g["text"])) >= 2 for g in plan_goals)
            if not named and not close:
                yield ("GEN-PLAN-GOAL-LINK", "encounter", e["encounter_id"])
            # the demo's own promise, beyond the rule: a named goal shares words with the note
            if text and any(
                not text & words(g["text"]) for g in plan_goals if g["goal_id"] in named
            ):
                yield ("DEMO-GOAL-WORDS", "encounter", e["encounter_id"])
        for p in self.rows("plans"):
            if p["program"] != "sud" or p["employment_considered"]:
                continue
            if not any(re.search(r"\b(work|job|employment)\b", g["text"], re.I)
                       for g in goals[p["plan_id"]]):  # fmt: skip
                yield ("CSW-EMPLOYMENT", "plan", p["plan_id"])

    def diagnoses(self) -> Iterable[Finding]:
        served: dict[str, list[dt.date]] = defaultdict(list)
        for e in self.billable():
            served[e["client_id"]].append(e["date"])
        for client, days in served.items():
            dx = [d for d in self.rows("diagnoses")
                  if d["client_id"] == client and d["icd10"] in BILLABLE_ICD10]  # fmt: skip
            if not all(any(covers(d, day) for d in dx) for day in days):
                yield ("GEN-DIAGNOSIS", "client", client)

    # --- SST -----------------------------------------------------------------------------------

    def sst(self) -> Iterable[Finding]:
        sst = self.ordered(e for e in self.billable() if e["service_code"] == "SST")
        count: dict[str, int] = defaultdict(int)
        other = [o for o in self.rows("other_services")
                 if o["service"] == "socialization_skills_training"]  # fmt: skip
        months: dict[tuple[str, dt.date], bool] = {}
        for e in sst:
            count[e["client_id"]] += 1
            if count[e["client_id"]] >= 27:
                yield ("SST-LIFETIME-CAP", "encounter", e["encounter_id"])
            if any(o["client_id"] == e["client_id"] and covers(o, e["date"]) for o in other):
                yield ("SST-SIMILAR-SERVICE", "encounter", e["encounter_id"])
            if e["activity"] == "didactic" and not self.is_qhip(e["staff_id"], e["date"]):
                yield ("SST-DIDACTIC-QHIP", "encounter", e["encounter_id"])
            months[(e["client_id"], e["date"].replace(day=1))] = True
        for client, n in count.items():
            if 23 <= n <= 26:  # past 26 it is SST-LIFETIME-CAP's
                yield ("SST-LIFETIME-NEAR", "client", client)
        reports = self.rows("progress_reports")
        for client, month in months:
            due = add_months(month, 2) - dt.timedelta(days=1)
            sent = [
                r
                for r in reports
                if r["client_id"] == client
                and r["month"] == month
                and r["sent_on"] is not None
                and r["sent_on"] <= min(due, self.as_of)
            ]
            if not sent and due <= self.as_of:
                yield ("SST-MONTHLY-REPORT", "client", client)
        for r in reports:
            if any(not (r[k] or "").strip() for k in SST_REPORT_ELEMENTS):
                yield ("SST-REPORT-ELEMENTS", "report", r["report_id"])
        first_plan: dict[str, Row] = {}
        for p in sorted(self.rows("plans"), key=lambda p: p["start_date"]):
            if p["program"] != "sst":
                continue
            first_plan.setdefault(p["client_id"], p)
            if any(not (p[k] or "").strip() for k in SST_PLAN_ELEMENTS):
                yield ("SST-PLAN-ELEMENTS", "plan", p["plan_id"])
        for p in first_plan.values():
            if not (p["recommended_schedule"] or "").strip():
                yield ("SST-PLAN-SCHEDULE", "plan", p["plan_id"])
        for n in self.rows("enrollments"):
            if n["program"] == "sst" and not (
                (n["referral_behaviors"] or "").strip() and n["referral_interest"]
                and n["referral_ability"]
            ):  # fmt: skip
                yield ("SST-REFERRAL", "client", n["client_id"])
        if sst and not self.rows("agency")[0]["has_sst_curriculum"]:
            yield ("SST-CURRICULUM", "agency", self.rows("agency")[0]["agency_id"])

    def sst_staff(self) -> Iterable[Finding]:
        staff = self.staff
        sst = [e for e in self.billable() if e["service_code"] in ("SST", "SST-TRANSPORT")]
        direct = {e["staff_id"] for e in sst if not self.is_qhip(e["staff_id"])}
        for sid in sorted(direct):
            boss = staff[sid]["supervisor_id"]
            if (
                not boss
                or not self.is_qhip(boss)
                or not (
                    staff[boss]["education"] in ("bachelor", "master", "doctorate")
                    and staff[boss]["degree_field"] in QHIP_FIELDS
                )
            ):
                yield ("SST-SUPERVISOR-QHIP", "staff", sid)
        for qhip in {staff[s]["supervisor_id"] for s in direct}:
            team = [staff[s] for s in direct if staff[s]["supervisor_id"] == qhip]
            days = {t["hire_date"] for t in team}
            if any(sum(1 for t in team if covers(t, d, "hire_date")) > 12 for d in days):
                yield ("SST-SUPERVISION-RATIO", "staff", qhip)
        for e in sst:
            sid = e["staff_id"]
            if sid not in direct:
                continue
            s = staff[sid]
            eid = ("encounter", e["encounter_id"])
            if s["education"] not in ("high_school", "ged", "associate", "bachelor", "master",
                                      "doctorate"):  # fmt: skip
                yield ("SST-DIRECT-CARE-EDUCATION", *eid)
            trainings = self.trainings(sid)
            if e["date"] > add_months(s["hire_date"], 6):
                done = {t["topic"] for t in trainings if t["completed_on"] <= e["date"]}
                if not set(PRIMARY_SKILLS) <= done:
                    yield ("SST-PRIMARY-SKILLS", *eid)
            if e["date"] > add_months(s["hire_date"], 12):
                since = add_months(e["date"], -12)
                hours = sum(
                    (
                        t["hours"]
                        for t in trainings
                        if t["topic"] == "continuing_education"
                        and since < t["completed_on"] <= e["date"]
                    ),
                    Decimal(0),
                )
                if hours < 5:
                    yield ("SST-ANNUAL-CE", *eid)

    # --- CPR -----------------------------------------------------------------------------------

    def psr(self) -> Iterable[Finding]:
        staff = self.staff
        pros: set[str] = set()
        for e in self.billable():
            if self.program(e) != "cpr":
                continue
            sid = e["staff_id"]
            pros.add(sid)
            eid = ("encounter", e["encounter_id"])
            creds = self.creds(sid)
            licensed = any(c["kind"] in ("lpc", "plpc", "lcsw", "plcsw") and c["state"] == "MO"
                           and covers(c, e["date"]) for c in creds)  # fmt: skip
            trained = any(c["kind"] == "mh_specialized_training" and covers(c, e["date"])
                          for c in creds)  # fmt: skip
            if not (licensed and trained):
                yield ("PSR-STAFF-LICENSE", *eid)
            trainings = self.trainings(sid)
            for topic in ("cpr_orientation", "documentation_medicaid_compliance"):
                if not any(
                    t["topic"] == topic and t["completed_on"] < e["date"] for t in trainings
                ):
                    yield ("PSR-INITIAL-TRAINING", *eid)
                    break
            late = e["date"] > add_months(staff[sid]["hire_date"], 6)
            if late and self.missing_topics(trainings, e["date"]):
                yield ("PSR-SIX-MONTH-TRAINING", *eid)
        for sid in pros:
            deadline = add_months(staff[sid]["hire_date"], 6)
            soon = self.as_of < deadline <= self.as_of + dt.timedelta(days=30)
            if soon and self.missing_topics(self.trainings(sid), self.as_of):
                yield ("PSR-TRAINING-DUE", "staff", sid)

    def missing_topics(self, trainings: list[Row], day: dt.date) -> list[str]:
        return [topic for topic, hours in PSR_SIX_MONTH.items()
                if not any(t["topic"] == topic and t["completed_on"] <= day
                           and (t["waived"] or t["hours"] >= hours)
                           for t in trainings)]  # fmt: skip

    # --- SUD -----------------------------------------------------------------------------------

    def csw(self) -> Iterable[Finding]:
        enrollments = self.rows("enrollments")
        idp_units: dict[tuple[str, Any], int] = defaultdict(int)
        for e in self.ordered(self.billable()):
            if e["service_code"] != "CSW":
                continue
            eid = ("encounter", e["encounter_id"])
            text = e["note_text"] or ""
            activity = e["activity"]
            nonbillable = activity in (
                "record_review",
                "documentation",
                "utilization_review",
                "medication",
                "specimen_collection",
                "transport_program",
                "transport_appointment",
                "home_visit",
                "staff_meeting",
            )
            nonbillable = nonbillable or bool(NONBILLABLE_WORDS.search(text))
            if nonbillable:
                yield ("CSW-NONBILLABLE", *eid)
            if activity in ("counseling", "assessment", "orientation", "transportation") or (
                EXCLUDED_WORDS.search(text)
            ):
                yield ("CSW-EXCLUDED-SERVICE", *eid)
            if NONBILLABLE_WORDS.search(text) and SELF_RELIANCE.search(text):
                yield ("CSW-MIXED-NOTE", *eid)
            if activity == "initial_discharge_planning":
                episode = next((n["start_date"] for n in enrollments
                                if n["client_id"] == e["client_id"] and n["program"] == "sud"
                                and covers(n, e["date"])), None)  # fmt: skip
                idp_units[(e["client_id"], episode)] += int(e["units"] or 0)
                if idp_units[(e["client_id"], episode)] > 4:
                    yield ("CSW-DISCHARGE-CAP", *eid)
                if not text.startswith("Initial Discharge Planning Session"):
                    yield ("CSW-DISCHARGE-HEADING", *eid)
            if e["meeting_id"] and (e["units"] or 0) > 1 and not e["unusual_circumstances"]:
                yield ("CSW-MEETING-UNITS", *eid)
            if len(VAGUE_WORDS.findall(text)) >= 2:
                yield ("CSW-VAGUE-TERMS", *eid)
            if not e["goal_ids"] and "crisis" not in text.lower():
                yield ("CSW-GOAL-TIE", *eid)
            if e["place"] in ("text", "email"):
                yield ("CSW-NOT-VERBAL", *eid)
            if activity == "arranging_services" and not SELF_RELIANCE.search(text):
                yield ("CSW-SELF-RELIANCE", *eid)
            if activity == "education" or GROUP_SUITABLE.search(text):
                yield ("CSW-GROUP-SUITABLE", *eid)
        contacts = self.rows("contacts")
        for m in self.rows("missed_appointments"):
            if m["excused"]:
                continue
            limit = m["scheduled_at"] + dt.timedelta(hours=48)
            followed = any(c["missed_id"] == m["missed_id"] and c["at"] is not None
                           and m["scheduled_at"] <= c["at"] <= limit
                           for c in contacts)  # fmt: skip
            if not followed and limit.date() <= self.as_of:
                yield ("CSW-MISSED-FOLLOWUP", "missed_appointment", m["missed_id"])

    def groups(self) -> Iterable[Finding]:
        members: dict[str, set[str]] = defaultdict(set)
        for e in self.billable():
            if e["group_id"]:
                members[e["group_id"]].add(e["client_id"])
        for g in self.rows("group_sessions"):
            size = len(members[g["group_id"]])
            if g["service_code"] in ("H2017", "H2017S") and size > 8 * len(g["staff_ids"]):
                yield ("PSR-GROUP-SIZE", "group", g["group_id"])
            if g["service_code"] in ("97154", "97157", "97158") and size > 8:
                yield ("ABA-GROUP-SIZE", "group", g["group_id"])

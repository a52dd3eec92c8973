"""Every program number the demo generator uses, in one place.

The policy packs are the system's authority for these values; until the generator reads them from
the loaded packs, this module mirrors them with the citation of each. Nothing else in
``caseledger.demo`` writes a rate, a cap, a limit or a deadline as a literal: it imports it from
here, so swapping this module for a pack lookup is a change of one file.

Seeds are the four source documents of the product: 000 (DHSS Socialization Skills Training),
001 (DMH CPR psychosocial rehabilitation), 002 (DMH SUD community support, 9 CSR 30-3.110) and
003 (CPT 0372T and its 2019 replacements).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# --- Socialization Skills Training: seed 000 ------------------------------------------------------

#: seed 000, "Unit of service reimbursement rate": one three-hour half-day.
SST_HALF_DAY_MINUTES = 180
#: seed 000, "Unit of service reimbursement rate".
SST_RATE = Decimal("69.00")
#: seed 000, "Service limitations": maximum half-day sessions per lifetime.
SST_LIFETIME_HALF_DAYS = 26
#: rules.md SST-LIFETIME-NEAR: half-days left at or below which the audit reports "near the cap".
SST_NEAR_CAP_LEFT = 3
#: seed 000, "Provider requirements": a QHIP may supervise up to this many direct-care staff.
SST_MAX_DIRECT_CARE_PER_QHIP = 12
#: seed 000, "Provider requirements": Primary Skills completed within this many months of hire.
SST_PRIMARY_SKILLS_MONTHS = 6
#: seed 000, "Provider requirements": continuing education per year after the first year.
SST_ANNUAL_CE_HOURS = Decimal(5)
#: seed 000, "Provider requirements": the six Primary Skills domains (dataset topic names).
SST_PRIMARY_SKILLS_TOPICS = (
    "primary_skills_general_overview",
    "primary_skills_consumer_environment",
    "primary_skills_professional_role",
    "primary_skills_community_resources",
    "primary_skills_safety_welfare",
    "primary_skills_organizational_policies",
)
#: seed 000, "Provider requirements": the QHIP's bachelor's degree must be in one of these fields.
QHIP_DEGREE_FIELDS = (
    "Recreational Therapy",
    "Occupational Therapy",
    "Psychology",
    "Education",
    "Special Education",
    "Social Work",
)
#: seed 000, "Provider requirements": direct-care staff need a high school diploma or equivalent.
DIRECT_CARE_MIN_EDUCATION = ("high_school", "ged", "associate", "bachelor", "master", "doctorate")

# --- Community Psychiatric Rehabilitation: seed 001 -----------------------------------------------

#: seed 001, "Group Professional Psychosocial Rehabilitation": one professional to eight consumers.
PSR_GROUP_MAX_PER_PROFESSIONAL = 8
#: seed 001, "Qualified staff": licensed or provisionally licensed counselors and social workers.
PSR_LICENSES = ("lpc", "plpc", "lcsw", "plcsw")
#: seed 001, "Specialized Staff Training Requirements": initial training before providing service.
PSR_INITIAL_TOPICS = ("cpr_orientation", "documentation_medicaid_compliance")
#: seed 001, "Specialized Staff Training Requirements": completed within this many months of hire.
PSR_SIX_MONTH_LIMIT_MONTHS = 6
#: seed 001, "Specialized Staff Training Requirements": topic and required hours.
PSR_SIX_MONTH_HOURS: dict[str, Decimal] = {
    "cbt": Decimal("2.5"),
    "recovery_treatment_plan": Decimal(2),
    "illness_management_recovery": Decimal("2.5"),
    "dbt_intro": Decimal(2),
    "iddt": Decimal(2),
    "motivational_interviewing": Decimal(4),
    "suicide_prevention": Decimal(2),
    "ptsd": Decimal(1),
    "medications_diagnostics": Decimal(1),
    "older_adults": Decimal(1),
}
#: rules.md PSR-TRAINING-DUE: a six-month deadline this close to the as-of date is reported.
PSR_TRAINING_DUE_DAYS = 30

# --- Community support in SUD programs: seed 002 (9 CSR 30-3.110) --------------------------------

#: seed 002, community support is billed in 15-minute units (rules.md, Community Support).
CSW_UNIT_MINUTES = 15
#: seed 002, key function 9 "Planning for discharge": at most four units of initial planning.
CSW_DISCHARGE_PLANNING_MAX_UNITS = 4
#: seed 002, key function 9: the required first words of an initial discharge planning note.
CSW_DISCHARGE_HEADING = "Initial Discharge Planning Session"
#: seed 002, key function 2: one unit per client per plan-review meeting without unusual reasons.
CSW_MEETING_MAX_UNITS = 1
#: seed 002, key function 3 "Missed Appointments": contact efforts start within 48 hours.
CSW_FOLLOWUP_HOURS = 48
#: seed 002, "Tips for things NOT TO DO": the standardized ambiguous terms.
CSW_VAGUE_TERMS = ("accompanied", "advocated", "assisted")

# --- Adaptive behavior codes: seed 003 and public CPT facts --------------------------------------

#: seed 003, code history: 0372T deleted on this date.
CODE_0372T_DELETED = dt.date(2019, 1, 1)
#: seed 003, code history: the codes that replace 0372T.
CODE_0372T_REPLACEMENTS = ("97153", "97154", "97155", "97156", "97157", "97158", "0373T")
#: seed 003: 0372T is untimed, one unit per session.
UNTIMED_MAX_UNITS = 1
#: rules.md ABA-GROUP-SIZE (public CPT descriptors): patients or families per group.
ABA_GROUP_MAX = 8
#: rules.md GEN-DAILY-MAX, public MUE table (domain-facts.md section 3): units per client per day.
ABA_DAILY_MAX: dict[str, int] = {
    "97153": 32,
    "97154": 12,
    "97155": 24,
    "97156": 16,
    "97157": 16,
    "97158": 16,
    "0373T": 32,
}

# --- All programs: public MO HealthNet facts ------------------------------------------------------

#: domain-facts.md 2.1 (MO HealthNet BH manual 13.4.A): notes signed within 5 business days.
NOTE_SIGN_BUSINESS_DAYS = 5
#: rules.md GEN-UNITS-EXCEED-TIME default for 15-minute units: 8-22 min = 1 unit, 23-37 = 2, ...
QUARTER_HOUR_MINUTES = 15
QUARTER_HOUR_MIN_FIRST_UNIT = 8


def quarter_hour_units(minutes: int) -> int:
    """Units a 15-minute service supports under the 8-minute rule (rules.md
    GEN-UNITS-EXCEED-TIME; domain-facts.md 1.1): 8-22 minutes is one unit, 23-37 two, and so on."""
    if minutes < QUARTER_HOUR_MIN_FIRST_UNIT:
        return 0
    return (minutes - QUARTER_HOUR_MIN_FIRST_UNIT) // QUARTER_HOUR_MINUTES + 1


def half_day_units(minutes: int) -> int:
    """Units an SST session supports: one per full three-hour half-day (seed 000)."""
    return minutes // SST_HALF_DAY_MINUTES


# --- The service catalog -------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """One billable service line as the dataset spells it (code plus modifiers)."""

    code: str
    modifiers: tuple[str, ...]
    program: str
    #: "quarter_hour", "half_day" or "session" (untimed: one unit per session)
    unit: str
    #: fee per unit; None where the sources give no rate (the charge is then left empty)
    rate: Decimal | None
    group: bool = False
    #: the funding stream the code is billed to, where the code depends on it (seed 001)
    funding: str | None = None
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    needs_authorization: bool = False

    def units_for(self, minutes: int) -> int:
        if self.unit == "quarter_hour":
            return quarter_hour_units(minutes)
        if self.unit == "half_day":
            return half_day_units(minutes)
        return UNTIMED_MAX_UNITS

    def charge_for(self, units: int) -> Decimal | None:
        if self.rate is None:
            return None
        return (self.rate * units).quantize(Decimal("0.01"))

    def in_force(self, day: dt.date) -> bool:
        if self.first_day is not None and day < self.first_day:
            return False
        return self.last_day is None or day <= self.last_day


_ABA_2019 = dt.date(2019, 1, 1)

SERVICES: dict[tuple[str, tuple[str, ...]], Service] = {
    (s.code, s.modifiers): s
    for s in (
        # seed 000, "Unit of service reimbursement rate"; prior authorization: seed 000 and the
        # public ABI manual (all brain-injury services are prior authorized).
        Service("SST", (), "sst", "half_day", SST_RATE, needs_authorization=True),
        # seed 000: transportation needs its own prior authorization; the seed gives no rate.
        Service("SST-TRANSPORT", (), "sst", "session", None, needs_authorization=True),
        # seed 001: individual and group PSR, MHD codes and POS codes, per quarter hour.
        Service("H2017", ("HO",), "cpr", "quarter_hour", Decimal("20.36"), funding="mo_healthnet"),
        Service(
            "H2017",
            ("HO", "HQ"),
            "cpr",
            "quarter_hour",
            Decimal("5.09"),
            group=True,
            funding="mo_healthnet",
        ),
        Service("H2017P", (), "cpr", "quarter_hour", Decimal("17.72"), funding="dmh_pos"),
        Service("H2017S", (), "cpr", "quarter_hour", Decimal("4.43"), group=True,
                funding="dmh_pos"),
        # seed 002: community support, 15-minute units; no rate in the sources.
        Service("CSW", (), "sud", "quarter_hour", None),
        # seed 003: 0372T untimed group code, in force until 2018-12-31.
        Service(
            "0372T",
            (),
            "aba",
            "session",
            None,
            group=True,
            last_day=CODE_0372T_DELETED - dt.timedelta(days=1),
            needs_authorization=True,
        ),
        # public CPT facts (domain-facts.md section 3): 15-minute codes from 2019-01-01.
        Service("97153", (), "aba", "quarter_hour", None, first_day=_ABA_2019,
                needs_authorization=True),
        Service("97154", (), "aba", "quarter_hour", None, group=True, first_day=_ABA_2019,
                needs_authorization=True),
        Service("97155", (), "aba", "quarter_hour", None, first_day=_ABA_2019,
                needs_authorization=True),
        Service("97156", (), "aba", "quarter_hour", None, first_day=_ABA_2019,
                needs_authorization=True),
        Service("97157", (), "aba", "quarter_hour", None, group=True, first_day=_ABA_2019,
                needs_authorization=True),
        Service("97158", (), "aba", "quarter_hour", None, group=True, first_day=_ABA_2019,
                needs_authorization=True),
    )
}  # fmt: skip


def service(code: str, modifiers: tuple[str, ...] = ()) -> Service:
    """The catalog entry for a code and its modifiers."""
    return SERVICES[(code, modifiers)]


#: seed 001: the individual and group PSR line for each funding stream.
PSR_INDIVIDUAL = {"mo_healthnet": service("H2017", ("HO",)), "dmh_pos": service("H2017P")}
PSR_GROUP = {"mo_healthnet": service("H2017", ("HO", "HQ")), "dmh_pos": service("H2017S")}

#: rules.md GEN-AGENCY-CERT: the certifications each program needs on the date of service.
PROGRAM_CERTIFICATIONS: dict[str, tuple[str, ...]] = {
    "cpr": ("dmh_cpr",),
    "sst": ("dhss_sst_agreement", "brain_injury_agency"),
    "sud": ("dmh_sud",),
    "aba": (),
}

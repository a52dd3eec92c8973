"""One failing and one passing example for every rule in the catalog.

Each example is a build function ``(scenario, bad)``: with ``bad=True`` it plants exactly one
violation of its rule, with ``bad=False`` it builds the nearest case that is still clean (the 26th
half-day next to the 27th, the last covered day next to the first uncovered one). Keeping both in
one function means the pair differs only where the function says so, so a passing example cannot
drift away from the boundary its failing example sits on. The cases come from the rule modules'
own tests, whose helpers are reused here.

:mod:`tests.rules.test_examples` checks that the table names every rule in the catalog and that
each rule finds its failing example and not its passing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from caseledger.audit.engine import FACTS_MISSING
from tests.rules.scenario import D, Scenario, T
from tests.rules.test_authorizations import auth, ride
from tests.rules.test_community_support import contact, discharge, meeting_line, missed
from tests.rules.test_groups import aba_group
from tests.rules.test_modifiers import _group
from tests.rules.test_plans import plan
from tests.rules.test_psr import cpr_group, new_professional, training
from tests.rules.test_sst import _other
from tests.rules.test_sst_reports import _january, _report
from tests.rules.test_sst_staff import _ce_worker, _team, _worker
from tests.rules.test_units import _aba_2018

#: The encounter id given to the line that carries the violation, so the failing example can
#: insist that this line, and not some other, is the one reported.
BAD = "E-BAD"

Build = Callable[[Scenario, bool], None]


@dataclass(frozen=True)
class Example:
    """A rule's failing and passing scenario."""

    fails: Callable[[], Scenario]
    passes: Callable[[], Scenario]
    #: the as-of date to audit on, when the rule's answer depends on it (else the scenario's)
    as_of: dt.date | None = None
    #: the subject id the failing example must be reported under
    subject: str | None = None


EXAMPLES: dict[str, Example] = {}


def _built(build: Build, bad: bool) -> Scenario:
    s = Scenario()
    build(s, bad)
    return s


def example(
    rule_id: str, *, subject: str | None = BAD, as_of: dt.date | None = None
) -> Callable[[Build], Build]:
    """Enters ``build`` in :data:`EXAMPLES` as ``rule_id``'s pair."""

    def register(build: Build) -> Build:
        if rule_id in EXAMPLES:
            raise ValueError(f"{rule_id} has two examples")
        EXAMPLES[rule_id] = Example(
            fails=partial(_built, build, True),
            passes=partial(_built, build, False),
            as_of=as_of,
            subject=subject,
        )
        return build

    return register


# ------------------------------------------------------------------------- the engine itself


@example(FACTS_MISSING, subject="SST-SIMILAR-SERVICE")
def _facts_missing(s: Scenario, bad: bool) -> None:
    # SST-SIMILAR-SERVICE is the one rule that reads other services; without the file it
    # cannot run, and saying so is better than reporting nothing
    if bad:
        s.drop_file("other_services")


# ------------------------------------------------------------------------------- eligibility


@example("GEN-ENROLLMENT")
def _enrollment(s: Scenario, bad: bool) -> None:
    s.row("enrollments", client_id="C-SST")["end_date"] = D(2025, 1, 31)
    s.encounter("sst", D(2025, 2, 1) if bad else D(2025, 1, 31), encounter_id=BAD)


@example("GEN-AGENCY-CERT")
def _agency_cert(s: Scenario, bad: bool) -> None:
    s.row("agency_certifications", kind="dhss_sst_agreement")["end_date"] = D(2025, 1, 8)
    s.encounter("sst", D(2025, 1, 15) if bad else D(2025, 1, 8), encounter_id=BAD)


# ----------------------------------------------------------------------------------- codes


@example("GEN-CODE-UNKNOWN")
def _code_unknown(s: Scenario, bad: bool) -> None:
    if bad:
        s.encounter("cpr", service_code="H9999", modifiers=(), encounter_id=BAD)
    else:
        s.encounter("cpr", encounter_id=BAD)


@example("GEN-CODE-NOT-EFFECTIVE")
def _code_not_effective(s: Scenario, bad: bool) -> None:
    _aba_2018(s)
    # 0372T was deleted on 2019-01-01
    day = D(2019, 1, 1) if bad else D(2018, 12, 31)
    s.encounter("aba", day, service_code="0372T", units=Decimal(1), encounter_id=BAD)


@example("GEN-MODIFIER-MISMATCH")
def _modifier_mismatch(s: Scenario, bad: bool) -> None:
    gid = _group(s)
    if bad:
        s.encounter("cpr", group_id=gid, encounter_id=BAD)
    else:
        s.encounter(
            "cpr", modifiers=("HO", "HQ"), group_id=gid, charge=Decimal("10.18"), encounter_id=BAD
        )


@example("GEN-FUNDING-CODE")
def _funding_code(s: Scenario, bad: bool) -> None:
    s.row("enrollments", client_id="C-CPR")["funding"] = "dmh_pos"
    if bad:
        s.encounter("cpr", encounter_id=BAD)
    else:
        s.encounter(
            "cpr", service_code="H2017P", modifiers=(), charge=Decimal("35.44"), encounter_id=BAD
        )


@example("GEN-RATE")
def _rate(s: Scenario, bad: bool) -> None:
    # half a cent over $40.72 is rounding; more is a difference
    s.encounter("cpr", charge=Decimal("40.726") if bad else Decimal("40.725"), encounter_id=BAD)


# ---------------------------------------------------------------------------- authorizations


@example("GEN-AUTH-MISSING")
def _auth_missing(s: Scenario, bad: bool) -> None:
    s.row("authorizations", authorization_id="AU-SST")["end_date"] = D(2025, 1, 8)
    # naming no authorization keeps GEN-AUTH-MISMATCH out of it
    day = D(2025, 1, 9) if bad else D(2025, 1, 8)
    s.encounter("sst", day, authorization_id=None, encounter_id=BAD)


@example("GEN-AUTH-EXCEEDED")
def _auth_exceeded(s: Scenario, bad: bool) -> None:
    s.row("authorizations", authorization_id="AU-SST")["units"] = 3
    s.weekly("sst", 3, D(2025, 1, 1))
    if bad:
        s.encounter("sst", D(2025, 1, 22), encounter_id=BAD)


@example("GEN-AUTH-MISMATCH")
def _auth_mismatch(s: Scenario, bad: bool) -> None:
    # AU-SST covers the date either way, so the line is not unauthorized, only misnamed
    s.encounter("sst", authorization_id="AU-ABA" if bad else "AU-SST", encounter_id=BAD)


@example("SST-TRANSPORT-PA")
def _transport_pa(s: Scenario, bad: bool) -> None:
    auth(s, "AT-1", kind="transportation", service_code=None, end_date=D(2025, 1, 8))
    ride(s, D(2025, 1, 9) if bad else D(2025, 1, 8), encounter_id=BAD)


# ------------------------------------------------------------------------------ documentation


@example("GEN-NOTE-MISSING")
def _note_missing(s: Scenario, bad: bool) -> None:
    # a two-letter note is short, but it is a note
    s.encounter("cpr", note_text=None if bad else "fv", encounter_id=BAD)


@example("GEN-NOTE-UNSIGNED")
def _note_unsigned(s: Scenario, bad: bool) -> None:
    # S-QHIP supervises S-DC1 and may sign for her; S-LPC may not
    s.encounter("sst", note_signed_by="S-LPC" if bad else "S-QHIP", encounter_id=BAD)


@example("GEN-NOTE-LATE")
def _note_late(s: Scenario, bad: bool) -> None:
    # five business days after Wednesday 2025-01-08 is the next Wednesday
    signed = D(2025, 1, 16) if bad else D(2025, 1, 15)
    s.encounter("cpr", D(2025, 1, 8), note_signed_on=signed, encounter_id=BAD)


# ------------------------------------------------------------------------------------- plans


@example("GEN-PLAN-MISSING")
def _plan_missing(s: Scenario, bad: bool) -> None:
    s.row("plans", plan_id="P-SST")["end_date"] = D(2025, 1, 8)
    s.encounter("sst", D(2025, 1, 9) if bad else D(2025, 1, 8), encounter_id=BAD)


@example("GEN-DIAGNOSIS", subject="C-ABA")
def _diagnosis(s: Scenario, bad: bool) -> None:
    s.row("diagnoses", client_id="C-ABA")["end_date"] = D(2025, 1, 10)
    s.encounter("aba", D(2025, 1, 17) if bad else D(2025, 1, 10))


@example("SST-PLAN-SCHEDULE", subject="P-SST")
def _plan_schedule(s: Scenario, bad: bool) -> None:
    # only the initial plan needs the schedule
    if bad:
        s.row("plans", plan_id="P-SST")["recommended_schedule"] = "  "
    else:
        plan(s, "P-SST2", start_date=D(2025, 1, 1), recommended_schedule=None)


@example("SST-PLAN-ELEMENTS", subject="P-SST2")
def _plan_elements(s: Scenario, bad: bool) -> None:
    # a treatment plan is not an intervention plan, so its elements are not judged here
    plan(s, "P-SST2", kind="intervention" if bad else "treatment", barriers=None)


@example("CSW-EMPLOYMENT", subject="P-SUD")
def _employment(s: Scenario, bad: bool) -> None:
    s.row("plans", plan_id="P-SUD" if bad else "P-CPR")["employment_considered"] = None


# ------------------------------------------------------------------------------------- units


@example("GEN-TIME-MISSING")
def _time_missing(s: Scenario, bad: bool) -> None:
    # transportation is not billed by time, so it needs no times
    if bad:
        s.encounter("cpr", end_time=None, encounter_id=BAD)
    else:
        s.encounter(
            "sst",
            service_code="SST-TRANSPORT",
            start_time=None,
            end_time=None,
            charge=None,
            encounter_id=BAD,
        )


@example("GEN-UNITS-EXCEED-TIME")
def _units_exceed_time(s: Scenario, bad: bool) -> None:
    # two 15-minute units need 23 minutes under the 8-minute rule
    s.encounter("cpr", end_time=T(10, 22) if bad else T(10, 23), encounter_id=BAD)


@example("GEN-UNITS-UNDER-TIME")
def _units_under_time(s: Scenario, bad: bool) -> None:
    # 38 minutes support a third unit, 37 do not
    s.encounter("cpr", end_time=T(10, 38) if bad else T(10, 37), encounter_id=BAD)


@example("GEN-UNTIMED-UNITS")
def _untimed_units(s: Scenario, bad: bool) -> None:
    _aba_2018(s)
    units = Decimal(3) if bad else Decimal(1)
    s.encounter("aba", D(2018, 6, 2), service_code="0372T", units=units, encounter_id=BAD)


@example("GEN-DAILY-MAX")
def _daily_max(s: Scenario, bad: bool) -> None:
    # eight 4-unit hours of 97153 reach the daily maximum of 32; a ninth passes it
    for hour in range(8, 16):
        s.encounter("aba", start_time=T(hour, 0), end_time=T(hour + 1, 0))
    if bad:
        s.encounter("aba", start_time=T(16, 0), end_time=T(17, 0), encounter_id=BAD)


@example("SST-UNIT-HALF-DAY")
def _unit_half_day(s: Scenario, bad: bool) -> None:
    s.encounter("sst", end_time=T(11, 59) if bad else T(12, 0), encounter_id=BAD)


# ---------------------------------------------------------------------------------- overlaps


@example("GEN-DUPLICATE")
def _duplicate(s: Scenario, bad: bool) -> None:
    # the first copy is the smallest id, so the planted line must sort after it
    s.encounter("cpr", encounter_id="E-1")
    s.encounter("cpr", end_time=T(10, 30) if bad else T(10, 31), encounter_id=BAD)


@example("GEN-CLIENT-OVERLAP")
def _client_overlap(s: Scenario, bad: bool) -> None:
    s.encounter("cpr")  # 10:00-10:30
    start = T(10, 29) if bad else T(10, 30)
    s.encounter("cpr", staff_id="S-QHIP", start_time=start, end_time=T(11, 0), encounter_id=BAD)


@example("GEN-STAFF-OVERLAP")
def _staff_overlap(s: Scenario, bad: bool) -> None:
    s.encounter("cpr")  # S-LPC 10:00-10:30
    start = T(10, 29) if bad else T(10, 30)
    s.encounter("cpr", client_id="C-SUD", start_time=start, end_time=T(11, 0), encounter_id=BAD)


# ------------------------------------------------------------------------------------ groups


@example("ABA-GROUP-SIZE", subject="A")
def _aba_group_size(s: Scenario, bad: bool) -> None:
    # the helper has each member arrive a minute after the one before; the ninth would then
    # also claim more units than its time supports, so here everyone is on time
    for line in aba_group(s, "A", "97154", 9 if bad else 8):
        line["start_time"] = T(14, 0)


@example("PSR-GROUP-SIZE", subject="G")
def _psr_group_size(s: Scenario, bad: bool) -> None:
    for line in cpr_group(s, "G", 9 if bad else 8):
        line["start_time"] = T(10, 0)  # on time, as in ABA-GROUP-SIZE's example


# --------------------------------------------------------------------------------- CPR staff


@example("PSR-STAFF-LICENSE")
def _staff_license(s: Scenario, bad: bool) -> None:
    s.row("staff_credentials", staff_id="S-LPC", kind="lpc")["end_date"] = D(2025, 1, 8)
    s.encounter("cpr", D(2025, 1, 9) if bad else D(2025, 1, 8), encounter_id=BAD)


@example("PSR-INITIAL-TRAINING")
def _initial_training(s: Scenario, bad: bool) -> None:
    # a waiver stands in for the training only when it says why
    topic = "documentation_medicaid_compliance"
    s.remove("staff_trainings", staff_id="S-LPC", topic=topic)
    note = None if bad else "Completed at previous employer, certificate on file"
    training(s, "S-LPC", topic, None, None, waived=True, note=note)
    s.encounter("cpr", encounter_id=BAD)


@example("PSR-SIX-MONTH-TRAINING")
def _six_month_training(s: Scenario, bad: bool) -> None:
    # hired 2024-07-08, six months end on 2025-01-08; motivational interviewing is 2 h short
    new_professional(s, "S-NEW", D(2024, 7, 8), motivational_interviewing="2")
    day = D(2025, 1, 9) if bad else D(2025, 1, 8)
    s.encounter("cpr", day, staff_id="S-NEW", encounter_id=BAD)


@example("PSR-TRAINING-DUE", subject="S-NEW")
def _training_due(s: Scenario, bad: bool) -> None:
    # due six months after hire: 30 days after the as-of date is within the reminder window
    hired = D(2024, 10, 14) if bad else D(2024, 10, 15)
    new_professional(s, "S-NEW", hired, skip=("iddt",))


# --------------------------------------------------------------------------------------- SST


@example("SST-LIFETIME-CAP")
def _lifetime_cap(s: Scenario, bad: bool) -> None:
    # an authorization larger than the cap keeps GEN-AUTH-EXCEEDED out of it
    s.row("authorizations", authorization_id="AU-SST")["units"] = 40
    s.weekly("sst", 26)
    if bad:
        s.encounter("sst", D(2024, 7, 3), encounter_id=BAD)


@example("SST-LIFETIME-NEAR", subject="C-SST")
def _lifetime_near(s: Scenario, bad: bool) -> None:
    # three of the 26 half-days left is worth a note; four is not yet
    s.weekly("sst", 23 if bad else 22)


@example("SST-SIMILAR-SERVICE")
def _similar_service(s: Scenario, bad: bool) -> None:
    _other(s)  # 2024-06-01 to 2024-06-30
    s.encounter("sst", D(2024, 6, 1) if bad else D(2024, 5, 31), encounter_id=BAD)


@example("SST-REFERRAL", subject="C-SST")
def _referral(s: Scenario, bad: bool) -> None:
    # the referral indicators belong to SST enrollments only
    s.row("enrollments", client_id="C-SST" if bad else "C-CPR")["referral_ability"] = False


@example("SST-CURRICULUM", subject="A1")
def _curriculum(s: Scenario, bad: bool) -> None:
    # an agency without a curriculum is fine until it bills SST; in February, whose progress
    # report is not yet due, so that SST-MONTHLY-REPORT stays out of it
    s.row("agency", agency_id="A1")["has_sst_curriculum"] = False
    s.encounter("sst", D(2025, 2, 5), billable=bad)


@example("SST-MONTHLY-REPORT", subject="C-SST")
def _monthly_report(s: Scenario, bad: bool) -> None:
    # January's report is due by the end of February
    _january(s)
    _report(s, D(2025, 1, 1), D(2025, 3, 1) if bad else D(2025, 2, 28))


@example("SST-REPORT-ELEMENTS", subject="R1")
def _report_elements(s: Scenario, bad: bool) -> None:
    if bad:
        _report(s, D(2025, 1, 1), D(2025, 2, 10), family_response=None)
    else:
        _report(s, D(2025, 1, 1), D(2025, 2, 10))


@example("SST-SUPERVISOR-QHIP", subject="S-DC1")
def _supervisor_qhip(s: Scenario, bad: bool) -> None:
    s.row("staff_credentials", staff_id="S-QHIP")["end_date"] = D(2025, 1, 10)
    s.encounter("sst", D(2025, 1, 15) if bad else D(2025, 1, 8))


@example("SST-SUPERVISION-RATIO", subject="S-QHIP")
def _supervision_ratio(s: Scenario, bad: bool) -> None:
    _team(s, 13 if bad else 12)
    # each worker signs their own note, so that GEN-NOTE-UNSIGNED stays out of it
    for line in s.tables["encounters"]:
        line["note_signed_by"] = line["staff_id"]


@example("SST-DIDACTIC-QHIP")
def _didactic_qhip(s: Scenario, bad: bool) -> None:
    staff = "S-DC1" if bad else "S-QHIP"
    s.encounter("sst", activity="didactic", staff_id=staff, encounter_id=BAD)


@example("SST-DIRECT-CARE-EDUCATION")
def _direct_care_education(s: Scenario, bad: bool) -> None:
    # a GED is the equivalent of a diploma
    s.row("staff", staff_id="S-DC1")["education"] = "none" if bad else "ged"
    s.encounter("sst", encounter_id=BAD)


@example("SST-PRIMARY-SKILLS")
def _primary_skills(s: Scenario, bad: bool) -> None:
    # hired 2024-07-08 without any training: due by 2025-01-08
    _worker(s, "S-NEW", hire_date=D(2024, 7, 8))
    day = D(2025, 1, 9) if bad else D(2025, 1, 8)
    s.encounter("sst", day, staff_id="S-NEW", encounter_id=BAD)


@example("SST-ANNUAL-CE")
def _annual_ce(s: Scenario, bad: bool) -> None:
    # hired 2022-03-01: the second employment year, with no hours, is judged once it is over
    _ce_worker(s)
    day = D(2024, 3, 1) if bad else D(2024, 2, 29)
    s.encounter("sst", day, staff_id="S-CE", encounter_id=BAD)


# ---------------------------------------------------------------------- community support


@example("CSW-DISCHARGE-CAP")
def _discharge_cap(s: Scenario, bad: bool) -> None:
    # four units of initial discharge planning may be billed in an episode; the notes carry
    # their heading so that CSW-DISCHARGE-HEADING stays out of it
    note = "Initial Discharge Planning Session: client named the supports needed after discharge."
    discharge(s, D(2025, 1, 8), "2", note_text=note)
    discharge(s, D(2025, 1, 15), "2", note_text=note)
    if bad:
        discharge(s, D(2025, 1, 22), "1", note_text=note, encounter_id=BAD)


@example("CSW-MEETING-UNITS")
def _meeting_units(s: Scenario, bad: bool) -> None:
    meeting_line(s, "2" if bad else "1", encounter_id=BAD)


@example("CSW-MISSED-FOLLOWUP", subject="M1")
def _missed_followup(s: Scenario, bad: bool) -> None:
    # a contact exactly 48 hours after the missed appointment is in time
    missed(s, "M1", dt.datetime(2025, 1, 8, 10, 0))
    at = dt.datetime(2025, 1, 10, 10, 1 if bad else 0)
    contact(s, "K1", at, missed_id="M1")


@example("CSW-NOT-VERBAL")
def _not_verbal(s: Scenario, bad: bool) -> None:
    s.encounter("sud", place="text" if bad else "telephone", encounter_id=BAD)


@example("CSW-NONBILLABLE")
def _nonbillable(s: Scenario, bad: bool) -> None:
    # driving a client is billable only in an immediate crisis
    if bad:
        note = "CSW drove client to the AA meeting at the church hall."
    else:
        note = (
            "Client was evicted this morning and had nowhere safe to sleep. CSW drove client to "
            "the emergency shelter and stayed until a bed was confirmed."
        )
    s.encounter("sud", activity="transport_appointment", note_text=note, encounter_id=BAD)


@example("CSW-EXCLUDED-SERVICE")
def _excluded_service(s: Scenario, bad: bool) -> None:
    # counseling is not community support; arranging services, the clean line's activity, is
    s.encounter("sud", activity="counseling" if bad else "arranging_services", encounter_id=BAD)


@example("CSW-MIXED-NOTE")
def _mixed_note(s: Scenario, bad: bool) -> None:
    line = s.encounter("sud", encounter_id=BAD)
    if bad:
        line["note_text"] += (
            " Afterward CSW reviewed client's chart to be sure the forms were complete."
        )


@example("CSW-DISCHARGE-HEADING")
def _discharge_heading(s: Scenario, bad: bool) -> None:
    body = "Client listed the supports needed to stay sober after discharge and who can help."
    note = body if bad else "Initial Discharge Planning Session:\n" + body
    s.encounter("sud", activity="initial_discharge_planning", note_text=note, encounter_id=BAD)


@example("CSW-VAGUE-TERMS")
def _vague_terms(s: Scenario, bad: bool) -> None:
    # "assisted" is fine when the note says what was done
    if bad:
        activity = "coordination"
        note = "CSW assisted client with sober supports and accompanied client to a meeting."
    else:
        activity = "arranging_services"
        note = (
            "Client is very worried about a coming bankruptcy brought on by her addiction. CSW "
            "researched the local consumer credit counseling agency and provided the telephone "
            "number to client. Assisted client while client scheduled an appointment with the "
            "agency to go over her finances."
        )
    s.encounter("sud", activity=activity, note_text=note, encounter_id=BAD)


@example("CSW-GOAL-TIE")
def _goal_tie(s: Scenario, bad: bool) -> None:
    # naming the goal ties a note only if its words relate to the goal (a sober support network)
    note = (
        "Coffee. Talked. Walked." if bad else "Client and CSW mapped out client's social network."
    )
    s.encounter("sud", activity="life_skills_training", note_text=note, encounter_id=BAD)


@example("CSW-SELF-RELIANCE")
def _self_reliance(s: Scenario, bad: bool) -> None:
    note = "CSW referred client to the county housing authority for sober housing"
    note += "." if bad else "; client phoned the office to book the intake."
    s.encounter("sud", activity=None, note_text=note, encounter_id=BAD)


@example("CSW-GROUP-SUITABLE")
def _group_suitable(s: Scenario, bad: bool) -> None:
    # general information suits a group; information the client acts on there and then does not
    if bad:
        note = (
            "CSW provided information about the effects of alcohol on recovery and the stages of "
            "change."
        )
    else:
        note = (
            "CSW provided information about AA meetings near client's home; client called one to "
            "ask about a sponsor."
        )
    s.encounter("sud", activity="education", note_text=note, encounter_id=BAD)


@example("GEN-PLAN-GOAL-LINK")
def _plan_goal_link(s: Scenario, bad: bool) -> None:
    # only a note that names no goal must show which one it addresses
    goals = () if bad else ("G1",)
    note = "Talked with client about the weekend."
    s.encounter("cpr", goal_ids=goals, note_text=note, encounter_id=BAD)

"""The note-text rules: community support (seed 002, 9 CSR 30-3.110 (11)) and GEN-PLAN-GOAL-LINK.

The paired examples of seed 002 ("not appropriate" and "appropriate" community support notes) are
retold here in our own words, keeping what makes each one right or wrong."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseledger.audit.findings import Finding
from caseledger.facts.engines import SparkEngine
from caseledger.notes import Words
from caseledger.rules.note_text import OPENING_LIMIT, QUOTE_LIMIT, opening, quote
from tests.rules.scenario import D, Scenario, policy

NONBILLABLE = "CSW-NONBILLABLE"
EXCLUDED = "CSW-EXCLUDED-SERVICE"
MIXED = "CSW-MIXED-NOTE"
HEADING = "CSW-DISCHARGE-HEADING"
VAGUE = "CSW-VAGUE-TERMS"
TIE = "CSW-GOAL-TIE"
SELF = "CSW-SELF-RELIANCE"
GROUP = "CSW-GROUP-SUITABLE"
LINK = "GEN-PLAN-GOAL-LINK"
NOTE_RULES = (NONBILLABLE, EXCLUDED, MIXED, HEADING, VAGUE, TIE, SELF, GROUP, LINK)

ACTIVITIES_GOAL = (
    "G2",
    "Fill free time with alcohol- and drug-free social and recreational activities in the "
    "community, such as a sports league",
)


def audit(s: Scenario, **kw: Any) -> list[Finding]:
    return [f for f in s.audit(NOTE_RULES, **kw).findings if f.rule in NOTE_RULES]


def of(findings: list[Finding], encounter: dict[str, Any]) -> dict[str, Finding]:
    """The findings about one encounter, by rule."""
    return {f.rule: f for f in findings if f.subject_id == encounter["encounter_id"]}


def with_activities_goal(s: Scenario) -> Scenario:
    goal_id, text = ACTIVITIES_GOAL
    s.add("plan_goals", plan_id="P-SUD", goal_id=goal_id, text=text)
    return s


def test_the_clean_scenario_passes_every_note_rule() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    assert audit(s) == []


# ------------------------------------------------------------------ seed 002, the paired examples

#: notes the seed shows as not appropriate, retold; each must be flagged by some rule
NOT_APPROPRIATE = {
    "prom shopping": "CSW went to a discount department store to hunt for a prom dress for "
    "client, searching the racks of formal wear size by size.",
    "basketball": "Client and CSW shot baskets and talked about playing in the NBA one day.",
    "homework": "CSW helped client finish his math homework.",
    "coffee": "Coffee. Talked. Walked.",
    "budget": "Client and CSW worked out a household budget.",
    "medication": "CSW went over the side effects of client's psychotropic medicines with him "
    "and the two of them drew up a medication management plan.",
    "referral sources": "Referral sources updated.",
}

#: notes the seed shows as appropriate, retold, with the line they are written for
APPROPRIATE: dict[str, dict[str, Any]] = {
    "prom referral, not billed": {
        "note_text": "Client asked CSW for help getting a prom dress; CSW sent client to her "
        "mother, who is her guardian. Documented, not billed.",
        "billable": False,
        "activity": None,
    },
    "recreation league": {
        "note_text": "Client needs healthy activities free of alcohol and drugs. CSW called "
        "the local recreation center and got information about its community basketball "
        "leagues, then passed the information on to client.",
        "activity": "education",
        "goal_ids": ("G2",),
    },
    "back to school": {
        "note_text": "Client wants to go back to public high school after discharge from "
        "residential treatment. CSW called client's former school about plans for the return "
        "after discharge.",
        "activity": "discharge_planning",
    },
    "list of sober activities": {
        "note_text": "Client and CSW put together a list of low-cost social activities in the "
        "community that are free of alcohol and drugs.",
        "activity": "life_skills_training",
        "goal_ids": ("G2",),
    },
    "bankruptcy": {
        "note_text": "Client is very worried about a coming bankruptcy brought on by her "
        "addiction. CSW researched the local consumer credit counseling agency and provided "
        "the telephone number to client. Assisted client while client scheduled an appointment "
        "with the agency to go over her finances.",
        "activity": "arranging_services",
    },
    "nurse referral, not billed": {
        "note_text": "Client asked about side effects of a medication; referred to the nurse "
        "(documented, not billed).",
        "billable": False,
        "activity": "medication",
    },
    "letter to the juvenile officer": {
        "note_text": "CSW wrote and mailed the update letters the juvenile officer asked for; "
        "a copy of the letter is in the chart.",
        "activity": "coordination",
    },
    "call to the juvenile officer": {
        "note_text": "Phone call to client's juvenile officer about the planned discharge date "
        "and the aftercare plan: weekly NA meetings and an outpatient group.",
        "activity": "coordination",
    },
}


def test_each_not_appropriate_note_is_flagged() -> None:
    s = with_activities_goal(Scenario())
    lines = {name: s.encounter("sud", note_text=text) for name, text in NOT_APPROPRIATE.items()}
    found = audit(s)
    for name, line in lines.items():
        assert of(found, line), name


def test_each_appropriate_note_is_clean() -> None:
    s = with_activities_goal(Scenario())
    lines = {name: s.encounter("sud", **row) for name, row in APPROPRIATE.items()}
    found = audit(s)
    for name, line in lines.items():
        assert not of(found, line), (name, [f.message for f in of(found, line).values()])


def test_the_not_appropriate_notes_break_the_rules_one_would_expect() -> None:
    s = Scenario()
    lines = {name: s.encounter("sud", note_text=text) for name, text in NOT_APPROPRIATE.items()}
    found = audit(s)
    for name in ("prom shopping", "basketball", "homework", "coffee", "budget", "referral sources"):
        assert TIE in of(found, lines[name]), name
    assert EXCLUDED in of(found, lines["medication"])


# -------------------------------------------------------------------------------- CSW-NONBILLABLE


def test_a_note_about_driving_a_client_is_non_billable() -> None:
    s = Scenario()
    clean = s.encounter("sud")
    drove = s.encounter(
        "sud",
        note_text="CSW drove client to the AA meeting at the church hall.",
        charge=Decimal(25),
    )
    found = s.findings(NONBILLABLE)
    assert [f.subject_id for f in found] == [drove["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.amount_at_risk == Decimal("25.00")
    assert "transporting clients to appointments" in f.message
    assert '"drove client to the AA meeting at the church hall"' in f.message
    assert clean["encounter_id"] not in {x.subject_id for x in found}


def test_the_activity_column_alone_makes_a_line_non_billable() -> None:
    s = Scenario()
    line = s.encounter("sud", activity="specimen_collection")
    found = s.findings(NONBILLABLE)
    assert [f.subject_id for f in found] == [line["encounter_id"]]
    assert 'activity "specimen_collection"' in found[0].message


def test_the_note_is_read_whatever_the_activity_column_says() -> None:
    s = Scenario()
    line = s.encounter(
        "sud", activity="coordination", note_text="CSW completed paperwork for the chart."
    )
    assert [f.subject_id for f in s.findings(NONBILLABLE)] == [line["encounter_id"]]


@pytest.mark.parametrize(
    "note",
    [
        "Client declined a ride; CSW gave bus route information and client planned the trip.",
        "Client declined a ride to group; CSW showed client the bus schedule for sober support.",
    ],
)
def test_a_declined_ride_is_not_transportation(note: str) -> None:
    s = Scenario()
    s.encounter("sud", note_text=note)
    assert s.findings(NONBILLABLE) == []
    assert s.findings(EXCLUDED) == []


def test_transport_for_an_immediate_crisis_is_billable() -> None:
    s = Scenario()
    note = (
        "Client was evicted this morning and had nowhere safe to sleep. CSW drove client to the "
        "emergency shelter and stayed until a bed was confirmed."
    )
    s.encounter("sud", activity="crisis", note_text=note)
    s.encounter("sud", activity="transport_appointment", note_text=note)
    assert s.findings(NONBILLABLE) == []


def test_a_line_not_billed_is_never_a_finding() -> None:
    s = Scenario()
    s.encounter(
        "sud",
        billable=False,
        activity="medication",
        note_text="Referred to nurse (documented, not billed).",
    )
    assert audit(s) == []


# --------------------------------------------------------------------------- CSW-EXCLUDED-SERVICE


def test_routine_orientation_is_an_excluded_service() -> None:
    s = Scenario()
    s.encounter("sud")
    tour = s.encounter(
        "sud",
        note_text="Gave client a tour of the facility and went through the intake paperwork.",
    )
    counseling = s.encounter("sud", activity="counseling")
    found = {f.subject_id: f for f in s.findings(EXCLUDED)}
    assert set(found) == {tour["encounter_id"], counseling["encounter_id"]}
    assert "routine orientation" in found[tour["encounter_id"]].message
    assert '"tour of the facility' in found[tour["encounter_id"]].message
    assert 'activity "counseling"' in found[counseling["encounter_id"]].message


def test_transporting_to_the_program_is_reported_once_as_non_billable() -> None:
    s = Scenario()
    line = s.encounter("sud", note_text="CSW transported client to the program for group.")
    found = audit(s)
    assert NONBILLABLE in of(found, line)
    assert EXCLUDED not in of(found, line)
    assert "transporting clients to and from the program" in of(found, line)[NONBILLABLE].message


# -------------------------------------------------------------------------------- CSW-MIXED-NOTE


def test_a_non_billable_task_in_a_billable_note_is_mixed() -> None:
    s = Scenario()
    clean = s.encounter("sud")
    mixed = s.encounter(
        "sud",
        note_text=clean["note_text"]
        + " Afterward CSW reviewed client's chart to be sure the forms were complete.",
    )
    alone = s.encounter(
        "sud", note_text="CSW reviewed client's chart to be sure the forms were complete."
    )
    found = audit(s)
    assert set(of(found, mixed)) == {MIXED, NONBILLABLE}
    assert "reviewing a record" in of(found, mixed)[MIXED].message
    assert MIXED not in of(found, alone) and NONBILLABLE in of(found, alone)
    assert not of(found, clean)


# ------------------------------------------------------------------------- CSW-DISCHARGE-HEADING


def test_initial_discharge_planning_starts_with_its_heading() -> None:
    s = Scenario()
    body = "Client listed the supports needed to stay sober after discharge and who can help."
    bare = s.encounter("sud", activity="initial_discharge_planning", note_text=body)
    headed = s.encounter(
        "sud",
        activity="initial_discharge_planning",
        note_text="  initial discharge planning session:\n" + body,
    )
    other = s.encounter("sud", activity="discharge_planning", note_text=body)
    found = s.findings(HEADING)
    assert [f.subject_id for f in found] == [bare["encounter_id"]]
    assert '"Initial Discharge Planning Session"' in found[0].message
    assert headed["encounter_id"] != other["encounter_id"]


# ------------------------------------------------------------------------------ CSW-VAGUE-TERMS


def test_leaning_on_ambiguous_terms_is_a_warning() -> None:
    s = Scenario()
    vague = s.encounter(
        "sud",
        activity="coordination",
        note_text="CSW assisted client with sober supports and accompanied client to a meeting.",
    )
    s.encounter("sud", **APPROPRIATE["bankruptcy"])
    found = s.findings(VAGUE)
    assert [f.subject_id for f in found] == [vague["encounter_id"]]
    assert found[0].severity == "warning" and found[0].amount_at_risk is None
    assert '"assisted", "accompanied"' in found[0].message


# --------------------------------------------------------------------------------- CSW-GOAL-TIE


def test_a_goal_id_does_not_tie_a_note_about_something_else() -> None:
    s = Scenario()
    coffee = s.encounter("sud", note_text="Coffee. Talked. Walked.", goal_ids=("G1",))
    found = s.findings(TIE)
    assert [f.subject_id for f in found] == [coffee["encounter_id"]]
    assert '"Coffee. Talked. Walked"' in found[0].message


def test_a_goal_id_with_words_that_relate_to_the_goal_ties_the_note() -> None:
    s = Scenario()
    note = "Client and CSW mapped out client's social network."
    named = s.encounter("sud", activity="life_skills_training", note_text=note)
    unnamed = s.encounter("sud", activity="life_skills_training", note_text=note, goal_ids=())
    assert [f.subject_id for f in s.findings(TIE)] == [unnamed["encounter_id"]]
    assert named["encounter_id"] != unnamed["encounter_id"]


def test_a_crisis_ties_the_note_without_a_goal() -> None:
    s = Scenario()
    s.encounter(
        "sud",
        activity="crisis",
        goal_ids=(),
        note_text="Client called in crisis after an eviction notice; CSW found an emergency "
        "shelter bed and client called to claim it.",
    )
    assert s.findings(TIE) == []


# ---------------------------------------------------------------------------- CSW-SELF-RELIANCE


def test_arranging_for_the_client_without_building_their_skill_is_a_warning() -> None:
    s = Scenario()
    s.encounter("sud")  # client called the group contact herself
    for_client = s.encounter(
        "sud",
        note_text="CSW called the AA district office, got the list of meetings near client's "
        "home for sober support and mailed it to client.",
    )
    said = s.encounter(
        "sud",
        activity=None,
        note_text="CSW referred client to the county housing authority for sober housing.",
    )
    taught = s.encounter(
        "sud",
        activity=None,
        note_text="CSW referred client to the county housing authority for sober housing; "
        "client phoned the office to book the intake.",
    )
    found = {f.subject_id: f for f in s.findings(SELF)}
    assert set(found) == {for_client["encounter_id"], said["encounter_id"]}
    assert '"got the list of meetings near client' in found[for_client["encounter_id"]].message
    assert '"referred client to the county housing authority' in found[said["encounter_id"]].message
    assert taught["encounter_id"] not in found
    assert all(f.severity == "warning" for f in found.values())


# ---------------------------------------------------------------------------- CSW-GROUP-SUITABLE


def test_general_education_one_to_one_suits_a_group() -> None:
    s = Scenario()
    lecture = s.encounter(
        "sud",
        activity="education",
        note_text="CSW provided information about the effects of alcohol on recovery and the "
        "stages of change.",
    )
    s.encounter(
        "sud",
        activity="arranging_services",
        note_text="Client asked for an anger management class; client called the community "
        "center and enrolled for sober support.",
    )
    s.encounter(
        "sud",
        activity="education",
        note_text="CSW provided information about AA meetings near client's home; client "
        "called one to ask about a sponsor.",
    )
    found = s.findings(GROUP)
    assert [f.subject_id for f in found] == [lecture["encounter_id"]]
    assert found[0].severity == "info"
    assert '"effects of alcohol on recovery and the stages of change"' in found[0].message


# ---------------------------------------------------------------------------- GEN-PLAN-GOAL-LINK


def test_a_note_that_names_no_goal_must_clearly_address_one() -> None:
    s = Scenario()
    addresses = s.encounter("cpr", goal_ids=())  # coping skills for the bus ride to work
    unrelated = s.encounter("cpr", goal_ids=(), note_text="Talked with client about the weekend.")
    named = s.encounter("cpr", note_text="Talked with client about the weekend.")
    unknown = s.encounter(
        "cpr", goal_ids=("G9",), note_text="Talked with client about the weekend."
    )
    sud = s.encounter("sud", goal_ids=(), note_text="Coffee. Talked. Walked.")
    found = {f.subject_id: f for f in s.findings(LINK)}
    assert set(found) == {unrelated["encounter_id"], unknown["encounter_id"], sud["encounter_id"]}
    assert addresses["encounter_id"] not in found and named["encounter_id"] not in found
    assert found[unrelated["encounter_id"]].severity == "warning"
    assert '"Talked with client about the weekend"' in found[unrelated["encounter_id"]].message


def test_a_line_without_a_plan_in_force_is_left_to_gen_plan_missing() -> None:
    s = Scenario()
    s.remove("plans", plan_id="P-CPR")
    s.encounter("cpr", goal_ids=(), note_text="Talked with client about the weekend.")
    s.encounter("aba", goal_ids=(), note_text="Talked about the weekend.", billable=False)
    assert s.findings(LINK) == []


def test_note_rules_find_the_same_on_spark(spark_engine: SparkEngine) -> None:
    s = with_activities_goal(Scenario())
    for text in NOT_APPROPRIATE.values():
        s.encounter("sud", note_text=text)
    s.encounter("cpr", goal_ids=(), note_text="Talked with client about the weekend.")
    on_duckdb = sorted((f.rule, f.subject_id, f.message) for f in audit(s))
    assert on_duckdb
    assert sorted((f.rule, f.subject_id, f.message) for f in audit(s, engine=spark_engine)) == (
        on_duckdb
    )


# ------------------------------------------------------------------------------------ quoting


@given(text=st.text(max_size=400), data=st.data())
def test_quotes_never_exceed_their_limit(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    quoted = quote(text, Words(start, end, text[start:end]))
    assert quoted[0] == quoted[-1] == '"' and len(quoted) - 2 <= QUOTE_LIMIT
    head = opening(text)
    assert head[0] == head[-1] == '"' and len(head) - 2 <= OPENING_LIMIT


WORDS = [p for k in policy().activity_kinds("sud", D(2025, 1, 8)) for p in k.phrases]
NOTES = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(st.characters(blacklist_characters='"', blacklist_categories=("Cs",)), max_size=30),
    ),
    min_size=1,
    max_size=30,
).map(" ".join)


@settings(max_examples=8)
@given(notes=st.lists(NOTES, min_size=1, max_size=4))
def test_findings_never_quote_more_than_the_limit(notes: list[str]) -> None:
    s = Scenario()
    for note in notes:
        if note.strip():
            s.encounter("sud", note_text=note, activity="initial_discharge_planning")
    for f in audit(s):
        for quoted in re.findall(r'"([^"]*)"', f.message):
            assert len(quoted) <= QUOTE_LIMIT, f.message


def test_a_note_of_non_billable_work_only_is_reported_for_that_and_not_for_its_tie() -> None:
    s = Scenario()
    ride = s.encounter(
        "sud", note_text="CSW drove client to the NA meeting at the church hall for sober support."
    )
    tie = {f.subject_id for f in s.findings(TIE)}
    nonbillable = {f.subject_id for f in s.findings(NONBILLABLE)}
    assert ride["encounter_id"] in nonbillable and ride["encounter_id"] not in tie

"""The lexical note analyzer: activities with negation and exceptions, vague terms, headings, goal
tie, self-reliance and group-suitable topics, read with the built-in sud pack."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseledger.notes import NoteAnalysis, Words, default_analyzer, lexical_analyzer
from caseledger.notes.analyzer import ActivityMention
from caseledger.notes.lexical import (
    GOAL_MATCH_THRESHOLD,
    LexicalAnalyzer,
    Pattern,
    Vocabulary,
    compile_phrase,
    stem,
)
from caseledger.policy import ActivityKind, Policy, load_policy

ON = dt.date(2025, 1, 8)
SUPPORT_GOAL = "Build a sober support network through weekly AA meetings and a sponsor"


@cache
def policy() -> Policy:
    return load_policy(environ={})


@cache
def analyzer() -> LexicalAnalyzer:
    return LexicalAnalyzer(policy())


def read(text: str, goals: tuple[str, ...] = ()) -> NoteAnalysis:
    return analyzer().analyze(text, program="sud", on=ON, goals=goals)


def counted(a: NoteAnalysis) -> list[tuple[str, str]]:
    return [(m.kind, m.words.text) for m in a.mentions()]


def kinds() -> tuple[ActivityKind, ...]:
    return policy().activity_kinds("sud", ON)


def test_the_default_analyzer_reads_the_words_and_then_the_meaning() -> None:
    from caseledger.notes.semantic import SemanticAnalyzer

    found = default_analyzer(policy())
    assert isinstance(found, SemanticAnalyzer) and isinstance(found.lexical, LexicalAnalyzer)
    assert isinstance(lexical_analyzer(policy()), LexicalAnalyzer)


# ------------------------------------------------------------------------------------ activities


@pytest.mark.parametrize(
    ("kind", "phrase"), [(k.kind, p) for k in kinds() for p in k.phrases], ids=str
)
def test_every_pack_phrase_is_read_and_a_negation_turns_it_around(kind: str, phrase: str) -> None:
    written = example(phrase)
    said = read(f"CSW {written} today.")
    assert any(m.words.text.lower() == written.lower() for m in said.mentions()), (
        written,
        said.activities,
    )
    denied = read(f"CSW did not {written} today.")
    assert not denied.mentions(), denied.activities


def example(phrase: str) -> str:
    """Words a pack phrase reads: the phrase itself, or a pattern's first alternatives."""
    compiled = compile_phrase(phrase)
    if not isinstance(compiled, Pattern):
        return phrase
    words = [w for part in compiled.parts for slot in part for w in slot[0]]
    return " ".join("the" if w.startswith("\x00") else w for w in words)


def test_patterns_read_alternatives_and_gaps() -> None:
    vocabulary = Vocabulary(kinds=(_kind("ride_home", "nonbillable", "drove|took ... group"),))
    analyzer = LexicalAnalyzer(vocabulary=vocabulary)

    def kinds_in(text: str) -> list[str]:
        return [m.words.text for m in analyzer.analyze(text, program="x", on=ON).mentions()]

    assert kinds_in("Took client and her son to group.") == ["Took client and her son to group"]
    assert kinds_in("Drove client to group.") == ["Drove client to group"]
    # the gap stays within the sentence and within its length
    assert kinds_in("Drove client home. Group was at noon.") == []
    assert kinds_in("Drove client past one two three four five six seven eight nine group.") == []


def test_the_clients_own_doing_is_not_the_workers_activity() -> None:
    assert not read("Client took the bus to group.").mentions("nonbillable")
    assert not read("She picked up her prescription at the pharmacy.").mentions("nonbillable")
    assert read("CSW and client discussed her feelings about the breakup.").mentions("nonbillable")
    assert read("CSW took client to group.").mentions("nonbillable")


def test_plan_words_in_paperwork_do_not_tie_the_note() -> None:
    assert not read("Updated the treatment plan in the record.").tied
    assert read("Called the housing office about the treatment plan goal of sober housing.").tied


def test_driving_a_client_to_a_meeting_is_transport_to_an_appointment() -> None:
    a = read("CSW drove client to AA meeting.")
    assert counted(a) == [("transport_to_appointment", "drove client to")]
    assert a.mentions("nonbillable")[0].section == "nonbillable"


@pytest.mark.parametrize(
    "text",
    [
        "Client declined a ride; CSW gave bus route information.",
        "Client declined a ride to group; CSW gave client the bus route.",
        "Client refused a ride to the program, and took the bus.",
        "CSW showed client the bus route instead of a ride to group.",
        "A ride to the program was declined.",
        "CSW did not drive client anywhere; client took the bus.",
        "No drug screen was done this week.",
    ],
)
def test_negated_activities_do_not_count(text: str) -> None:
    a = read(text)
    assert not a.mentions("nonbillable", "excluded"), a.activities


def test_negation_does_not_reach_into_the_next_clause() -> None:
    for text in (
        "Client has no car, so CSW drove client to the clinic.",
        "Client has no car and CSW drove client to the clinic.",
        "Client declined to go. CSW drove client home from group.",
    ):
        assert read(text).mentions("nonbillable"), text


def test_a_negation_cue_inside_a_phrase_is_part_of_the_phrase() -> None:
    a = read("Client was a no-show for group; CSW called client the same day.")
    assert counted(a) == [("re_engagement", "no-show")]
    b = read("Client could not arrange a ride to the clinic, so CSW drove client there.")
    transport = b.mentions("nonbillable")
    assert not transport
    assert b.activities[0].excepted


def test_the_crisis_exception_covers_transport_to_an_appointment() -> None:
    a = read(
        "Client was evicted this morning and had nowhere safe to sleep. CSW drove client to "
        "the emergency shelter."
    )
    drove = [m for m in a.activities if m.kind == "transport_to_appointment"]
    assert drove and drove[0].excepted and not drove[0].counts
    assert a.exception("transport_to_appointment") is not None
    no_crisis = read("CSW drove client to the clinic; there was no crisis.")
    assert no_crisis.mentions("nonbillable")
    assert no_crisis.exception("transport_to_appointment") is None


def test_transport_to_the_program_has_no_exception() -> None:
    a = read("Client was in crisis. CSW drove client to group.")
    assert counted(a)[-1] == ("transport_to_program", "drove client to group")


def test_the_longest_phrase_wins_the_words() -> None:
    a = read("CSW transported client to the program.")
    assert counted(a) == [("transport_to_program", "transported client to the program")]


def test_determiners_stand_for_each_other() -> None:
    for text in (
        "CSW reviewed client's chart.",
        "CSW reviewed her chart.",
        "CSW reviewed the client's chart.",
    ):
        assert [k for k, _ in counted(read(text))] == ["record_review"], text


def _kind(kind: str, section: str, phrase: str) -> ActivityKind:
    return ActivityKind(
        kind=kind,
        section=section,  # type: ignore[arg-type]
        pack="test",
        label=kind.replace("_", " "),
        activities=(kind,),
        phrases=(phrase,),
        exception=None,
        exception_phrases=(),
        cite="test",
        start=dt.date(2000, 1, 1),
        end=None,
    )


def test_on_the_same_words_non_billable_wins_over_excluded_and_excluded_over_billable() -> None:
    vocabulary = Vocabulary(
        kinds=(
            _kind("ride_service", "excluded", "van ride"),
            _kind("van_errand", "billable", "van ride"),
            _kind("ride_home", "nonbillable", "van ride"),
        )
    )
    a = LexicalAnalyzer(vocabulary=vocabulary).analyze("Gave a van ride.", program="x", on=ON)
    assert counted(a) == [("ride_home", "van ride")]


def test_mentions_carry_their_place_in_the_note() -> None:
    text = "Coffee first. Then CSW drove client to the clinic."
    m = read(text).mentions()[0]
    assert text[m.words.start : m.words.end] == m.words.text == "drove client to"
    assert m.words.sentence == 1


# ------------------------------------------------------------------------- vague terms, actions


def test_ambiguous_terms_without_a_concrete_action_are_vague() -> None:
    a = read("CSW assisted client with sober supports and accompanied client to a meeting.")
    assert [w.text for w in a.ambiguous] == ["assisted", "accompanied"]
    assert a.vague


def test_ambiguous_terms_with_a_concrete_action_are_not_vague() -> None:
    a = read(
        "CSW researched the credit counseling agency and provided the telephone number to "
        "client. Assisted client while client scheduled an appointment."
    )
    assert a.ambiguous and a.actions
    assert not a.vague


def test_an_action_needs_an_object() -> None:
    assert not read("CSW called.").actions
    assert read("CSW called the clinic.").actions


def test_a_negated_ambiguous_term_is_not_used() -> None:
    assert not read("Client did not need to be accompanied.").ambiguous


# ------------------------------------------------------------------------------------ headings


IDP = "Initial Discharge Planning Session"


@pytest.mark.parametrize(
    ("text", "heading", "expected"),
    [
        (IDP + "\nMet with client.", IDP, True),
        ("  initial discharge planning session:  met with client", IDP, True),
        ("Initial Discharge  Planning Session. Met", IDP + ":", True),
        ("Initial Discharge Planning Sessions were held", IDP, False),
        ("Discharge planning today.", IDP, False),
        ("", IDP, False),
    ],
)
def test_starts_with_a_heading(text: str, heading: str, expected: bool) -> None:
    assert read(text).starts_with(heading) is expected


# ------------------------------------------------------------------------------------- goal tie


def test_crisis_words_tie_the_note() -> None:
    a = read("Client called in crisis after an eviction notice.")
    assert [w.text for w in a.crisis] == ["crisis", "eviction"]
    assert a.tied


def test_support_and_recovery_words_tie_the_note() -> None:
    a = read("Client and CSW listed sober friends to call.")
    assert [w.text for w in a.supports] == ["sober"]
    assert a.tied


def test_a_support_function_ties_the_note_only_when_described_concretely() -> None:
    assert read("CSW called the juvenile officer about the discharge date.").tied
    assert not read("Juvenile officer.").tied


def test_coffee_talk_walk_is_tied_to_nothing() -> None:
    a = read("Coffee. Talked. Walked.", goals=(SUPPORT_GOAL,))
    assert not a.tied
    assert a.goals[0].score == 0 and not a.goals[0].related


def test_goal_similarity_ignores_stop_words_and_endings() -> None:
    a = read("Looked up two AA meetings near her home and asked about a sponsor.", (SUPPORT_GOAL,))
    g = a.goals[0]
    assert set(g.shared) == {"aa", "meet", "sponsor"}
    assert g.addresses and g.score >= GOAL_MATCH_THRESHOLD
    b = read("It was the one time they could have been with all of them.", (SUPPORT_GOAL,))
    assert b.goals[0].shared == ()


def test_one_shared_word_relates_but_does_not_address() -> None:
    g = read("Client and CSW mapped out client's social network.", (SUPPORT_GOAL,)).goals[0]
    assert g.related and not g.addresses


def test_goals_are_matched_in_the_order_given() -> None:
    a = read("Looked up AA meetings and a sponsor.", ("Find a job", SUPPORT_GOAL))
    assert [g.addresses for g in a.goals] == [False, True]


def test_stems() -> None:
    assert stem("meetings") == stem("meeting") == "meet"
    assert stem("scheduled") == stem("schedule")
    assert stem("activities") == stem("activity")


# ------------------------------------------------------------------- self-reliance, group topics


def test_self_reliance_from_the_pack_and_from_the_client_acting() -> None:
    assert [w.text for w in read("Client called the clinic herself.").self_reliance] == [
        "Client called"
    ]
    assert [w.text for w in read("Client phoned the clinic.").self_reliance] == ["Client phoned"]
    assert not read("CSW called the clinic for client.").self_reliance


def test_group_suitable_topics() -> None:
    a = read("Provided information about the effects of alcohol and the stages of change.")
    assert [w.text for w in a.group_suitable] == ["effects of alcohol", "stages of change"]
    assert [k for k, _ in counted(a)] == ["education"]


# ------------------------------------------------------------------------------------ any text


def _check_words(text: str, words: Words) -> None:
    assert 0 <= words.start <= words.end <= len(text)
    assert text[words.start : words.end] == words.text


PHRASES = sorted(
    {p for k in kinds() for p in (*k.phrases, *k.exception_phrases)}
    | {"did not", "declined", "no", "instead of", "client", "assisted", "called the", "#"}
)
NOTE = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=12)), max_size=25).map(
    " ".join
)


@given(text=st.one_of(st.text(), NOTE), goals=st.lists(st.text(max_size=40), max_size=3))
def test_any_text_is_read_without_error(text: str, goals: list[str]) -> None:
    a = read(text, tuple(goals))
    assert len(a.goals) == len(goals)
    for g in a.goals:
        assert 0 <= g.score <= 1
        assert not g.addresses or g.related
    mentions: list[ActivityMention] = list(a.activities)
    for m in mentions:
        _check_words(text, m.words)
    for group in (a.ambiguous, a.actions, a.crisis, a.supports, a.self_reliance, a.group_suitable):
        for w in group:
            _check_words(text, w)
    for _, w in a.exceptions:
        _check_words(text, w)
    # the words of two kinds never overlap
    spans = sorted((m.words.start, m.words.end) for m in mentions)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    assert read(text, tuple(goals)) == a

"""The note and goal library: every template fills, notes share words with their goals, and
community support notes keep clear of what the rules treat as non-billable or vague."""

from __future__ import annotations

import random
import re

import pytest

from caseledger.demo.text import COMMON_NOTE_SLOTS, Domain, fill, pronouns, sst
from caseledger.demo.text import aba as aba_words
from caseledger.demo.text import cpr as cpr_words
from caseledger.demo.text import sud as sud_words
from tests.demo.oracle import (
    EXCLUDED_WORDS,
    GROUP_SUITABLE,
    NONBILLABLE_WORDS,
    SELF_RELIANCE,
    VAGUE_WORDS,
    words,
)

DOMAINS = [*cpr_words.ALL, *sud_words.ALL, *sst.ALL, *aba_words.ALL]
EXTRA = {
    "family": "client's sister",
    "Family": "Client's sister",
    "missed_day": "Monday",
    "heading": "Initial Discharge Planning Session",
    "goal_summary": "stay engaged",
}


def _renderings(domain: Domain, kind: str, seed: int) -> list[tuple[str, str]]:
    """(goal text, note text) pairs over every goal and note template of ``kind``."""
    rng = random.Random(seed)
    out = []
    for goal in domain.goals:
        for template in domain.notes[kind]:
            for sex in ("F", "M"):
                goal_slots = domain.draw_goal_slots(rng)
                note_slots = {k: rng.choice(v) for k, v in COMMON_NOTE_SLOTS.items()}
                slots = [pronouns(sex), EXTRA, note_slots, domain.draw_note_slots(rng), goal_slots]
                out.append((fill(goal, *slots), fill(template, *slots)))
    return out


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_every_template_fills_and_shares_words_with_its_goal(domain: Domain) -> None:
    for kind in domain.notes:
        for seed in range(3):
            for goal, note in _renderings(domain, kind, seed):
                assert "{" not in note and "}" not in note
                assert words(goal) & words(note), (domain.name, kind, note)


@pytest.mark.parametrize("domain", sud_words.ALL, ids=lambda d: d.name)
def test_community_support_notes_avoid_rule_words(domain: Domain) -> None:
    for kind in domain.notes:
        for _, note in _renderings(domain, kind, 0):
            for pattern in (NONBILLABLE_WORDS, EXCLUDED_WORDS, VAGUE_WORDS, GROUP_SUITABLE):
                assert not pattern.search(note), (domain.name, note)
            assert not re.search(r"\b(text|texted|e-?mail)\b", note, re.I), note
            if kind == "arranging_services":
                assert SELF_RELIANCE.search(note), note


def test_plan_meeting_and_discharge_notes() -> None:
    for activity, templates in sud_words.PLAN_NOTES.items():
        for template in templates:
            note = fill(template, pronouns("F"), EXTRA)
            assert not VAGUE_WORDS.search(note) and not NONBILLABLE_WORDS.search(note)
            assert note.startswith("Initial Discharge Planning Session\n") == (
                activity == "initial_discharge_planning"
            )


def test_sst_plans_and_reports_cover_every_required_element() -> None:
    plan_elements = {"recommended_schedule", "barriers", "skills_taught", "strategies",
                     "practice_environment", "feedback_mechanism", "frequency_duration",
                     "expected_achievement"}  # fmt: skip
    assert set(sst.PLAN) == plan_elements
    assert set(sst.REPORT) == {"barriers", "progress", "family_education", "family_response",
                               "effective_techniques", "next_priorities", "expected_duration",
                               "expected_outcome"}  # fmt: skip
    assert set(sst.REFERRAL_BEHAVIORS) <= set(sst.SKILLS)


def test_notes_vary(small_clean: object) -> None:
    notes = [e["note_text"] for e in small_clean.tables["encounters"]]  # type: ignore[attr-defined]
    assert len(set(notes)) > len(notes) * 0.3

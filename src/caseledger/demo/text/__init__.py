"""The words of the demo agency: plan goals, progress notes, plan elements and reports.

Each program has a library of *domains* (what a goal is about: a sober support network, coping
with voices, waiting one's turn in conversation). A domain holds goal templates and note templates
that share its key words, so that a note written for a goal names what the goal names; the slots in
braces are filled per plan (``goal_slots``: the same values in the goal and in every note about it)
or per note (``note_slots``). Everything here is written for the demo; none of it is quoted from
the source documents.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

Slots = dict[str, str]


@dataclass(frozen=True)
class Domain:
    name: str
    #: goal text templates; one is chosen per plan
    goals: tuple[str, ...]
    #: note templates by kind of note (an activity, a service code, "individual", "group")
    notes: Mapping[str, tuple[str, ...]]
    goal_slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note_slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def draw_goal_slots(self, rng: random.Random) -> Slots:
        return {name: rng.choice(values) for name, values in sorted(self.goal_slots.items())}

    def draw_note_slots(self, rng: random.Random) -> Slots:
        return {name: rng.choice(values) for name, values in sorted(self.note_slots.items())}


#: note slots every template may use
COMMON_NOTE_SLOTS: Mapping[str, tuple[str, ...]] = {
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "evening_time": ("6:00", "6:30", "7:00", "7:30"),
    "morning_time": ("8:30", "9:00", "9:30", "10:00"),
    "few": ("two", "three"),
    "rating_before": ("7", "8", "6"),
    "rating_after": ("3", "4", "2"),
    "of_ten": ("6 of 10", "7 of 10", "8 of 10", "9 of 10"),
    "prompts": ("one verbal prompt", "two verbal prompts", "a single gesture prompt", "no prompts"),
}


def pronouns(sex: str) -> Slots:
    """Pronoun slots for a client: {he}, {him}, {his} and capitalised {He}, {His}."""
    if sex == "F":
        words = {"he": "she", "him": "her", "his": "her"}
    else:
        words = {"he": "he", "him": "him", "his": "his"}
    words.update({k.capitalize(): v.capitalize() for k, v in list(words.items())})
    return words


def fill(template: str, *slot_sets: Mapping[str, str]) -> str:
    """``template`` with every {slot} replaced; later slot sets win."""
    merged: dict[str, str] = {}
    for slots in slot_sets:
        merged.update(slots)
    return template.format_map(merged)


def pick(rng: random.Random, options: tuple[str, ...]) -> str:
    return rng.choice(options)

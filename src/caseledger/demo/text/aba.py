"""Adaptive behavior treatment goals and session notes, by service code (written for the demo;
the CPT descriptors themselves are AMA copyright and are not used)."""

from __future__ import annotations

from caseledger.demo.text import Domain

COMMUNICATION = Domain(
    "communication",
    goals=(
        "Request help, a break or a preferred item using {mode} instead of crying or grabbing, "
        "in 80% of opportunities.",
    ),
    goal_slots={"mode": ("words", "a picture card", "a speech device")},
    notes={
        "97153": (
            "Ran the requesting program with {mode}: client requested a break or item on its own "
            "in {of_ten} opportunities; errors were corrected with a model prompt. No grabbing "
            "observed during requesting trials.",
            "Requesting with {mode} practiced during play and snack; client requested help "
            "{of_ten} times without prompting and needed {prompts} otherwise.",
        ),
        "97155": (
            "BCBA observed the requesting program with {mode} and modified it: moved from a full "
            "model to a two-second delay since client met criterion three sessions in a row. "
            "Showed the technician the new prompt delay.",
        ),
        "97156": (
            "Family guidance with {family} on prompting requests with {mode} at home: modeled the "
            "prompt, then {family} practiced during snack and waited for the request in most "
            "trials.",
        ),
    },
)

SOCIAL = Domain(
    "social",
    goals=(
        "Take turns and share materials with peers during play for five minutes with no more "
        "than one prompt.",
    ),
    notes={
        "97153": (
            "Practiced turn-taking and sharing with a board game; client waited for turns "
            "{of_ten} times and handed over materials with {prompts}.",
        ),
        "97155": (
            "BCBA modified the turn-taking program: lengthened play periods to four minutes and "
            "added a peer model for sharing. Trained the technician on the new steps.",
        ),
        "97156": (
            "Guided {family} on setting up short turn-taking games at home and praising "
            "sharing; {family} ran two rounds with client during the session.",
        ),
        "group": (
            "Social skills group: practiced greeting peers and taking turns in a ball game. "
            "Client greeted two peers and took turns with {prompts}; shared materials once "
            "without prompting.",
            "Social skills group: cooperative building task with two peers. Client asked a peer "
            "for a piece and waited for a turn {of_ten} times.",
        ),
        "0372T": (
            "Social skills group session: client practiced joining play and taking turns with "
            "peers; needed {prompts} to wait. Sharing reinforced with praise and tokens.",
            "Social skills group: greeting and turn-taking games. Client greeted peers by name "
            "and took turns with {prompts}.",
        ),
        "97157": (
            "Multiple-family guidance group: caregivers practiced prompting turn-taking and "
            "praising sharing; {family} role-played the prompt with another parent.",
        ),
    },
)

BEHAVIOR = Domain(
    "behavior",
    goals=(
        "Reduce {behavior} to fewer than two episodes a week by using the replacement skills in "
        "the behavior plan.",
    ),
    goal_slots={"behavior": ("elopement", "hitting", "tantrums during transitions")},
    notes={
        "97153": (
            "Followed the behavior plan for {behavior}: visual schedule reviewed before each "
            "transition, token board in use. One brief episode of {behavior}, ended with the "
            "planned response; client used the break card {of_ten} times.",
            "Behavior plan for {behavior} in place all session; no episodes. Client moved "
            "between activities after the timer with {prompts}.",
        ),
        "97155": (
            "BCBA reviewed data on {behavior} (down from five to two episodes a week) and "
            "modified the behavior plan by adding a two-minute warning before transitions. "
            "Modeled the change for the technician.",
        ),
        "97156": (
            "Family guidance on preventing {behavior} at home: walked {family} through the "
            "two-minute warning and the break card; {family} practiced both during a transition "
            "in the session.",
        ),
    },
)

DAILY_LIVING = Domain(
    "daily_living",
    goals=("Complete {dl} independently using a picture sequence.",),
    goal_slots={"dl": ("handwashing", "getting dressed", "brushing teeth")},
    notes={
        "97153": (
            "Ran the {dl} task analysis with the picture sequence: client completed most steps "
            "independently and needed {prompts} on the rest.",
        ),
        "97155": (
            "BCBA modified the {dl} program: faded the picture sequence for the first three "
            "steps since they are mastered. Trained the technician on the faded steps.",
        ),
        "97156": (
            "Guided {family} on running the {dl} picture sequence at home with least-to-most "
            "prompting; {family} practiced once with client.",
        ),
    },
)

CORE = (SOCIAL, COMMUNICATION)
OPTIONAL = (BEHAVIOR, DAILY_LIVING)
ALL = (*CORE, *OPTIONAL)
BY_NAME = {d.name: d for d in ALL}

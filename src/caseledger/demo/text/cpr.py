"""Psychosocial rehabilitation (CPR) goals and notes: skills-based work on the functional problems
a rehabilitation plan names (seed 001, service descriptions)."""

from __future__ import annotations

from caseledger.demo.text import Domain

COPING = Domain(
    "coping",
    goals=(
        "Manage {symptom} with at least two coping skills so that symptoms no longer keep client "
        "from daily activities.",
        "Use coping skills for {symptom} and rate distress at 4 or lower on most days.",
    ),
    goal_slots={
        "symptom": (
            "hearing voices",
            "racing thoughts",
            "panic attacks",
            "low mood in the mornings",
            "intrusive memories",
        )
    },
    notes={
        "individual": (
            "Client said {symptom} got worse after dark this week. Practiced the five-senses "
            "grounding skill three times in session; client rated distress {rating_before} before "
            "and {rating_after} after. Client wrote the steps on a card for the nightstand and "
            "agreed to use this coping skill each evening.",
            "Reviewed client's coping log for {symptom}. Client used paced breathing on four days "
            "and skipped it on the worst day. Rehearsed a bad-day plan: breathing first, then a "
            "call to a trusted friend, then a short walk. Client led the breathing pattern "
            "without the card by the end of the session.",
            "Client arrived tense, reporting {symptom} and poor sleep. Taught progressive muscle "
            "relaxation as a second coping skill; client followed along, then led the sequence "
            "alone. Distress went from {rating_before} to {rating_after}; client will practice "
            "before bed and log it.",
        ),
        "group": (
            "Group topic: coping skills for stress. Client described a recent episode of "
            "{symptom} and practiced box breathing with the group; client gave a peer useful "
            "feedback on pacing and named the coping skill {he} will use this week.",
            "Group topic: coping with symptoms. Client joined the role-play on what to do when "
            "{symptom} starts in public and chose a grounding phrase to use. Client rated distress "
            "{rating_before} at the start and {rating_after} at the end of group.",
        ),
    },
)

SOCIAL = Domain(
    "social",
    goals=(
        "Improve social skills: start and keep up conversations with {social_target} and join "
        "one social activity each week.",
        "Build social connections with {social_target} by practicing conversation skills and "
        "attending one social activity a week.",
    ),
    goal_slots={"social_target": ("family", "neighbors", "coworkers", "people at church")},
    notes={
        "individual": (
            "Role-played starting a conversation with {social_target}: an opening line, a "
            "follow-up question and a polite way to end. Client needed {prompts} for eye contact "
            "and finished the third run-through without help. Client will try the conversation "
            "at {weekday}'s social activity.",
            "Client reported skipping the neighborhood social because {he} did not know what to "
            "say. Built a short list of easy topics with client and rehearsed them; client "
            "chose to attend the {weekday} coffee hour and will greet two people there.",
        ),
        "group": (
            "Group topic: social skills. Client practiced starting a conversation with a peer and "
            "kept it going with two follow-up questions; {he} needed {prompts}. Client set a goal "
            "to greet {social_target} this week.",
            "Group topic: building social connections. Client took part in the listening "
            "exercise, summarized a peer's story accurately and offered one encouraging comment. "
            "Client plans to call a relative this week as social practice.",
        ),
    },
)

DAILY_LIVING = Domain(
    "daily_living",
    goals=("Build daily living skills for {dl_task} so that client can live independently.",),
    goal_slots={
        "dl_task": (
            "grocery shopping on a budget",
            "cooking simple meals",
            "keeping the apartment clean",
            "paying bills on time",
        )
    },
    notes={
        "individual": (
            "Worked with client on {dl_task}. Client made a weekly checklist, completed the first "
            "two items with coaching, and posted the list where {he} will see it daily. Client "
            "will check off each item until the next session.",
            "Practiced {dl_task} with client step by step; client did the second round with "
            "{prompts}. Discussed what got in the way last week (low energy in the mornings) and "
            "moved the task to the afternoon, when client says {he} is most able.",
        ),
    },
)

HOUSING = Domain(
    "housing",
    goals=(
        "Keep stable housing by following the lease rules and raising problems with the "
        "landlord early and calmly.",
    ),
    notes={
        "individual": (
            "Client received a warning from the landlord about noise. Practiced how to respond "
            "calmly and ask what would solve the problem; client rehearsed the call twice and "
            "then phoned the landlord from the office. Client agreed to quiet hours after 10 p.m. "
            "to keep the housing stable.",
            "Reviewed the lease rules with client after a late rent notice. Client made a "
            "calendar reminder for the rent due date and practiced what to say to the landlord "
            "when a payment will be late; client called and set a payment date, protecting "
            "{his} housing.",
        ),
    },
)

EMPLOYMENT = Domain(
    "employment",
    goals=(
        "Work toward employment through {work_step} and identify jobs that fit client's strengths.",
    ),
    goal_slots={
        "work_step": (
            "volunteer work two mornings a week",
            "a job readiness class",
            "a supported employment program",
        )
    },
    notes={
        "individual": (
            "Client reported on {work_step}. Practiced answering interview questions about "
            "strengths; client listed three strengths and gave an example of each. Client will "
            "call Vocational Rehabilitation on {weekday} to ask about employment openings.",
            "Worked with client on a plan to keep up {work_step} when symptoms flare: who to "
            "notify, how to ask for a shorter shift, and which coping skill to use at work. "
            "Client wrote the plan down and will share it with the employment specialist.",
        ),
    },
)

WELLNESS = Domain(
    "wellness",
    goals=(
        "Keep a daily wellness routine of regular sleep, meals and prescribed medicine to lower "
        "the chance of relapse.",
    ),
    notes={
        "individual": (
            "Client missed evening doses twice this week. Built a wellness routine with client: "
            "pill box filled on Sundays, an alarm at {evening_time}, the box kept next to the "
            "toothbrush. Client filled the box in session and set the alarm.",
            "Reviewed client's sleep and meal log for the wellness routine. Client kept a regular "
            "bedtime on five of seven nights; skipped breakfast most days. Client planned two "
            "easy breakfasts and added them to the shopping list.",
        ),
    },
)

COMMUNITY = Domain(
    "community",
    goals=(
        "Use community resources independently, including the city bus to reach the library "
        "and the clinic.",
    ),
    notes={
        "individual": (
            "Practiced the bus trip from client's apartment to the library: client read the "
            "schedule, paid the fare and signaled the stop with {prompts}. Next step is the route "
            "to the clinic so client can use community resources on {his} own.",
            "Met client at the library to practice using community resources: client asked the "
            "desk for a library card, then found the computer room and signed up for a session "
            "with {prompts}.",
        ),
    },
)

#: every CPR plan has the two group themes, so each client can join the groups
CORE = (COPING, SOCIAL)
OPTIONAL = (DAILY_LIVING, HOUSING, EMPLOYMENT, WELLNESS, COMMUNITY)
ALL = (*CORE, *OPTIONAL)
BY_NAME = {d.name: d for d in ALL}

#: standing PSR group themes and the goal domain each serves
GROUP_TOPICS = (
    ("Coping skills for stress", "coping"),
    ("Coping with symptoms", "coping"),
    ("Social skills practice", "social"),
    ("Building social connections", "social"),
)

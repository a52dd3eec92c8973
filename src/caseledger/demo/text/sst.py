"""Socialization Skills Training: referral behaviors, intervention plan elements, goals, session
notes and monthly progress reports (the contents seed 000 asks for, in the demo's own words)."""

from __future__ import annotations

from caseledger.demo.text import Domain

COMMUNITY_PLACES = (
    "the grocery store on Fifth Street",
    "the public library",
    "the YMCA lobby",
    "a coffee shop downtown",
    "the farmers market",
    "the hardware store",
    "the community center",
)
_PLACES = {"community_place": COMMUNITY_PLACES}

CONVERSATION = Domain(
    "conversation",
    goals=(
        "Take turns in conversation: wait for others to finish before speaking during "
        "{setting}, with no more than one reminder per outing.",
    ),
    goal_slots={"setting": ("group outings", "community activities", "family meals")},
    note_slots=_PLACES,
    notes={
        "didactic": (
            "Taught the wait-then-speak skill for taking turns in conversation, using a short "
            "demonstration and role-play. Client interrupted in the first round and waited for "
            "the speaker to finish in the next three. Peer feedback noted steadier eye contact.",
            "Instruction on reading when a speaker is done (a pause, a question, eye contact). "
            "Client practiced spotting these cues in three scripted conversations and then took "
            "turns in conversation with a peer with {prompts}.",
        ),
        "community_practice": (
            "At {community_place}, client practiced taking turns in conversation while asking "
            "the clerk about an item. Client waited for the clerk to finish speaking {of_ten} "
            "times and needed {prompts}. Reviewed the outing afterward; client rated {his} own "
            "turn-taking as improved.",
            "Community practice at {community_place}: client started a short conversation with "
            "another customer and let the other person finish before answering. Staff gave "
            "{prompts}; client named what helped {him} wait for a turn.",
        ),
        "family_training": (
            "Met with {family} to show the cue used in sessions when client starts to interrupt "
            "(a raised hand, then a pause). {Family} practiced giving the cue during a short "
            "conversation; client waited for a turn after {prompts}. {Family} will use the same "
            "cue at home to support turn-taking in conversation.",
        ),
    },
)

FRUSTRATION = Domain(
    "frustration",
    goals=(
        "Manage frustration in public: use a calm voice and the walk-away plan instead of "
        "shouting when plans change at {setting2}.",
    ),
    goal_slots={"setting2": ("stores", "appointments", "the bus station")},
    note_slots=_PLACES,
    notes={
        "didactic": (
            "Instruction on the early signs of frustration (tight jaw, louder voice) and the "
            "three-step calm-down plan. Client identified {his} own early signs and rehearsed the "
            "walk-away plan twice in role-play, keeping a calm voice the second time.",
            "Taught how to ask a calm question when plans change ('What are my options?'). "
            "Client practiced the calm voice in four role-plays; peers rated {his} tone as calm "
            "in three of them.",
        ),
        "community_practice": (
            "During the outing to {community_place}, the item client wanted was out of stock. "
            "Client's voice rose, then client used the calm-down plan with {prompts} and asked "
            "staff when it would be back. Client managed the frustration without shouting and "
            "talked through what worked on the way out.",
            "At {community_place} the line was long and client began to pace. Client used the "
            "walk-away plan, stepped aside for a minute, and returned with a calm voice. Needed "
            "{prompts}; client reported the frustration dropped quickly.",
        ),
        "family_training": (
            "Taught {family} the calm-down plan and a short phrase to prompt it. Practiced a "
            "changed-plans scenario; {family} gave the prompt and client answered in a calm voice "
            "and used the walk-away plan after {prompts}.",
        ),
    },
)

BOUNDARIES = Domain(
    "boundaries",
    goals=(
        "Respect personal space and keep conversation topics appropriate with {who} in "
        "community settings.",
    ),
    goal_slots={"who": ("strangers", "store staff", "new acquaintances")},
    note_slots=_PLACES,
    notes={
        "didactic": (
            "Covered personal space and choosing conversation topics with people just met, using "
            "the arm's-length rule and a list of safe topics. Client sorted example topics into "
            "appropriate with {who} and better kept for family, with {prompts}.",
        ),
        "community_practice": (
            "At {community_place}, client practiced keeping an arm's length of personal space "
            "from {who} and choosing safe conversation topics. Client kept a comfortable distance "
            "in {of_ten} interactions; one comment was too personal and client corrected it after "
            "a cue.",
        ),
        "family_training": (
            "Met with {family} about personal space and appropriate topics. {Family} practiced "
            "the agreed cue (a light tap on the shoulder) while client told a story; client "
            "stepped back and changed the topic after {prompts}.",
        ),
    },
)

OUTINGS = Domain(
    "outings",
    goals=(
        "Take part in community activities such as {activity} and ask staff there for help "
        "politely when needed.",
    ),
    goal_slots={
        "activity": (
            "the library book club",
            "open swim at the YMCA",
            "a church supper",
            "the farmers market",
        )
    },
    notes={
        "didactic": (
            "Planned the next outing to {activity}: client practiced asking for help politely, "
            "what to say when introduced, and what to do if separated from the group. Client "
            "wrote a three-line script for asking for help and read it back without prompts.",
        ),
        "community_practice": (
            "Client attended {activity} with staff nearby and asked a staff member there for help "
            "finding a seat without prompting. Client introduced {him}self to one other person "
            "and stayed for the whole community activity.",
            "At {activity}, client asked for help politely at the front desk and waited for an "
            "answer; needed {prompts}. Client stayed with the group for the full activity.",
        ),
        "family_training": (
            "Reviewed with {family} how client did at {activity} and how to encourage community "
            "activities at home: plan the outing together, rehearse asking for help, praise the "
            "effort afterward. {Family} will plan one outing this week.",
        ),
    },
)

TRANSIT = Domain(
    "transit",
    goals=(
        "Learn to use community transportation (the paratransit van) to reach training "
        "sessions and community activities.",
    ),
    notes={
        "transport": (
            "Picked client up at home and brought {him} to the facility for the session. On the "
            "way client read the paratransit schedule card and pointed out where the van would "
            "stop, practice toward using community transportation alone.",
            "Transportation to the facility for the session. Client called the paratransit "
            "dispatcher from the van to ask how to book a ride for next week, with {prompts}, as "
            "a step toward using community transportation.",
        ),
        "community_practice": (
            "Practiced booking a paratransit trip with client: client called the dispatcher, "
            "gave {his} address and the pickup time, and repeated the confirmation number back. "
            "Step toward using community transportation for activities.",
        ),
        "didactic": (
            "Instruction on using community transportation: reading the paratransit schedule, "
            "booking a ride by phone and what to do if the van is late. Client role-played the "
            "booking call twice with {prompts}.",
        ),
        "family_training": (
            "Showed {family} how client books the paratransit van, so {family} can coach the "
            "call at home instead of giving rides. {Family} listened to client make a practice "
            "booking and agreed to step back from driving to community activities.",
        ),
    },
)

CORE = (CONVERSATION, FRUSTRATION, BOUNDARIES, OUTINGS)
ALL = (*CORE, TRANSIT)
BY_NAME = {d.name: d for d in ALL}

#: behaviors the planning team names at referral (seed 000, referral indicators), by domain
REFERRAL_BEHAVIORS = {
    "conversation": "Interrupts others and talks over them in groups",
    "frustration": "Raises voice and swears when plans change",
    "boundaries": "Stands very close to strangers and raises personal topics",
    "outings": "Leaves community activities early rather than ask for help",
}

#: the intervention plan elements (seed 000, service product), written from the plan's domains
PLAN = {
    "barriers": "The planning team identified: {behaviors}.",
    "skills_taught": "Skills to be taught and practiced: {skills}.",
    "strategies": (
        "Modeling and role-play during didactic instruction, cue cards, rehearsal before each "
        "outing, and praise for each attempt; family uses the same cues at home."
    ),
    "practice_environment": (
        "Community settings client uses: {places}; first practice at the facility, then in "
        "the community."
    ),
    "feedback_mechanism": (
        "Peer feedback in the end-of-session review, QHIP feedback to client weekly, and a "
        "monthly talk with {family} about progress."
    ),
    "frequency_duration": (
        "One three-hour half-day a week for about {weeks} weeks ({count} half-days)."
    ),
    "expected_achievement": (
        "Client uses the taught skills in at least 4 of 5 community outings with one reminder "
        "or less, and family reports more successful outings."
    ),
    "recommended_schedule": (
        "Weekly half-day sessions on {weekday}s, {session_time}: didactic instruction at the "
        "facility alternating with community practice; family training about once a month."
    ),
}
SKILLS = {
    "conversation": "waiting for a turn to speak",
    "frustration": "the calm voice and walk-away plan",
    "boundaries": "keeping personal space and choosing appropriate topics",
    "outings": "asking for help politely in community settings",
    "transit": "booking and riding the paratransit van",
}

#: monthly progress report sentences (seed 000, service product), by element
REPORT = {
    "barriers": (
        "Still seen: {behavior_lc}, mostly when client is tired or in crowded places.",
        "Continues, though less often than at the start of training: {behavior_lc}.",
    ),
    "progress": (
        "Client attended {count} half-day session(s) this month and used {skill} with fewer "
        "reminders during community practice.",
        "This month client practiced {skill} in {count} session(s); staff counted fewer prompts "
        "than last month.",
    ),
    "family_education": (
        "{Family} practiced the session cues for {skill} with staff.",
        "{Family} observed part of a session and learned how to prompt {skill}.",
    ),
    "family_response": (
        "{Family} used the cues at home twice and said they helped.",
        "{Family} found the prompt easy to use and asked for a written copy.",
    ),
    "effective_techniques": (
        "Role-play before outings and one-word cues worked best.",
        "Peer feedback right after practice and praise for each try worked best.",
    ),
    "next_priorities": (
        "Practice {skill} in a busier setting and fade staff prompts.",
        "Move practice to a new community place and have client lead the planning.",
    ),
    "expected_duration": (
        "About {left} more half-day session(s) within the current authorization.",
        "Roughly {left} more session(s) to reach the plan's expected level.",
    ),
    "expected_outcome": (
        "Client manages these situations in the community with little or no prompting.",
        "Client takes part in community activities of {his} choosing with family support.",
    ),
}
SERVICE_COORDINATOR = "AHI service coordinator, Central Region"

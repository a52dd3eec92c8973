"""Short goal and note texts for benchmark-sized data: a handful per program, each note sharing its
goal's key words, and the planted note faults of the demo (``plants.texts``) filled once."""

from __future__ import annotations

from caseledger.demo.plants import texts as planted
from caseledger.demo.text import fill

GOALS = {
    "cpr": (
        "Manage symptoms with coping skills so they no longer keep client from daily activities.",
        "Improve social skills and join one social activity each week.",
    ),
    "sud": (
        "Stay engaged in treatment: attend every scheduled session and call ahead if one must "
        "be missed.",
        "Build a sober support network: attend three recovery meetings each week and find a "
        "sponsor.",
    ),
    "sst": (
        "Take turns in conversation during community activities with no more than one reminder.",
        "Manage frustration in public with a calm voice and the walk-away plan.",
    ),
    "aba": (
        "Take turns and share materials with peers during play with no more than one prompt.",
        "Request help or a break using words instead of grabbing, in 80% of opportunities.",
    ),
}

#: (program, kind, goal number) -> note texts
NOTES: dict[tuple[str, str, int], tuple[str, ...]] = {
    ("cpr", "individual", 0): (
        "Practiced a grounding coping skill when symptoms rose; client rated distress lower "
        "afterward and will use the skill each evening.",
        "Reviewed client's coping log and rehearsed paced breathing as a coping skill for the "
        "hardest part of the day.",
    ),
    ("cpr", "individual", 1): (
        "Role-played starting a conversation as social skills practice; client will try it at "
        "this week's social activity.",
        "Planned a social activity for the weekend and rehearsed greetings to build social skills.",
    ),
    ("cpr", "group", 0): (
        "Group on coping skills for stress: client practiced box breathing with peers and named "
        "the coping skill to use this week.",
    ),
    ("cpr", "group", 1): (
        "Group on social skills: client practiced starting a conversation with a peer and set a "
        "social activity for the week.",
    ),
    ("sud", "arranging_services", 1): (
        "CSW showed client how to search the regional meeting list; client chose a Thursday "
        "recovery meeting and called the contact to confirm, adding to sober support.",
    ),
    ("sud", "coordination", 1): (
        "Phone call with client's sponsor, client present: agreed on weekend check-ins for sober "
        "support; client will call the sponsor before 7:00.",
    ),
    ("sud", "life_skills_training", 1): (
        "Rehearsed with client how to ask for phone numbers after a recovery meeting; client will "
        "collect two numbers of sober supports this week.",
    ),
    ("sst", "community_practice", 0): (
        "At the grocery store client practiced taking turns in conversation with the clerk and "
        "needed one prompt.",
    ),
    ("sst", "community_practice", 1): (
        "During the outing a plan changed; client used the walk-away plan and a calm voice, and "
        "the frustration passed quickly.",
    ),
    ("aba", "97153", 0): (
        "Practiced turn-taking and sharing during play; client waited for turns 7 of 10 times.",
    ),
    ("aba", "97153", 1): (
        "Ran the requesting program: client asked for a break or help using words in 8 of 10 "
        "opportunities.",
    ),
}

_SLOTS = {
    "weekday": "Tuesday",
    "fellowship": "recovery",
    "venue": "the community center annex",
    "him": "him",
    "goal_summary": "build a sober support network",
}
#: planted note faults, filled
DROVE = fill(planted.DROVE_TO_MEETING, _SLOTS)
TOUR = fill(planted.ORIENTATION, _SLOTS)
VAGUE = fill(planted.VAGUE, _SLOTS)
UNTIED = planted.UNTIED
TEXTED = fill(planted.TEXTED, _SLOTS)
ARRANGED_FOR = fill(planted.ARRANGED_FOR, _SLOTS)
GENERAL_INFORMATION = planted.GENERAL_INFORMATION
MIXED = NOTES[("sud", "arranging_services", 1)][0] + planted.MIXED_TAIL
GENERIC = planted.GENERIC

SST_PLAN = {
    "recommended_schedule": "One weekly half-day at the same time for twenty weeks.",
    "barriers": "Interrupts others in groups; raises voice when plans change.",
    "skills_taught": "Waiting for a turn to speak; the calm voice and walk-away plan.",
    "strategies": "Modeling, role-play, cue cards and rehearsal before each outing.",
    "practice_environment": "Stores, the library and community events the client uses.",
    "feedback_mechanism": "Peer feedback after each outing; weekly QHIP feedback to the family.",
    "frequency_duration": "One three-hour half-day a week for twenty weeks (20 half-days).",
    "expected_achievement": "Uses the skills in 4 of 5 outings with one reminder or less.",
}
SST_REPORT = {
    "barriers": "Still interrupts when tired or in crowds.",
    "progress": "Fewer prompts needed during community practice this month.",
    "family_education": "Family practiced the session cues with staff.",
    "family_response": "Family used the cues at home and found them helpful.",
    "effective_techniques": "Role-play before outings and one-word cues.",
    "next_priorities": "Practice in busier places and fade prompts.",
    "expected_duration": "The rest of the current twenty-week episode.",
    "expected_outcome": "Manages community outings with little prompting.",
}
REFERRAL = "Interrupts others and talks over them in groups"
VOICEMAIL = "Called client about the missed session; left a voicemail with the next session time."

"""Community support (CSW) goals and notes for SUD treatment plans.

Notes say what the worker did, for which goal, and how the client took part; they avoid the words
the community-support rules treat as non-billable or vague (seed 002): no driving, chart work,
medicines, specimens, counseling, paperwork or tours, and no leaning on "assisted" and the like.
Every note that arranges something also records how the client did part of it, so the client
learns to arrange it alone next time (seed 002, key function 4).
"""

from __future__ import annotations

from caseledger.demo.text import Domain

VENUES = (
    "the Unity church hall on Elm Street",
    "the recovery clubhouse on Main Street",
    "St. Brigid's parish center",
    "the community center annex",
    "the public library meeting room",
)

SUPPORT = Domain(
    "support",
    goals=(
        "Build a sober support network: attend {per_week} {fellowship} meetings each week and ask "
        "someone to serve as sponsor.",
        "Grow a circle of sober supports by going to {per_week} {fellowship} meetings a week and "
        "calling a sober contact or sponsor on hard days.",
    ),
    goal_slots={
        "fellowship": ("AA", "NA", "SMART Recovery", "Celebrate Recovery"),
        "per_week": ("two", "three", "four"),
    },
    note_slots={"venue": VENUES},
    notes={
        "arranging_services": (
            "Client said the {fellowship} meetings near {his} job start before {his} shift ends. "
            "CSW and client went through the regional meeting list together and found a {weekday} "
            "{evening_time} meeting at {venue}. CSW showed client how to filter the list by day "
            "and distance; client called the meeting contact from the office phone and confirmed "
            "the time. This brings client closer to {per_week} sober support meetings a week.",
            "Client asked where to find a {fellowship} meeting close to {his} new address. CSW "
            "showed client how to use the meeting finder, and client ran the search on {his} own; "
            "client located a {weekday} noon meeting at {venue} and saved the address and contact "
            "number in {his} phone. Client plans to try it this week to widen {his} sober support "
            "network.",
        ),
        "coordination": (
            "Phone call with client's {fellowship} sponsor, client present and consent on file. "
            "Reviewed how often client has been reaching out on weekends; the sponsor agreed to "
            "check in on {weekday} evenings, when client reports the strongest cravings. Client "
            "agreed to call the sponsor before {evening_time} on those days.",
        ),
        "life_skills_training": (
            "Client has no sponsor yet and said asking feels awkward. CSW and client wrote three "
            "short sentences client can use to ask someone after a {fellowship} meeting and "
            "rehearsed them twice. Client named two members at the {weekday} meeting {he} will "
            "approach about being a sponsor and will report back next session.",
            "Rehearsed with client how to introduce {him}self at a {fellowship} meeting and how to "
            "ask for phone numbers afterward. Client tried it twice and said the second try felt "
            "natural. Client will collect at least {few} numbers of sober contacts at the "
            "{weekday} meeting.",
        ),
        "crisis": (
            "Client called at {morning_time} saying an old using friend had come to the door and "
            "{he} was afraid of relapsing. CSW stayed on the line while client called {his} "
            "sponsor, then found a {fellowship} meeting starting within the hour at {venue}. "
            "Client agreed to go and to call back afterward; client called at noon and reported "
            "attending the meeting.",
        ),
    },
)

HOUSING = Domain(
    "housing",
    goals=(
        "Move into stable, alcohol- and drug-free housing ({housing_type}) before discharge.",
        "Secure safe, sober housing by completing the application for {housing_type} and "
        "keeping in touch with the house manager.",
    ),
    goal_slots={
        "housing_type": (
            "a sober living house",
            "an Oxford House",
            "a recovery residence",
            "a housing authority apartment",
        )
    },
    note_slots={
        "housing_org": (
            "the regional recovery housing office",
            "Hope Street Recovery Residences",
            "the county housing authority",
            "New Leaf Sober Living",
        )
    },
    notes={
        "arranging_services": (
            "Client's two roommates still use, and client named this as the biggest risk to "
            "{his} sobriety. With CSW beside {him}, client made the call to {housing_org} to ask "
            "about openings in {housing_type}, working from a list of questions they wrote first. "
            "Client was put on the waiting list for sober housing and noted the {weekday} "
            "application deadline.",
            "CSW and client went over the application for {housing_type}. Client filled in each "
            "section on {his} own; CSW pointed out the two items still missing, proof of income "
            "and a reference. Client will bring both on {weekday} and knows whom to call at "
            "{housing_org} if the housing list moves.",
        ),
        "coordination": (
            "Phone call with the house manager at {housing_org} about client's move-in date for "
            "{housing_type}, with client's consent. The manager confirmed an opening on {weekday} "
            "and that client must attend the house meeting that evening. Relayed the details to "
            "client, who repeated back the date and the house rules for sober housing.",
        ),
        "crisis": (
            "Client came in upset after being told to leave {his} current room by {weekday}; "
            "client said the only other option was staying with a cousin who uses. CSW located "
            "an emergency opening at {housing_org}, and client called from the office to accept "
            "it, keeping {his} plan for safe, sober housing on track.",
        ),
        "life_skills_training": (
            "CSW and client built a move-in budget for {housing_type}: first week's fee, deposit "
            "and groceries. Client worked out the amounts and found a gap of about forty dollars; "
            "client decided to ask {his} sister for the difference rather than delay the move "
            "into sober housing.",
        ),
    },
)

EMPLOYMENT = Domain(
    "employment",
    goals=(
        "Find {work_kind} that supports recovery, with help from Vocational Rehabilitation or "
        "the Missouri Job Center.",
        "Return to work: send {apps} job applications a week and register with the Missouri Job "
        "Center to find {work_kind}.",
    ),
    goal_slots={
        "work_kind": ("part-time work", "a full-time job", "a job with daytime hours"),
        "apps": ("two", "three"),
    },
    notes={
        "arranging_services": (
            "Client wants {work_kind} away from bars and late shifts. CSW showed client how to "
            "find the Missouri Job Center hiring events; client chose the {weekday} warehouse "
            "event and registered on the site on {his} own. Client will bring two copies of "
            "{his} resume to the job event.",
            "CSW gave client the Vocational Rehabilitation referral line. Client made the call "
            "from the office and set a first appointment for {weekday} at {morning_time}; client "
            "wrote down the address and what to bring. This starts the search for {work_kind}.",
        ),
        "coordination": (
            "Phone call with client's Vocational Rehabilitation specialist, client present. "
            "Discussed client's search for {work_kind} and the need for a schedule that leaves "
            "{weekday} evenings free for recovery meetings. The specialist will send two job "
            "openings that fit; client will apply to both by Friday.",
        ),
        "life_skills_training": (
            "Held a mock job interview with client for {work_kind}, working on how to explain a "
            "gap in work history honestly without oversharing about recovery. Client answered "
            "five common questions; on the second round the answers were shorter and clearer. "
            "Client plans to apply for {few} jobs this week.",
            "Client and CSW updated client's resume for {work_kind}; client typed the changes "
            "while CSW suggested wording for the two years client was out of work. Client printed "
            "three copies for the Missouri Job Center visit on {weekday}.",
        ),
    },
)

FAMILY = Domain(
    "family",
    goals=(
        "Involve {relative} in recovery: {relative} attends the program's family night and "
        "learns how to support sobriety at home.",
    ),
    goal_slots={"relative": ("client's mother", "client's spouse", "client's sister")},
    notes={
        "coordination": (
            "Phone call with {relative}, client present and consent on file. Explained when the "
            "program's family night meets and what happens there; they agreed to attend on "
            "{weekday}. Client and family named one thing at home that makes sobriety harder, "
            "alcohol kept in the kitchen, and agreed to remove it.",
        ),
        "arranging_services": (
            "Client wants family to understand recovery better. CSW showed client how to find "
            "the local Al-Anon meeting list; client chose the {weekday} meeting and phoned "
            "{relative} from the office to suggest it as support at home for client's sobriety.",
        ),
    },
)

HEALTH = Domain(
    "health",
    goals=(
        "Get a primary care check-up and keep follow-up visits for health problems left "
        "untreated during {substance} use.",
    ),
    goal_slots={"substance": ("alcohol", "opioid", "methamphetamine")},
    note_slots={
        "clinic": (
            "the community health center on Broadway",
            "the county health department clinic",
            "the sliding-fee clinic downtown",
        ),
    },
    notes={
        "arranging_services": (
            "Client has not had a check-up in four years. CSW gave client the number for "
            "{clinic}; client called and made {his} own primary care "
            "appointment for {weekday}. Together they wrote the questions client wants to ask "
            "the doctor at the check-up.",
            "Client missed the primary care follow-up last month and was unsure how to "
            "reschedule. CSW showed client the clinic's patient phone line; client called, gave "
            "{his} information and got a new follow-up visit on {weekday} at {morning_time}.",
        ),
    },
)

LEGAL = Domain(
    "legal",
    goals=(
        "Meet every probation requirement on time, including check-ins and the court date on "
        "the pending {charge} case.",
    ),
    goal_slots={"charge": ("DWI", "possession", "theft")},
    notes={
        "coordination": (
            "Phone call with client's probation officer, client present and release on file. "
            "Discussed client's progress in treatment and the planned discharge date; the officer "
            "confirmed the next probation check-in is on {weekday}. Client wrote the date in "
            "{his} planner and set a phone reminder.",
        ),
        "arranging_services": (
            "Client did not know how to reach the public defender on {his} {charge} case. CSW "
            "showed client how to look up the office on the court website; client called and "
            "left a message asking for the next court date, and will call again {weekday} if "
            "there is no answer.",
        ),
    },
)

SOBER_ACTIVITIES = Domain(
    "sober_activities",
    goals=(
        "Fill free time with {act_per_week} alcohol- and drug-free activities each week, such as "
        "{activity_example}.",
    ),
    goal_slots={
        "act_per_week": ("two", "three"),
        "activity_example": (
            "the recreation center's softball league",
            "volunteering at the food pantry",
            "the YMCA pool",
            "the bowling league at Lakeside Lanes",
        ),
    },
    notes={
        "arranging_services": (
            "Client said weekends are when {he} used most. CSW showed client how to reach the "
            "organizers of {activity_example}; client called them, asked the questions and "
            "learned that sign-up closes {weekday}. Client signed up the same afternoon, adding a "
            "drug-free activity to {his} week.",
        ),
        "life_skills_training": (
            "Client named Saturday afternoons as the hardest time to stay sober. CSW and client "
            "searched the city events page and picked {few} free, drug-free activities for the "
            "coming weekend, including {activity_example}; client added them to {his} phone "
            "calendar.",
        ),
    },
)

ENGAGEMENT = Domain(
    "engagement",
    goals=(
        "Stay engaged in treatment: attend every scheduled individual and group session and call "
        "the program ahead of any session that must be missed.",
        "Keep up with treatment by attending all scheduled sessions and calling ahead when a "
        "session cannot be attended.",
    ),
    note_slots={
        "reason": (
            "overslept after a late shift",
            "had to stay home with a sick child",
            "felt embarrassed about a slip over the weekend",
            "lost track of the day",
        )
    },
    notes={
        "re_engagement": (
            "Phone call to client after the missed {missed_day} session. Client said {he} "
            "{reason}. CSW and client went over the rest of this week's treatment schedule; "
            "client set two phone alarms during the call and confirmed {he} will attend the "
            "{weekday} session.",
            "Reached client by phone after the missed {missed_day} appointment; client said {he} "
            "{reason}. Client chose to move {his} next session to {weekday} and called the front "
            "desk during the call to make the change, so {he} stays engaged in treatment.",
        ),
    },
)

#: goals every SUD plan has, and the others a plan draws from
CORE = (ENGAGEMENT, SUPPORT)
OPTIONAL = (HOUSING, FAMILY, HEALTH, LEGAL, SOBER_ACTIVITIES)
ALL = (*CORE, EMPLOYMENT, *OPTIONAL)
BY_NAME = {d.name: d for d in ALL}

#: short phrases naming what a goal of each domain works toward, for plan meetings and discharge
SUMMARY = {
    "support": "build a sober support network",
    "housing": "secure sober housing",
    "employment": "find work that supports recovery",
    "family": "involve family in recovery",
    "health": "get a primary care check-up",
    "legal": "meet probation requirements",
    "sober_activities": "fill free time with drug-free activities",
    "engagement": "stay engaged in treatment",
}

#: notes for meetings and discharge planning; {goal_summary} lists the client's goals
PLAN_NOTES = {
    "plan_development": (
        "Took part in the scheduled meeting to develop client's initial treatment plan with "
        "client and the team. Reported the supports client named so far and the needs to "
        "address; the plan sets goals to {goal_summary}.",
        "Joined client and the treatment team for the scheduled initial plan meeting. Shared "
        "client's own priorities for community supports, which the team wrote into goals to "
        "{goal_summary}.",
    ),
    "plan_review": (
        "Attended the scheduled treatment plan review with client and the team. Reported "
        "progress on the goals to {goal_summary}; the team kept each goal and set new target "
        "dates.",
        "Scheduled plan review with client and the treatment team. Summarized what client has "
        "done toward the goals to {goal_summary} since the plan began; client agreed to the "
        "updated steps.",
    ),
    "initial_discharge_planning": (
        "{heading}\nMet with client early in treatment to begin discharge planning. Client "
        "listed what must be in place to stay sober after leaving the program: a safe place to "
        "live, people to call, and a weekly routine. CSW and client matched each need to the "
        "plan goals to {goal_summary} and named who can help with each.",
        "{heading}\nStarted discharge planning with client. Client identified the supports "
        "{he} will need after discharge and the obstacles most likely to get in the way; these "
        "were tied to the goals to {goal_summary}. Client will bring names and phone numbers of "
        "{his} sober contacts next session.",
    ),
    "discharge_planning": (
        "Discharge planning with client ahead of the planned discharge. Confirmed the aftercare "
        "supports in place for the goals to {goal_summary}. Client called the outpatient "
        "program during the session to set {his} first aftercare appointment.",
        "Reviewed client's discharge plan: meetings, contacts and next appointments that carry "
        "on the goals to {goal_summary}. Client wrote the list in {his} own words and will keep "
        "it by the phone.",
    ),
}
#: what the meeting encounter documents when it runs over its one unit for a stated reason
UNUSUAL_CIRCUMSTANCES = (
    "Client's interpreter arrived late; the review took two units so every goal could be read "
    "and agreed.",
    "Client's probation officer joined by phone and the team needed a second unit to settle the "
    "aftercare conditions.",
)

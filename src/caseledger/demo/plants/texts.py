"""Note texts of planted violations: each shows one documentation fault the community-support or
plan-link rules name (seed 002, tips for things not to do), written for the demo."""

from __future__ import annotations

#: CSW-NONBILLABLE: transporting a client to an appointment (seed 002, non-billable activity 7)
DROVE_TO_MEETING = (
    "CSW drove client to the {weekday} noon {fellowship} meeting at {venue} for sober support and "
    "waited in the car to bring {him} home afterward."
)
#: CSW-EXCLUDED-SERVICE: routine orientation (seed 002: tours and intake paperwork)
ORIENTATION = (
    "Gave client a tour of the treatment center and went through the intake paperwork with {him}."
)
#: CSW-MIXED-NOTE: a billable service and a non-billable task in one note
MIXED_TAIL = (
    " Afterward CSW reviewed the chart to make sure the progress notes and forms were complete."
)
#: CSW-VAGUE-TERMS: leaning on assisted / advocated / accompanied
VAGUE = (
    "CSW assisted client with sober support. Advocated for client with the {fellowship} group "
    "and accompanied client to a meeting."
)
#: CSW-GOAL-TIE and GEN-PLAN-GOAL-LINK: a contact tied to nothing in the plan
UNTIED = (
    "Met client at a coffee shop downtown. We talked for a while and then walked around the park."
)
#: CSW-NOT-VERBAL: a text message billed as community support
TEXTED = (
    "Texted client a reminder about the {weekday} {fellowship} meeting at {venue} and sent the "
    "sponsor's number for building sober support."
)
#: CSW-SELF-RELIANCE: arranging for the client with nothing done to build the client's own skill
ARRANGED_FOR = (
    "CSW called the {fellowship} district office, got the list of meetings near client's home "
    "for sober support and mailed the list to client."
)
#: CSW-GROUP-SUITABLE: general information better given in a group
GENERAL_INFORMATION = (
    "Went over relapse prevention education with client from the program's handouts: the stages "
    "of change, common warning signs and why sober support matters."
)
#: CSW-DISCHARGE-HEADING: initial discharge planning without its required heading
NO_HEADING = (
    "Discharge planning today. Client listed what must be in place to stay sober after leaving "
    "the program; these needs match the plan goals to {goal_summary}."
)
#: GEN-PLAN-GOAL-LINK: a note that names no goal and addresses none
GENERIC = (
    "Met with client for the scheduled session. Client talked about the weekend and said things "
    "are going all right. Will meet again next time."
)

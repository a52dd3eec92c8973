"""Signed plans with goals for every episode (rules.md GEN-PLAN-MISSING, GEN-PLAN-GOAL-LINK), and
the SST intervention plan's required elements and referral indicators (seed 000).

Plans start the day the episode starts and are signed that day, so a plan is in force on every day
a service can fall on. CPR and adaptive behavior plans are renewed every year; SUD and SST plans
run for the episode.
"""

from __future__ import annotations

import datetime as dt
import random

from caseledger.demo.calendar import ONE_DAY, Period, add_months
from caseledger.demo.clients import Episode
from caseledger.demo.model import Goal, Plan, Staff
from caseledger.demo.options import Ids
from caseledger.demo.staffing import active_on
from caseledger.demo.text import Domain, aba, cpr, fill, pronouns, sst, sud

LIBRARIES: dict[str, dict[str, Domain]] = {
    "cpr": cpr.BY_NAME,
    "sud": sud.BY_NAME,
    "sst": sst.BY_NAME,
    "aba": aba.BY_NAME,
}
PLAN_KINDS = {
    "cpr": "rehabilitation",
    "sud": "treatment",
    "sst": "intervention",
    "aba": "treatment",
}
SESSION_TIMES = {"am": "9:00 to 12:00", "pm": "13:00 to 16:00"}


def goals_for(plan_id: str, episode: Episode, rng: random.Random) -> list[Goal]:
    library = LIBRARIES[episode.program]
    out = []
    words = pronouns(episode.client.sex)
    for n, name in enumerate(episode.domains, start=1):
        domain = library[name]
        slots = episode.goal_slots[name]
        text = fill(rng.choice(domain.goals), words, slots)
        out.append(Goal(plan_id, f"G{n}", text, domain=name, slots=dict(slots)))
    return out


class Planner:
    def __init__(self, ids: Ids, rng: random.Random, period: Period, staff: list[Staff]) -> None:
        self.ids = ids
        self.rng = rng
        self.period = period
        self.staff = staff
        self.director = next(s for s in staff if s.role == "director")

    def signer(self, episode: Episode, day: dt.date) -> Staff:
        """The primary staff member if on the job that day, else the program's lead."""
        by_id = {s.staff_id: s for s in self.staff}
        primary = by_id.get(episode.primary_id or "")
        if primary is not None and active_on(primary, day):
            return primary
        lead_role = {"cpr": "director", "sud": "sud_lead", "sst": "qhip", "aba": "bcba"}
        for s in self.staff:
            if s.role == lead_role[episode.program] and active_on(s, day):
                return s
        return self.director

    def plans_for(self, episode: Episode) -> list[Plan]:
        start = episode.enrollment.start_date
        end = episode.enrollment.end_date
        spans: list[tuple[dt.date, dt.date | None]] = []
        if episode.program in ("cpr", "aba"):
            day = start
            while day <= episode.last:
                until = add_months(day, 12) - ONE_DAY
                if until >= episode.first:
                    spans.append((day, until if end is None else min(until, end)))
                day = until + ONE_DAY
        else:
            spans.append((start, end))
        plans = []
        for first, last in spans:
            plan_id = self.ids.new("P", 5)
            signer = self.signer(episode, first)
            plan = Plan(
                plan_id=plan_id,
                client_id=episode.client.client_id,
                program=episode.program,
                kind=PLAN_KINDS[episode.program],
                start_date=first,
                end_date=last,
                signed_by=signer.staff_id,
                signed_on=first,
                employment_considered=True if episode.program != "aba" else None,
            )
            plan.goals = goals_for(plan_id, episode, self.rng)
            if episode.program == "sst":
                self.sst_elements(plan, episode)
            plans.append(plan)
        return plans

    def sst_elements(self, plan: Plan, episode: Episode) -> None:
        """The intervention plan elements and schedule (seed 000, service product and service
        limitations), and the referral indicators on the enrollment (seed 000)."""
        rng = self.rng
        skill_domains = [d for d in episode.domains if d in sst.REFERRAL_BEHAVIORS]
        behaviors = "; ".join(sst.REFERRAL_BEHAVIORS[d].lower() for d in skill_domains)
        skills = ", ".join(sst.SKILLS[d] for d in episode.domains)
        places = ", ".join(rng.sample(sst.COMMUNITY_PLACES, 3))
        weekday = episode.first.strftime("%A")
        slots = {
            "behaviors": behaviors,
            "skills": skills,
            "places": places,
            "family": episode.client.family_member,
            "weeks": str(episode.half_days + 2),
            "count": str(episode.half_days),
            "weekday": weekday,
            "session_time": SESSION_TIMES[episode.session],
        }
        plan.recommended_schedule = fill(sst.PLAN["recommended_schedule"], slots)
        plan.barriers = fill(sst.PLAN["barriers"], slots)
        plan.skills_taught = fill(sst.PLAN["skills_taught"], slots)
        plan.strategies = fill(sst.PLAN["strategies"], slots)
        plan.practice_environment = fill(sst.PLAN["practice_environment"], slots)
        plan.feedback_mechanism = fill(sst.PLAN["feedback_mechanism"], slots)
        plan.frequency_duration = fill(sst.PLAN["frequency_duration"], slots)
        plan.expected_achievement = fill(sst.PLAN["expected_achievement"], slots)
        enrollment = episode.enrollment
        enrollment.referral_behaviors = sst.REFERRAL_BEHAVIORS[skill_domains[0]]
        enrollment.referral_interest = True
        enrollment.referral_ability = True

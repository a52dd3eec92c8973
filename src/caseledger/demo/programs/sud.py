"""Community support in SUD treatment (seed 002, 9 CSR 30-3.110): plan meetings at one unit per
client, an initial discharge planning session of at most four units headed as the seed asks,
weekly community support on the plan's goals, re-engagement calls after missed appointments, and
discharge planning before a planned discharge. Now and then a worker documents something that is
not billable (a question about medicines passed to the nurse) as a separate, unbilled entry."""

from __future__ import annotations

import datetime as dt
import re

from caseledger.demo import program_facts as pf
from caseledger.demo.calendar import add_business_days, business_days, next_business_day
from caseledger.demo.clients import Episode
from caseledger.demo.context import Context, NoteWriter, client_key, staff_key
from caseledger.demo.model import Plan, Staff
from caseledger.demo.staffing import active_on
from caseledger.demo.text import fill
from caseledger.demo.text import sud as words

CSW = pf.service("CSW")
_STARTS = [m * 15 for m in range(8 * 4 + 2, 16 * 4 + 2)]  # 08:30 .. 16:15
_ACTIVITIES = (
    ("arranging_services", 35),
    ("coordination", 25),
    ("life_skills_training", 20),
    ("crisis", 5),
)
_PLACES = {
    "arranging_services": ("facility", "facility", "community"),
    "coordination": ("facility",),
    "life_skills_training": ("facility", "community"),
    "crisis": ("facility",),
}
_BY_PHONE = re.compile(r"(Phone call|Client called|Reached client by phone)")
#: notes for things a worker documents but does not bill (seed 002: document them separately)
UNBILLED_NOTE = (
    "Client asked about side effects of a new prescription. Referred client to the program "
    "nurse, who saw client the same afternoon. Documented only; not billed as community support."
)
_MEETING_CHANCE_OF_UNUSUAL = 0.05


def assign(ctx: Context) -> None:
    rng = ctx.rng("sud")
    workers = ctx.roster.role("csw")
    load = {s.staff_id: 0 for s in workers}
    for ep in ctx.caseload.episodes_of("sud"):
        ready = [s for s in workers if active_on(s, max(ep.first, ctx.period.start))]
        pick = min(ready, key=lambda s: (load[s.staff_id], rng.random()))
        ep.primary_id = pick.staff_id
        load[pick.staff_id] += 1


def goal_summary(plan: Plan) -> str:
    phrases = [words.SUMMARY[g.domain] for g in plan.goals]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1] if len(phrases) > 1 else phrases[0]


class _Worker:
    def __init__(self, ctx: Context, writer: NoteWriter) -> None:
        self.ctx = ctx
        self.writer = writer
        self.rng = ctx.rng("sud-services")

    def book(
        self, ep: Episode, csw: Staff, day: dt.date, length: int, starts: list[int] | None = None
    ) -> int | None:
        options = list(starts or _STARTS)
        if starts is None:
            self.rng.shuffle(options)
        who = [client_key(ep.client.client_id), staff_key(csw.staff_id)]
        return self.ctx.try_times(who, day, length, options)

    def meeting(self, ep: Episode, csw: Staff, day: dt.date, activity: str) -> None:
        """One unit for the worker's part in a scheduled plan meeting (seed 002, key function 2);
        rarely two, with the unusual circumstances written down."""
        ctx = self.ctx
        plan = ctx.plan_on(ep.client.client_id, "sud", day)
        if plan is None:
            return
        unusual = None
        units = 1
        if activity == "plan_review" and self.rng.random() < _MEETING_CHANCE_OF_UNUSUAL:
            unusual = self.rng.choice(words.UNUSUAL_CIRCUMSTANCES)
            units = 2
        length = 15 * units + self.rng.randint(-3, 3)
        start = self.book(ep, csw, day, length)
        if start is None:
            return
        note = fill(
            self.rng.choice(words.PLAN_NOTES[activity]),
            {"goal_summary": goal_summary(plan)},
            self.writer.slots(ep.client),
        )
        enc = ctx.encounter(
            episode=ep,
            staff=csw,
            service=CSW,
            day=day,
            start=start,
            end=start + length,
            place="facility",
            note=note,
            goal_ids=tuple(g.goal_id for g in plan.goals),
            activity=activity,
            meeting_id=ctx.ids.new("MTG", 5),
        )
        enc.unusual_circumstances = unusual

    def planning(self, ep: Episode, csw: Staff, day: dt.date, activity: str, units: int) -> None:
        ctx = self.ctx
        plan = ctx.plan_on(ep.client.client_id, "sud", day)
        if plan is None:
            return
        length = 15 * units + self.rng.randint(-4, 4)
        start = self.book(ep, csw, day, length)
        if start is None:
            return
        extra = {"goal_summary": goal_summary(plan), "heading": pf.CSW_DISCHARGE_HEADING}
        note = fill(
            self.rng.choice(words.PLAN_NOTES[activity]), self.writer.slots(ep.client, extra)
        )
        ctx.encounter(
            episode=ep,
            staff=csw,
            service=CSW,
            day=day,
            start=start,
            end=start + length,
            place="facility",
            note=note,
            goal_ids=tuple(g.goal_id for g in plan.goals if g.domain != "engagement"),
            activity=activity,
        )

    def support(self, ep: Episode, csw: Staff, day: dt.date) -> None:
        ctx, rng = self.ctx, self.rng
        plan = ctx.plan_on(ep.client.client_id, "sud", day)
        if plan is None:
            return
        activity = rng.choices([a for a, _ in _ACTIVITIES], weights=[w for _, w in _ACTIVITIES])[0]
        goals = [g for g in plan.goals if activity in words.BY_NAME[g.domain].notes]
        if not goals:
            return
        goal = rng.choice(goals)
        note = self.writer.write(words.BY_NAME[goal.domain], activity, ep.client, goal.slots)
        # the place follows what the note describes: a call is a telephone contact
        place = "telephone" if _BY_PHONE.match(note) else rng.choice(_PLACES[activity])
        units = (
            rng.choices((1, 2), weights=(70, 30))[0]
            if place == "telephone"
            else (rng.choices((1, 2, 3, 4), weights=(20, 40, 30, 10))[0])
        )
        length = 15 * units + rng.randint(-4, 4)
        start = self.book(ep, csw, day, length)
        if start is None:
            return
        if activity != "crisis" and rng.random() < 0.07:
            self.no_show(ep, csw, day, start)
            return
        ctx.encounter(
            episode=ep,
            staff=csw,
            service=CSW,
            day=day,
            start=start,
            end=start + length,
            place=place,
            note=note,
            goal_ids=(goal.goal_id,),
            activity=activity,
        )

    def no_show(self, ep: Episode, csw: Staff, day: dt.date, start: int) -> None:
        """A missed session, the follow-up call, and when the client answers, a billable
        re-engagement call (seed 002, key function 3)."""
        ctx, rng = self.ctx, self.rng
        reached = rng.random() < 0.7
        note = "Reached client by phone about the missed session; see the re-engagement note."
        _, contact = ctx.missed(ep, csw, "CSW", day, start, note if reached else None)
        if contact is None or not reached:
            return
        at = contact.at
        plan = ctx.plan_on(ep.client.client_id, "sud", at.date())
        goal = plan.goal("engagement") if plan else None
        minute = at.hour * 60 + at.minute
        length = rng.randint(10, 18)
        who = [client_key(ep.client.client_id), staff_key(csw.staff_id)]
        if (
            goal is None
            or not active_on(csw, at.date())
            or not all(ctx.book.free(w, at.date(), minute, minute + length) for w in who)
        ):
            contact.note = "Called client about the missed session; no answer, left a voicemail."
            return
        extra = {"missed_day": day.strftime("%A")}
        text = self.writer.write(words.ENGAGEMENT, "re_engagement", ep.client, goal.slots, extra)
        ctx.encounter(
            episode=ep,
            staff=csw,
            service=CSW,
            day=at.date(),
            start=minute,
            end=minute + length,
            place="telephone",
            note=text,
            goal_ids=(goal.goal_id,),
            activity="re_engagement",
        )

    def unbilled(self, ep: Episode, csw: Staff, day: dt.date) -> None:
        start = self.book(ep, csw, day, 10)
        if start is None:
            return
        self.ctx.encounter(
            episode=ep,
            staff=csw,
            service=CSW,
            day=day,
            start=start,
            end=start + 10,
            place="facility",
            note=UNBILLED_NOTE,
            activity="medication",
            billable=False,
        )


def schedule(ctx: Context) -> None:
    worker = _Worker(ctx, NoteWriter(ctx.rng("sud-notes")))
    rng = worker.rng
    staff = ctx.staff_by_id
    for ep in ctx.caseload.episodes_of("sud"):
        csw = staff[ep.primary_id or ""]
        start = ep.enrollment.start_date
        if start >= ctx.period.start:
            first = next_business_day(start)
            worker.meeting(ep, csw, first, "plan_development")
            idp_day = add_business_days(first, rng.randint(1, 6))
            if idp_day <= ep.last:
                units = rng.randint(2, pf.CSW_DISCHARGE_PLANNING_MAX_UNITS)
                worker.planning(ep, csw, idp_day, "initial_discharge_planning", units)
        review = next_business_day(start + dt.timedelta(days=90))
        if ep.first <= review <= ep.last and (ep.last - start).days >= 100:
            worker.meeting(ep, csw, review, "plan_review")
        end = ep.enrollment.end_date
        if end is not None and ep.first <= end <= ctx.period.end:
            day = next_business_day(end - dt.timedelta(days=rng.randint(7, 18)))
            if day >= ep.first:
                worker.planning(ep, csw, day, "discharge_planning", 2)
        days = business_days(max(ep.first, start + dt.timedelta(days=10)), ep.last)
        for i in range(0, len(days), 5):
            week = days[i : i + 5]
            for day in sorted(rng.sample(week, min(len(week), 2 if rng.random() < 0.15 else 1))):
                if rng.random() < 0.9:
                    worker.support(ep, csw, day)
                elif rng.random() < 0.3:
                    worker.unbilled(ep, csw, day)

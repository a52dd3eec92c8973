"""Psychosocial rehabilitation (seed 001): individual H2017HO / H2017P sessions and standing PSR
groups billed H2017HOHQ / H2017S, each consumer with an individual note.

Groups hold at most eight consumers per professional leading them (seed 001, group maximum); one
group is co-led by two professionals and may grow past eight, as the ratio allows.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from caseledger.demo import program_facts as pf
from caseledger.demo.calendar import business_days, month_end, month_start
from caseledger.demo.clients import Episode
from caseledger.demo.context import Context, NoteWriter, client_key, staff_key
from caseledger.demo.model import GroupSession, Staff, clock
from caseledger.demo.staffing import active_on
from caseledger.demo.text import cpr as words

_INDIVIDUAL_STARTS = [m * 15 for m in range(9 * 4, 16 * 4)]  # 09:00 .. 15:45
_GROUP_TIMES = ((10 * 60, 90), (13 * 60 + 30, 60), (14 * 60, 90), (10 * 60 + 30, 60))
#: a co-led group may hold more than eight: up to this many, under two leaders
CO_LED_SIZE = 11


@dataclass
class StandingGroup:
    leaders: list[Staff]
    weekday: int
    start: int
    length: int
    topic: str
    domain: str
    members: list[Episode] = field(default_factory=list)


def assign_primaries(ctx: Context, episodes: list[Episode]) -> None:
    """Each client gets a professional on the job when services start; the new and the soon-due
    hire take over a share of clients once they are trained."""
    rng = ctx.rng("cpr")
    pros = ctx.roster.role("cpr")
    load = {s.staff_id: 0 for s in pros}
    for ep in episodes:
        ready = [s for s in pros if active_on(s, ep.first)]
        choice = min(ready, key=lambda s: (load[s.staff_id], rng.random()))
        ep.primary_id = choice.staff_id
        load[choice.staff_id] += 1
    share = max(2, math.ceil(len(episodes) / len(pros)) // 2)
    for mark in ("new", "due"):
        hire = ctx.roster.marked[mark]
        ready_on = hire.ready_on or hire.hire_date
        if ready_on > ctx.period.end:
            continue
        open_ = [ep for ep in episodes if ep.last > ready_on and ep.handoff is None]
        for ep in rng.sample(open_, min(share, len(open_))):
            ep.handoff = (max(ready_on, ep.first), hire.staff_id)


def standing_groups(ctx: Context, episodes: list[Episode]) -> list[StandingGroup]:
    rng = ctx.rng("cpr")
    leaders = [s for s in ctx.roster.role("cpr") if active_on(s, ctx.period.start)]
    groups = []
    for i, leader in enumerate(leaders):
        topic, domain = words.GROUP_TOPICS[i % len(words.GROUP_TOPICS)]
        start, length = _GROUP_TIMES[i % len(_GROUP_TIMES)]
        groups.append(StandingGroup([leader], i % 5, start, length, topic, domain))
    if len(leaders) >= 2:
        groups[0].leaders.append(leaders[1])
        groups[0].weekday = (groups[1].weekday + 2) % 5
    pool = list(episodes)
    rng.shuffle(pool)
    seats = {
        id(g): (CO_LED_SIZE if len(g.leaders) > 1 else pf.PSR_GROUP_MAX_PER_PROFESSIONAL)
        for g in groups
    }
    for ep in pool:
        # some clients take no group, once every group has a few members
        if rng.random() < 0.15 and all(len(g.members) >= 3 for g in groups):
            continue
        options = [g for g in groups if len(g.members) < seats[id(g)]]
        if options:
            least = min(len(g.members) / seats[id(g)] for g in options)
            rng.choice(
                [g for g in options if len(g.members) / seats[id(g)] == least]
            ).members.append(ep)
    return groups


def run_groups(ctx: Context, groups: list[StandingGroup], writer: NoteWriter) -> None:
    rng = ctx.rng("cpr-groups")
    library = words.BY_NAME
    for day in business_days(ctx.period.start, ctx.period.end):
        for g in groups:
            if day.weekday() != g.weekday:
                continue
            end = g.start + g.length
            leaders = [s for s in g.leaders if active_on(s, day)]
            if len(leaders) != len(g.leaders) or not all(
                ctx.book.free(staff_key(s.staff_id), day, g.start, end) for s in leaders
            ):
                continue
            attendees = []
            for ep in g.members:
                if not ep.first <= day <= ep.last or rng.random() > 0.8:
                    continue
                if ctx.plan_on(ep.client.client_id, "cpr", day) is None:
                    continue
                if ctx.book.free(client_key(ep.client.client_id), day, g.start, end):
                    attendees.append(ep)
            if len(attendees) < 2:
                continue
            session = GroupSession(
                group_id=ctx.ids.new("tmpG", 6),
                service_code="H2017",
                date=day,
                start_time=clock(g.start),
                end_time=clock(end),
                staff_ids=tuple(s.staff_id for s in leaders),
                place="facility",
                topic=g.topic,
            )
            ctx.data.groups.append(session)
            for s in leaders:
                ctx.book.hold(staff_key(s.staff_id), day, g.start, end, session.group_id)
            for n, ep in enumerate(attendees):
                plan = ctx.plan_on(ep.client.client_id, "cpr", day)
                assert plan is not None
                goal = plan.goal(g.domain)
                assert goal is not None
                note = writer.write(library[g.domain], "group", ep.client, goal.slots)
                ctx.encounter(
                    episode=ep,
                    staff=leaders[n % len(leaders)],
                    service=pf.PSR_GROUP[ep.enrollment.funding],
                    day=day,
                    start=g.start,
                    end=end,
                    place="facility",
                    note=note,
                    goal_ids=(goal.goal_id,),
                    group_id=session.group_id,
                )


_PLACES = {
    "daily_living": ("home", "home", "community"),
    "community": ("community",),
    "housing": ("facility", "home"),
}


def run_individual(ctx: Context, episodes: list[Episode], writer: NoteWriter) -> None:
    rng = ctx.rng("cpr-individual")
    staff = ctx.staff_by_id
    for ep in episodes:
        month = month_start(ep.first)
        while month <= ep.last:
            days = business_days(max(month, ep.first), min(month_end(month), ep.last))
            for day in sorted(rng.sample(days, min(len(days), rng.randint(2, 5)))):
                pro = staff[ep.staff_on(day) or ""]
                if not active_on(pro, day):
                    continue
                plan = ctx.plan_on(ep.client.client_id, "cpr", day)
                if plan is None:
                    continue
                units = rng.choices((2, 3, 4), weights=(35, 40, 25))[0]
                length = 15 * units + rng.randint(-5, 5)
                starts = list(_INDIVIDUAL_STARTS)
                rng.shuffle(starts)
                who = [client_key(ep.client.client_id), staff_key(pro.staff_id)]
                start = ctx.try_times(who, day, length, starts)
                if start is None:
                    continue
                service = pf.PSR_INDIVIDUAL[ep.enrollment.funding]
                if rng.random() < 0.06:
                    ctx.missed(ep, pro, service.code, day, start)
                    continue
                goal = plan.goals[rng.randrange(len(plan.goals))]
                place = rng.choice(_PLACES.get(goal.domain, ("facility", "facility", "community")))
                note = writer.write(words.BY_NAME[goal.domain], "individual", ep.client, goal.slots)
                ctx.encounter(
                    episode=ep,
                    staff=pro,
                    service=service,
                    day=day,
                    start=start,
                    end=start + length,
                    place=place,
                    note=note,
                    goal_ids=(goal.goal_id,),
                )
            month = month_start(month_end(month) + dt.timedelta(days=1))


def assign(ctx: Context) -> None:
    assign_primaries(ctx, ctx.caseload.episodes_of("cpr"))


def schedule(ctx: Context) -> None:
    episodes = ctx.caseload.episodes_of("cpr")
    writer = NoteWriter(ctx.rng("cpr-notes"))
    run_groups(ctx, standing_groups(ctx, episodes), writer)
    run_individual(ctx, episodes, writer)

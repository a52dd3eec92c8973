"""Adaptive behavior treatment (seed 003 and public CPT facts).

The 2018 history has 0372T social skills groups (untimed, one unit a session, in force until
2018-12-31). From 2019 on the 15-minute codes take over: 97153 by a technician twice a week, 97155
protocol modification by the analyst every other week, 97156 family guidance monthly, 97158
analyst-led and 97154 technician-led social skills groups of at most eight (ABA-GROUP-SIZE), and a
monthly 97157 caregiver group."""

from __future__ import annotations

import datetime as dt

from caseledger.demo import program_facts as pf
from caseledger.demo.calendar import business_days
from caseledger.demo.clients import Episode
from caseledger.demo.context import Context, NoteWriter, client_key, staff_key
from caseledger.demo.model import GroupSession, Staff, clock
from caseledger.demo.staffing import active_on
from caseledger.demo.text import aba as words

#: weekday pairs for the twice-weekly 97153 sessions (Mon/Thu, Tue/Fri); groups meet Wednesdays
PATTERNS = ((0, 3), (1, 4))
AFTER_SCHOOL = 15 * 60 + 30
#: sessions may start from early afternoon (shortened school days, clinic programs) to evening
_STARTS = [13 * 60 + 15 * k for k in range(0, 19)]
GROUP_DAY = 2
#: (code, start minute, length, led by) of the Wednesday groups
GROUPS = (
    ("97158", 15 * 60 + 30, 60, "bcba"),
    ("97154", 16 * 60 + 45, 60, "rbt"),
    ("97157", 18 * 60, 90, "bcba"),
)
GROUP_SEATS = 6


def assign(ctx: Context) -> None:
    rng = ctx.rng("aba")
    analysts = ctx.roster.role("bcba")
    techs = ctx.roster.role("rbt")
    for ep in ctx.caseload.episodes_of("aba"):
        day = ep.first
        ep.primary_id = rng.choice([a for a in analysts if active_on(a, day)]).staff_id
        # technicians join in 2019, when the 15-minute codes begin
        tech_day = max(day, pf.CODE_0372T_DELETED + dt.timedelta(days=7))
        ep.partner_id = rng.choice([t for t in techs if active_on(t, tech_day)]).staff_id


def _active(ctx: Context, role: str, preferred: str | None, day: dt.date) -> list[Staff]:
    by_id = ctx.staff_by_id
    own = by_id.get(preferred or "")
    rest = [s for s in ctx.roster.role(role) if s is not own]
    return [s for s in ([own] if own else []) + rest if active_on(s, day)]


class _Sessions:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.writer = NoteWriter(ctx.rng("aba-notes"))
        self.rng = ctx.rng("aba-sessions")

    def individual(self, ep: Episode, code: str, day: dt.date, length: int, place: str) -> None:
        ctx = self.ctx
        if day < pf.CODE_0372T_DELETED:
            return
        plan = ctx.plan_on(ep.client.client_id, "aba", day)
        if plan is None:
            return
        role = "rbt" if code == "97153" else "bcba"
        preferred = ep.partner_id if role == "rbt" else ep.primary_id
        starts = [m for m in _STARTS if m + length <= 19 * 60 + 30]
        for staff in _active(ctx, role, preferred, day):
            who = [client_key(ep.client.client_id), staff_key(staff.staff_id)]
            start = ctx.try_times(who, day, length, starts)
            if start is None:
                continue
            goal = plan.goals[self.rng.randrange(len(plan.goals))]
            note = self.writer.write(words.BY_NAME[goal.domain], code, ep.client, goal.slots)
            ctx.encounter(
                episode=ep,
                staff=staff,
                service=pf.service(code),
                day=day,
                start=start,
                end=start + length,
                place=place,
                note=note,
                goal_ids=(goal.goal_id,),
                authorization=ctx.authorization(ep, code, day),
            )
            return

    def group(
        self,
        code: str,
        day: dt.date,
        start: int,
        length: int,
        leader: Staff,
        members: list[Episode],
    ) -> None:
        ctx = self.ctx
        end = start + length
        if not ctx.book.free(staff_key(leader.staff_id), day, start, end):
            return
        attendees = [
            ep
            for ep in members
            if ep.first <= day <= ep.last
            and self.rng.random() < 0.85
            and ctx.plan_on(ep.client.client_id, "aba", day) is not None
            and ctx.book.free(client_key(ep.client.client_id), day, start, end)
        ]
        if len(attendees) < 2:
            return
        session = GroupSession(
            ctx.ids.new("tmpG", 6), code, day, clock(start), clock(end), (leader.staff_id,),
            "facility", topic="social skills",
        )  # fmt: skip
        ctx.data.groups.append(session)
        ctx.book.hold(staff_key(leader.staff_id), day, start, end, session.group_id)
        kind = code if code in ("0372T", "97157") else "group"
        for ep in attendees:
            plan = ctx.plan_on(ep.client.client_id, "aba", day)
            assert plan is not None
            goal = plan.goal("social")
            assert goal is not None
            ctx.encounter(
                episode=ep,
                staff=leader,
                service=pf.service(code),
                day=day,
                start=start,
                end=end,
                place="facility",
                note=self.writer.write(words.SOCIAL, kind, ep.client, goal.slots),
                goal_ids=(goal.goal_id,),
                group_id=session.group_id,
                authorization=ctx.authorization(ep, code, day),
            )


def _groups(
    ctx: Context, s: _Sessions, episodes: list[Episode], first: dt.date, last: dt.date
) -> None:
    rng = s.rng
    pool = list(episodes)
    rng.shuffle(pool)
    rosters = {
        "97158": pool[:GROUP_SEATS],
        "97154": pool[GROUP_SEATS : 2 * GROUP_SEATS],
        "97157": pool[:GROUP_SEATS],
    }
    for day in business_days(first, last):
        if day.weekday() != GROUP_DAY:
            continue
        if day < pf.CODE_0372T_DELETED:
            leader = _active(ctx, "bcba", None, day)
            if leader:
                s.group("0372T", day, AFTER_SCHOOL, 60, leader[0], pool[:GROUP_SEATS])
            continue
        for code, start, length, role in GROUPS:
            if code == "97157" and day.day > 7:  # the caregiver group meets once a month
                continue
            leaders = _active(ctx, role, None, day)
            members = rosters[code]
            if leaders and len(members) >= 2:
                s.group(
                    code,
                    day,
                    start,
                    length,
                    leaders[day.isocalendar().week % len(leaders)],
                    members,
                )


def schedule(ctx: Context) -> None:
    s = _Sessions(ctx)
    rng = s.rng
    episodes = ctx.caseload.episodes_of("aba")
    history = [ep for ep in episodes if ep.history]
    current = [ep for ep in episodes if not ep.history]
    if history:
        _groups(ctx, s, history, min(ep.first for ep in history), max(ep.last for ep in history))
    if current:
        _groups(ctx, s, current, ctx.period.start, ctx.period.end)
    for ep in episodes:
        pattern = rng.choice(PATTERNS)
        analyst_day, family_day = [d for d in range(5) if d not in pattern and d != GROUP_DAY]
        place = rng.choice(("home", "home", "facility"))
        for day in business_days(ep.first, ep.last):
            if day.weekday() in pattern:
                s.individual(ep, "97153", day, rng.choice((120, 135, 150, 165, 180)), place)
            elif day.weekday() == analyst_day and day.isocalendar().week % 2 == 0:
                s.individual(ep, "97155", day, 60 + rng.randint(-4, 4), place)
            elif day.weekday() == family_day and day.day <= 7:
                s.individual(
                    ep,
                    "97156",
                    day,
                    60 + rng.randint(-4, 4),
                    rng.choice((place, "facility", "video")),
                )

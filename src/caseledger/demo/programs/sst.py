"""Socialization Skills Training (seed 000): one three-hour half-day a week on the weekday and
time the plan recommends, rotating didactic instruction led by the QHIP, community practice with a
direct-care worker, and family training; transportation to facility sessions for clients who have
no other way to get there, under its own authorization."""

from __future__ import annotations

import datetime as dt

from caseledger.demo import program_facts as pf
from caseledger.demo.calendar import is_business_day
from caseledger.demo.clients import Episode
from caseledger.demo.context import Context, NoteWriter, client_key, staff_key
from caseledger.demo.model import Staff
from caseledger.demo.staffing import active_on
from caseledger.demo.text import sst as words

SST = pf.service("SST")
TRANSPORT = pf.service("SST-TRANSPORT")
SESSION_START = {"am": 9 * 60, "pm": 13 * 60}
TRANSPORT_MINUTES = 30
#: the order of session kinds through an episode
ROTATION = ("didactic", "community_practice", "community_practice", "family_training")
PLACES = {"didactic": "facility", "community_practice": "community", "family_training": "facility"}


def assign(ctx: Context) -> None:
    rng = ctx.rng("sst")
    qhips = ctx.roster.role("qhip")
    workers = ctx.roster.role("direct_care")
    for ep in ctx.caseload.episodes_of("sst"):
        ep.session = rng.choice(("am", "pm"))
        ready_q = [s for s in qhips if active_on(s, ep.first)]
        ready_w = [s for s in workers if active_on(s, ep.first)]
        ep.primary_id = rng.choice(ready_q).staff_id
        ep.partner_id = rng.choice(ready_w).staff_id


def _staff_for(ctx: Context, kind: str, ep: Episode, day: dt.date) -> list[Staff]:
    """The client's own QHIP or worker first, then colleagues in the same role."""
    by_id = ctx.staff_by_id
    role = "direct_care" if kind == "community_practice" else "qhip"
    own = by_id[(ep.partner_id if role == "direct_care" else ep.primary_id) or ""]
    others = [s for s in ctx.roster.role(role) if s is not own]
    return [s for s in (own, *others) if active_on(s, day)]


def schedule(ctx: Context) -> None:
    writer = NoteWriter(ctx.rng("sst-notes"))
    for ep in ctx.caseload.episodes_of("sst"):
        start = SESSION_START[ep.session]
        end = start + pf.SST_HALF_DAY_MINUTES
        day = ep.first
        done = 0
        while done < ep.half_days and day <= ep.last:
            booked = False
            for offset in range(3):  # a holiday or a full day moves the session later that week
                when = day + dt.timedelta(days=offset)
                if when > ep.last or not is_business_day(when):
                    continue
                if _session(ctx, writer, ep, when, done, start, end):
                    booked = True
                    break
            done += booked
            day += dt.timedelta(days=7)


def _session(
    ctx: Context,
    writer: NoteWriter,
    ep: Episode,
    day: dt.date,
    index: int,
    start: int,
    end: int,
) -> bool:
    kind = ROTATION[index % len(ROTATION)]
    plan = ctx.plan_on(ep.client.client_id, "sst", day)
    if plan is None or not ctx.book.free(client_key(ep.client.client_id), day, start, end):
        return False
    staff = next(
        (
            s
            for s in _staff_for(ctx, kind, ep, day)
            if ctx.book.free(staff_key(s.staff_id), day, start, end)
        ),
        None,
    )
    if staff is None:
        return False
    place = PLACES[kind]
    transport_driver = None
    if ep.transport and place == "facility":
        t_start = start - TRANSPORT_MINUTES - 15
        transport_driver = next(
            (
                s
                for s in ctx.roster.role("direct_care")
                if active_on(s, day)
                and ctx.book.free(staff_key(s.staff_id), day, t_start, t_start + TRANSPORT_MINUTES)
                and s is not staff
            ),
            None,
        )
        if transport_driver is None:
            return False
    skill_goals = [g for g in plan.goals if g.domain != "transit" or kind == "community_practice"]
    goal = skill_goals[index % len(skill_goals)]
    note = writer.write(words.BY_NAME[goal.domain], kind, ep.client, goal.slots)
    ctx.encounter(
        episode=ep,
        staff=staff,
        service=SST,
        day=day,
        start=start,
        end=end,
        place=place,
        note=note,
        goal_ids=(goal.goal_id,),
        activity=kind,
        authorization=ctx.authorization(ep, "SST", day),
    )
    if transport_driver is not None:
        transit = plan.goal("transit")
        assert transit is not None
        t_start = start - TRANSPORT_MINUTES - 15
        ctx.encounter(
            episode=ep,
            staff=transport_driver,
            service=TRANSPORT,
            day=day,
            start=t_start,
            end=t_start + TRANSPORT_MINUTES,
            place="community",
            note=writer.write(words.TRANSIT, "transport", ep.client, transit.slots),
            goal_ids=(transit.goal_id,),
            authorization=ctx.authorization(ep, "SST-TRANSPORT", day, kind="transportation"),
        )
    return True

"""Planted violations of the psychosocial rehabilitation rules (seed 001)."""

from __future__ import annotations

import datetime as dt

from caseledger.demo import program_facts as pf
from caseledger.demo.calendar import ONE_DAY, add_months
from caseledger.demo.context import NoteWriter, client_key, staff_key
from caseledger.demo.model import Credential, Encounter, Staff
from caseledger.demo.plants import PlantError, Planting
from caseledger.demo.text import cpr as words

_TOPIC_DOMAIN = dict(words.GROUP_TOPICS)


def plant(p: Planting) -> None:
    for step in (group_size, staff_license, initial_training, six_month_training, training_due):
        step(p)


def _rendered(p: Planting, staff: Staff) -> list[Encounter]:
    return sorted(
        (e for e in p.ctx.data.encounters
         if e.staff_id == staff.staff_id and e.program == "cpr" and e.billable),
        key=lambda e: (e.date, e.start_time or dt.time(0)),
    )  # fmt: skip


def group_size(p: Planting) -> None:
    """PSR-GROUP-SIZE: a group led by one professional grows to nine consumers."""
    ctx = p.ctx
    writer = NoteWriter(p.rng)
    sessions = [
        g
        for g in ctx.data.groups
        if g.service_code == "H2017" and len(g.staff_ids) == 1 and g.date >= ctx.period.start
    ]
    members: dict[str, list[Encounter]] = {}
    for e in ctx.data.encounters:
        if e.group_id is not None:
            members.setdefault(e.group_id, []).append(e)
    for g in sorted(sessions, key=lambda g: (-len(members.get(g.group_id, [])), g.group_id)):
        present = members.get(g.group_id, [])
        if not all(p.free(e) for e in present):
            continue
        start = g.start_time.hour * 60 + g.start_time.minute
        end = g.end_time.hour * 60 + g.end_time.minute
        joiners = []
        seen = {e.client_id for e in present}
        for ep in ctx.caseload.episodes_of("cpr"):
            cid = ep.client.client_id
            if cid in seen or not ep.first <= g.date <= ep.last:
                continue
            if ctx.plan_on(cid, "cpr", g.date) and ctx.book.free(
                client_key(cid), g.date, start, end
            ):
                joiners.append(ep)
        need = pf.PSR_GROUP_MAX_PER_PROFESSIONAL + 1 - len(present)
        if len(joiners) < need:
            continue
        leader = ctx.staff_by_id[g.staff_ids[0]]
        domain = _TOPIC_DOMAIN[g.topic]
        p.take(*present)
        for ep in joiners[:need]:
            plan = ctx.plan_on(ep.client.client_id, "cpr", g.date)
            assert plan is not None
            goal = plan.goal(domain)
            assert goal is not None
            e = ctx.encounter(
                episode=ep,
                staff=leader,
                service=pf.PSR_GROUP[ep.enrollment.funding],
                day=g.date,
                start=start,
                end=end,
                place="facility",
                note=writer.write(words.BY_NAME[domain], "group", ep.client, goal.slots),
                goal_ids=(goal.goal_id,),
                group_id=g.group_id,
            )
            e.encounter_id = ctx.ids.new("E", 7)
            p.take(e)
        p.record(
            "PSR-GROUP-SIZE",
            "group",
            g.group_id,
            f"{len(present) + need} consumers with one professional",
        )
        return
    raise PlantError("no PSR group that can grow to nine")


def staff_license(p: Planting) -> None:
    """PSR-STAFF-LICENSE: a counselor's license renewal is recorded a day late, leaving one
    working day unlicensed."""
    ctx = p.ctx
    marked = {s.staff_id for s in ctx.roster.marked.values()}
    middle = ctx.period.start + (ctx.period.end - ctx.period.start) / 2
    for staff in ctx.roster.role("cpr"):
        if staff.staff_id in marked or staff.staff_id in p.staff_used:
            continue
        days: dict[dt.date, list[Encounter]] = {}
        for e in _rendered(p, staff):
            days.setdefault(e.date, []).append(e)
        fit = [d for d, es in days.items() if d >= middle and all(p.free(e) for e in es)]
        if not fit:
            continue
        day = fit[0]
        cred = next(
            c
            for c in ctx.data.credentials
            if c.staff_id == staff.staff_id
            and c.kind in pf.PSR_LICENSES
            and c.start_date <= day
            and (c.end_date is None or day <= c.end_date)
        )
        renewed = Credential(
            staff.staff_id, cred.kind, cred.number, cred.state, day + ONE_DAY, cred.end_date
        )
        cred.end_date = day - ONE_DAY
        ctx.data.credentials.append(renewed)
        p.staff_used.add(staff.staff_id)
        for e in days[day]:
            p.take(e)
            p.record(
                "PSR-STAFF-LICENSE",
                "encounter",
                e.encounter_id,
                f"{staff.staff_id}'s {cred.kind.upper()} license lapsed on {day}",
            )
        return
    raise PlantError("no counselor day for a license lapse")


def _first_free_day(after: dt.date, busy: set[dt.date]) -> dt.date:
    day = after + ONE_DAY
    while day in busy:
        day += ONE_DAY
    return day


def initial_training(p: Planting) -> None:
    """PSR-INITIAL-TRAINING: the new hire's documentation and Medicaid compliance training is
    dated after the first sessions."""
    ctx = p.ctx
    for mark in ("new", "due"):
        staff = ctx.roster.marked[mark]
        services = _rendered(p, staff)
        if not services or not all(p.free(e) for e in services[:3]):
            continue
        busy = {e.date for e in services}
        done = _first_free_day(services[0].date, busy)
        training = next(
            t
            for t in ctx.data.trainings
            if t.staff_id == staff.staff_id and t.topic == "documentation_medicaid_compliance"
        )
        training.completed_on = done
        p.staff_used.add(staff.staff_id)
        for e in services:
            if e.date < done:
                p.take(e)
                p.record(
                    "PSR-INITIAL-TRAINING",
                    "encounter",
                    e.encounter_id,
                    f"documentation and Medicaid compliance training completed {done}",
                )
        return
    raise PlantError("no newly hired counselor with services")


def six_month_training(p: Planting) -> None:
    """PSR-SIX-MONTH-TRAINING: motivational interviewing (4 h, seed 001) completed weeks after
    the six-month deadline."""
    ctx = p.ctx
    staff = ctx.roster.marked["recent"]
    deadline = add_months(staff.hire_date, pf.PSR_SIX_MONTH_LIMIT_MONTHS)
    services = _rendered(p, staff)
    later = [e for e in services if e.date >= deadline + dt.timedelta(days=7)]
    if not later:
        # a small agency: the counselor covers two of a colleague's sessions after the deadline
        covered = [e for e in p.encounters(lambda x: x.program == "cpr" and x.group_id is None
                                           and x.start_time is not None
                                           and x.date >= deadline + dt.timedelta(days=7))
                   if ctx.book.free(staff_key(staff.staff_id), e.date, e.start_minute,
                                    e.end_minute)][:2]  # fmt: skip
        for e in covered:
            p.reassign(e, staff)
        services = _rendered(p, staff)
        later = [e for e in services if e.date >= deadline + dt.timedelta(days=7)]
    if not later:
        raise PlantError("the counselor hired before the period has no services after six months")
    done = _first_free_day(later[0].date, {e.date for e in services})
    training = next(
        t
        for t in ctx.data.trainings
        if t.staff_id == staff.staff_id and t.topic == "motivational_interviewing"
    )
    training.completed_on = done
    p.staff_used.add(staff.staff_id)
    for e in services:
        if deadline < e.date < done:
            p.take(e)
            p.record(
                "PSR-SIX-MONTH-TRAINING",
                "encounter",
                e.encounter_id,
                f"motivational interviewing not completed until {done} (due {deadline})",
            )


def training_due(p: Planting) -> None:
    """PSR-TRAINING-DUE: three six-month topics still open for the counselor whose deadline
    falls just after the as-of date."""
    ctx = p.ctx
    staff = ctx.roster.marked["due"]
    open_topics = ("dbt_intro", "ptsd", "older_adults")
    ctx.data.trainings[:] = [
        t
        for t in ctx.data.trainings
        if not (t.staff_id == staff.staff_id and t.topic in open_topics)
    ]
    deadline = add_months(staff.hire_date, pf.PSR_SIX_MONTH_LIMIT_MONTHS)
    p.record(
        "PSR-TRAINING-DUE", "staff", staff.staff_id, f"{', '.join(open_topics)} due by {deadline}"
    )

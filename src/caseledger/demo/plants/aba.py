"""Planted violations of the adaptive behavior code rules (seed 003 and public CPT facts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from caseledger.demo import program_facts as pf
from caseledger.demo.context import NoteWriter, client_key, staff_key
from caseledger.demo.model import Authorization, Encounter, GroupSession
from caseledger.demo.plants import PlantError, Planting
from caseledger.demo.staffing import active_on
from caseledger.demo.text import aba as words

#: a school-break intensive from 08:30, two units past the 97153 daily maximum (34 units, 510 min)
_INTENSIVE_START = 8 * 60 + 30
INTENSIVE = (
    _INTENSIVE_START,
    _INTENSIVE_START + pf.QUARTER_HOUR_MINUTES * (pf.ABA_DAILY_MAX["97153"] + 2),
)


def plant(p: Planting) -> None:
    for step in (not_effective, untimed_units, daily_max, group_size):
        step(p)


def _members(p: Planting) -> dict[str, list[Encounter]]:
    out: dict[str, list[Encounter]] = {}
    for e in p.ctx.data.encounters:
        if e.group_id is not None:
            out.setdefault(e.group_id, []).append(e)
    return out


def _minute(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def not_effective(p: Planting) -> None:
    """GEN-CODE-NOT-EFFECTIVE: a 2019-or-later social skills group billed with 0372T, deleted on
    2019-01-01 (seed 003). Each child's precertification letter still lists 0372T, so the lines
    are authorized for what they name and only the code is wrong."""
    ctx = p.ctx
    members = _members(p)
    groups = sorted(
        (
            g
            for g in ctx.data.groups
            if g.service_code == "97158"
            and g.date >= ctx.period.start
            and all(p.free(e) for e in members[g.group_id])
        ),
        key=lambda g: (len(members[g.group_id]), g.group_id),
    )
    if not groups:
        raise PlantError("no 97158 group in the period")
    g = groups[0]
    g.service_code = "0372T"
    for e in members[g.group_id]:
        p.take(e)
        p.claim(e.client_id, "aba", "count")
        e.service_code = "0372T"
        e.units = Decimal(pf.UNTIMED_MAX_UNITS)
        auth = Authorization(
            ctx.ids.new("PA", 5),
            e.client_id,
            "service",
            "0372T",
            0,
            e.date,
            e.date,
            f"{e.date.year}-{p.rng.randrange(10**6):06d}",
        )
        ctx.data.authorizations.append(auth)
        e.authorization_id = auth.authorization_id
        p.record(
            "GEN-CODE-NOT-EFFECTIVE",
            "encounter",
            e.encounter_id,
            f"0372T deleted {pf.CODE_0372T_DELETED}; replaced by "
            f"{', '.join(pf.CODE_0372T_REPLACEMENTS)}",
        )


def untimed_units(p: Planting) -> None:
    e = p.pick(lambda x: x.service_code == "0372T", "a 2018 0372T line", period_only=False)
    p.take(e)
    e.units = Decimal(2)
    # GEN-UNITS-EXCEED-TIME leaves untimed codes to this rule (rules/units.py)
    p.record("GEN-UNTIMED-UNITS", "encounter", e.encounter_id, "two units of an untimed code")


def daily_max(p: Planting) -> None:
    """GEN-DAILY-MAX: a full-day 97153 intensive, 34 units against a daily maximum of 32."""
    ctx = p.ctx
    start, end = INTENSIVE
    for e in p.encounters(lambda x: x.service_code == "97153"):
        if not p.claimable(e.client_id, "aba", "count"):
            continue
        p.release(e)
        client_free = ctx.book.free(client_key(e.client_id), e.date, start, end)
        techs = [
            s
            for s in ctx.roster.role("rbt")
            if active_on(s, e.date) and ctx.book.free(staff_key(s.staff_id), e.date, start, end)
        ]
        p.hold(e)
        if not client_free or not techs:
            continue
        p.take(e)
        p.claim(e.client_id, "aba", "count")
        p.reassign(e, techs[0])
        p.retime(e, start, end)
        units = pf.service("97153").units_for(end - start)
        e.units = Decimal(units)
        p.record(
            "GEN-DAILY-MAX",
            "encounter",
            e.encounter_id,
            f"{units} units of 97153 in a day; maximum {pf.ABA_DAILY_MAX['97153']}",
        )
        return
    raise PlantError("no day for a 97153 intensive")


def group_size(p: Planting) -> None:
    """ABA-GROUP-SIZE: children added to a 97158 group until it has nine."""
    ctx = p.ctx
    writer = NoteWriter(p.rng)
    members = _members(p)
    groups: list[GroupSession] = sorted(
        (g for g in ctx.data.groups if g.service_code == "97158" and g.date >= ctx.period.start),
        key=lambda g: (-len(members.get(g.group_id, [])), g.group_id),
    )
    for g in groups:
        present = members.get(g.group_id, [])
        if not all(p.free(e) for e in present):
            continue
        start, end = _minute(g.start_time), _minute(g.end_time)
        seen = {e.client_id for e in present}
        joiners = [
            ep
            for ep in ctx.caseload.episodes_of("aba")
            if ep.client.client_id not in seen
            and ep.first <= g.date <= ep.last
            and p.claimable(ep.client.client_id, "aba", "count")
            and ctx.plan_on(ep.client.client_id, "aba", g.date) is not None
            and ctx.book.free(client_key(ep.client.client_id), g.date, start, end)
        ]
        need = pf.ABA_GROUP_MAX + 1 - len(present)
        if len(joiners) < need:
            continue
        leader = ctx.staff_by_id[g.staff_ids[0]]
        p.take(*present)
        for ep in joiners[:need]:
            plan = ctx.plan_on(ep.client.client_id, "aba", g.date)
            assert plan is not None
            goal = plan.goal("social")
            assert goal is not None
            e = ctx.encounter(
                episode=ep, staff=leader, service=pf.service("97158"), day=g.date, start=start,
                end=end, place="facility",
                note=writer.write(words.SOCIAL, "group", ep.client, goal.slots),
                goal_ids=(goal.goal_id,), group_id=g.group_id,
                authorization=ctx.authorization(ep, "97158", g.date),
            )  # fmt: skip
            e.encounter_id = ctx.ids.new("E", 7)
            p.take(e)
        p.record(
            "ABA-GROUP-SIZE",
            "group",
            g.group_id,
            f"{len(present) + need} children in a 97158 group",
        )
        return
    raise PlantError("no 97158 group that can grow to nine")

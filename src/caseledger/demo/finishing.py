"""Last touches before writing: chronological ids, and authorization units."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from caseledger.demo.context import Context


def renumber(ctx: Context) -> None:
    """Encounters, group sessions, missed appointments and contacts numbered in date order, so
    the files read chronologically and a planted record added later stands apart."""
    data = ctx.data
    data.groups.sort(key=lambda g: (g.date, g.start_time, g.group_id))
    group_ids = {}
    for n, g in enumerate(data.groups, start=1):
        group_ids[g.group_id] = f"GS{n:06d}"
        g.group_id = group_ids[g.group_id]
    data.encounters.sort(
        key=lambda e: (e.date, e.start_time or dt.time(0), e.client_id, e.service_code)
    )
    for n, e in enumerate(data.encounters, start=1):
        e.encounter_id = f"E{n:07d}"
        if e.group_id is not None:
            e.group_id = group_ids[e.group_id]
    data.missed.sort(key=lambda m: (m.scheduled_at, m.client_id))
    missed_ids = {}
    for n, m in enumerate(data.missed, start=1):
        missed_ids[m.missed_id] = f"MA{n:05d}"
        m.missed_id = missed_ids[m.missed_id]
    data.contacts.sort(key=lambda c: (c.at, c.client_id))
    for n, c in enumerate(data.contacts, start=1):
        c.contact_id = f"CT{n:05d}"
        if c.missed_id is not None:
            c.missed_id = missed_ids[c.missed_id]
    for prefix in ("E", "GS", "MA", "CT"):
        ctx.ids.reset(prefix)
    ctx.ids.skip("E", len(data.encounters))
    ctx.ids.skip("GS", len(data.groups))
    ctx.ids.skip("MA", len(data.missed))
    ctx.ids.skip("CT", len(data.contacts))


def authorize(ctx: Context, granted: dict[str, int] | None = None) -> None:
    """Each authorization grants the units its services use plus the agency's usual margin, or
    what a planted violation says it granted."""
    used: dict[str, int] = defaultdict(int)
    for e in ctx.data.encounters:
        if e.authorization_id and e.billable and e.units is not None:
            used[e.authorization_id] += int(e.units)
    granted = granted or {}
    for auth in ctx.data.authorizations:
        aid = auth.authorization_id
        auth.units = granted.get(aid, used[aid] + ctx.auth_margin.get(aid, 2))

"""Planted violations of the community support rules (seed 002, 9 CSR 30-3.110)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

from caseledger.demo import program_facts as pf
from caseledger.demo.calendar import add_business_days, business_days
from caseledger.demo.context import NoteWriter, client_key, staff_key
from caseledger.demo.model import Contact, Encounter, Goal, MissedAppointment, clock
from caseledger.demo.plants import PlantError, Planting
from caseledger.demo.plants import texts as planted_text
from caseledger.demo.plants.base import LATE_FOLLOWUP_HOURS
from caseledger.demo.programs.sud import CSW, goal_summary
from caseledger.demo.text import fill
from caseledger.demo.text import sud as words


def plant(p: Planting) -> None:
    for once in (discharge_cap, followup, employment):
        once(p)
    for step, weight in (
        (nonbillable, 1), (excluded, 1), (mixed, 1), (discharge_heading, 0.5),
        (meeting_units, 0.5), (vague, 2), (goal_tie, 1), (not_verbal, 1), (self_reliance, 2),
        (group_suitable, 1),
    ):  # fmt: skip
        p.repeat(step, weight)


def _lines(p: Planting, test: Callable[[Encounter], bool] = lambda e: True) -> Iterator[Encounter]:
    return p.encounters(lambda e: e.service_code == "CSW" and test(e))


def _line(p: Planting, test: Callable[[Encounter], bool], what: str) -> Encounter:
    return p.pick(lambda e: e.service_code == "CSW" and test(e), what)


def _support(p: Planting, e: Encounter) -> Goal:
    plan = p.ctx.plan_on(e.client_id, "sud", e.date)
    assert plan is not None
    goal = plan.goal("support")
    assert goal is not None
    return goal


def _slots(p: Planting, e: Encounter, goal: Goal) -> dict[str, str]:
    client = p.ctx.clients_by_id[e.client_id]
    slots = NoteWriter(p.rng).slots(client, dict(goal.slots))
    slots["venue"] = p.rng.choice(words.VENUES)
    slots["housing_org"] = "the regional recovery housing office"
    return slots


def _rewrite(p: Planting, e: Encounter, template: str, goal: Goal | None, **fields: object) -> None:
    p.take(e)
    e.note_text = fill(template, _slots(p, e, goal or _support(p, e)))
    e.goal_ids = (goal.goal_id,) if goal else ()
    for name, value in fields.items():
        setattr(e, name, value)


_SERVICE = ("arranging_services", "coordination", "life_skills_training")


def nonbillable(p: Planting) -> None:
    e = _line(p, lambda x: x.activity in _SERVICE, "a community support line")
    _rewrite(
        p,
        e,
        planted_text.DROVE_TO_MEETING,
        _support(p, e),
        activity="transport_appointment",
        place="community",
    )
    p.record("CSW-NONBILLABLE", "encounter", e.encounter_id, "CSW drove client to a meeting")


def excluded(p: Planting) -> None:
    e = _line(p, lambda x: x.activity in _SERVICE, "a community support line")
    plan = p.ctx.plan_on(e.client_id, "sud", e.date)
    assert plan is not None
    _rewrite(
        p,
        e,
        planted_text.ORIENTATION,
        plan.goal("engagement"),
        activity="orientation",
        place="facility",
    )
    p.record(
        "CSW-EXCLUDED-SERVICE",
        "encounter",
        e.encounter_id,
        "routine orientation: tour and intake paperwork",
    )


def mixed(p: Planting) -> None:
    e = _line(p, lambda x: x.activity == "arranging_services", "an arranging line")
    p.take(e)
    e.note_text = (e.note_text or "") + planted_text.MIXED_TAIL
    p.record("CSW-MIXED-NOTE", "encounter", e.encounter_id, "chart review written into the note")
    p.record("CSW-NONBILLABLE", "encounter", e.encounter_id, "chart review billed with the service")


def _idp(p: Planting) -> Iterator[Encounter]:
    return _lines(p, lambda x: x.activity == "initial_discharge_planning")


def discharge_cap(p: Planting) -> None:
    """CSW-DISCHARGE-CAP: a second initial discharge planning session takes the episode past the
    four units seed 002 allows."""
    ctx = p.ctx
    for first in sorted(_idp(p), key=lambda e: e.encounter_id):
        if not p.claimable(first.client_id, "sud", "count"):
            continue
        units = pf.CSW_DISCHARGE_PLANNING_MAX_UNITS + 1 - int(first.units or 0)
        length = 15 * units + 3
        for gap in range(2, 7):
            day = add_business_days(first.date, gap)
            if p.lapse and p.lapse[0] == "sud" and p.lapse[1] <= day <= p.lapse[2]:
                continue
            if ctx.plan_on(first.client_id, "sud", day) is None:
                continue
            who = [client_key(first.client_id), staff_key(first.staff_id)]
            start = ctx.try_times(who, day, length, [m * 15 for m in range(36, 62)])
            if start is None:
                continue
            p.claim(first.client_id, "sud", "count")
            p.take(first)
            second = p.copy_encounter(
                first, date=day, start_time=None, end_time=None, note_signed_on=day
            )
            second.start_time, second.end_time = clock(start), clock(start + length)
            second.units = Decimal(units)
            p.hold(second)
            p.record(
                "CSW-DISCHARGE-CAP",
                "encounter",
                second.encounter_id,
                f"{int(first.units or 0)} + {units} units of initial discharge planning",
            )
            return
    raise PlantError("no initial discharge planning session to repeat")


def discharge_heading(p: Planting) -> None:
    e = next(_idp(p), None)
    if e is None:
        raise PlantError("no initial discharge planning line left")
    plan = p.ctx.plan_on(e.client_id, "sud", e.date)
    assert plan is not None
    p.take(e)
    e.note_text = fill(planted_text.NO_HEADING, {"goal_summary": goal_summary(plan)})
    p.record(
        "CSW-DISCHARGE-HEADING",
        "encounter",
        e.encounter_id,
        f"note does not start with '{pf.CSW_DISCHARGE_HEADING}'",
    )


def meeting_units(p: Planting) -> None:
    ctx = p.ctx
    for e in _lines(p, lambda x: x.activity == "plan_review" and x.units == 1):
        end = e.end_minute + 15
        p.release(e)
        free = ctx.book.free(client_key(e.client_id), e.date, e.start_minute, end) and (
            ctx.book.free(staff_key(e.staff_id), e.date, e.start_minute, end)
        )
        p.hold(e)
        if not free:
            continue
        p.take(e)
        p.retime(e, e.start_minute, end)
        e.units = Decimal(CSW.units_for(e.minutes))
        p.record(
            "CSW-MEETING-UNITS",
            "encounter",
            e.encounter_id,
            "two units for one plan review meeting, no unusual circumstances noted",
        )
        return
    raise PlantError("no one-unit plan review meeting")


def followup(p: Planting) -> None:
    """CSW-MISSED-FOLLOWUP: two unexcused no-shows for community support, one never followed
    up, one followed up only well after 48 hours."""
    ctx = p.ctx
    for late in (False, True):
        missed, contact = _no_show(p)
        if late:
            contact.at = missed.scheduled_at + dt.timedelta(hours=LATE_FOLLOWUP_HOURS)
            contact.note = "Called client about the missed session; left a voicemail."
            ctx.data.contacts.append(contact)
            p.record(
                "CSW-MISSED-FOLLOWUP",
                "missed_appointment",
                missed.missed_id,
                f"first contact effort {LATE_FOLLOWUP_HOURS} hours after the missed session",
            )
        else:
            p.record(
                "CSW-MISSED-FOLLOWUP", "missed_appointment", missed.missed_id, "no contact effort"
            )


def _no_show(p: Planting) -> tuple[MissedAppointment, Contact]:
    """A new unexcused no-show at a free morning hour of an enrolled client, and an unsaved
    contact for the caller to date."""
    ctx = p.ctx
    for ep in sorted(ctx.caseload.episodes_of("sud"), key=lambda x: p.rng.random()):
        cid = ep.client.client_id
        if not p.claimable(cid, "sud", "count"):
            continue
        for day in business_days(ep.first, min(ep.last, ctx.period.end - dt.timedelta(days=7))):
            if p.lapse and p.lapse[1] <= day <= p.lapse[2]:
                continue
            if ctx.book.free(client_key(cid), day, 10 * 60, 11 * 60):
                p.claim(cid, "sud", "count")
                at = dt.datetime.combine(day, dt.time(10, 0))
                missed = MissedAppointment(ctx.ids.new("MA", 5), cid, at, "CSW", False)
                ctx.data.missed.append(missed)
                contact = Contact(
                    ctx.ids.new("CT", 5),
                    cid,
                    ep.primary_id or "",
                    at,
                    "telephone",
                    missed.missed_id,
                    "",
                )
                return missed, contact
    raise PlantError("no SUD client free for a missed session")


def vague(p: Planting) -> None:
    e = _line(p, lambda x: x.activity in _SERVICE, "a community support line")
    _rewrite(p, e, planted_text.VAGUE, _support(p, e), activity="coordination")
    p.record(
        "CSW-VAGUE-TERMS",
        "encounter",
        e.encounter_id,
        "assisted, advocated and accompanied, with nothing said about what was done",
    )


def goal_tie(p: Planting) -> None:
    e = _line(p, lambda x: x.activity == "life_skills_training", "a life skills line")
    _rewrite(p, e, planted_text.UNTIED, None)
    p.record("CSW-GOAL-TIE", "encounter", e.encounter_id, "coffee and a walk, tied to nothing")
    p.record("GEN-PLAN-GOAL-LINK", "encounter", e.encounter_id, "names and addresses no goal")


def not_verbal(p: Planting) -> None:
    e = _line(p, lambda x: x.activity in _SERVICE, "a community support line")
    _rewrite(p, e, planted_text.TEXTED, _support(p, e), activity="coordination", place="text")
    p.retime(e, e.start_minute, e.start_minute + 10)
    e.units = Decimal(CSW.units_for(e.minutes))
    p.record("CSW-NOT-VERBAL", "encounter", e.encounter_id, "text message billed")


def self_reliance(p: Planting) -> None:
    e = _line(p, lambda x: x.activity == "arranging_services", "an arranging line")
    _rewrite(p, e, planted_text.ARRANGED_FOR, _support(p, e))
    p.record(
        "CSW-SELF-RELIANCE",
        "encounter",
        e.encounter_id,
        "CSW arranged it all; nothing done to build the client's own skill",
    )


def group_suitable(p: Planting) -> None:
    e = _line(p, lambda x: x.activity in _SERVICE, "a community support line")
    _rewrite(p, e, planted_text.GENERAL_INFORMATION, _support(p, e), activity="education")
    p.record(
        "CSW-GROUP-SUITABLE",
        "encounter",
        e.encounter_id,
        "general relapse information, better given in a group",
    )


def employment(p: Planting) -> None:
    ctx = p.ctx
    plans = [
        x
        for x in ctx.data.plans
        if x.program == "sud"
        and x.start_date <= ctx.period.end
        and not x.goal("employment")
        and p.claimable(x.client_id, "sud", "plan")
    ]
    plan = p.choose(plans, "an SUD plan without an employment goal")
    p.claim(plan.client_id, "sud", "plan")
    plan.employment_considered = False
    p.record("CSW-EMPLOYMENT", "plan", plan.plan_id, "employment not considered in the plan")

"""Planted violations of the general rules (rules.md, "General (all programs)").

Most sit on psychosocial rehabilitation lines, where every general rule applies and the fee
schedule is known."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from caseledger.demo import program_facts as pf
from caseledger.demo.agency import renewal_day
from caseledger.demo.calendar import ONE_DAY, add_business_days
from caseledger.demo.context import NoteWriter, client_key, staff_key
from caseledger.demo.model import Diagnosis, Encounter, Staff, clock
from caseledger.demo.plants import PlantError, Planting
from caseledger.demo.plants import texts as planted_text
from caseledger.demo.plants.base import LATE_NOTE_BUSINESS_DAYS
from caseledger.demo.staffing import active_on
from caseledger.demo.text import cpr as cpr_words

#: a superseded per-unit fee a biller might still key in (not in any source document)
OLD_H2017HO_FEE = Decimal("19.84")


def _individual(e: Encounter) -> bool:
    return e.program == "cpr" and e.group_id is None and e.start_time is not None


def _mhd(e: Encounter) -> bool:
    return _individual(e) and e.service_code == "H2017" and e.modifiers == ("HO",)


def plant(p: Planting) -> None:
    for once in (enrollment, plan_missing, diagnosis):
        once(p)
    for step, weight in (
        (unknown_code, 1), (individual_hq, 1), (group_without_hq, 1), (funding_code, 1),
        (time_missing, 1), (units_exceed, 2), (units_under, 1), (rate, 2), (duplicate, 1),
        (client_overlap, 1), (staff_overlap, 1), (note_missing, 1), (note_unsigned, 2),
        (note_wrong_signer, 1), (note_late, 3), (plan_goal_link, 2),
    ):  # fmt: skip
        p.repeat(step, weight)


def agency_certification(p: Planting) -> None:
    """GEN-AGENCY-CERT: the DMH SUD certification renewal starts later than the old one ended;
    every billed community support line in the gap is uncovered."""
    ctx = p.ctx
    renew = renewal_day(ctx.period, "dmh_sud")
    days = sorted({e.date for e in ctx.data.encounters if e.program == "sud" and e.date >= renew})
    if not days:
        raise PlantError("no community support after the SUD certification renewal day")
    last = days[0]
    cert = next(c for c in ctx.data.certifications if c.kind == "dmh_sud" and c.start_date == renew)
    cert.start_date = last + ONE_DAY
    p.lapse = ("sud", renew, last)
    for e in ctx.data.encounters:
        if e.program == "sud" and e.billable and renew <= e.date <= last:
            p.take(e)
            p.record(
                "GEN-AGENCY-CERT",
                "encounter",
                e.encounter_id,
                f"dmh_sud certification lapsed from {renew} until the renewal on {cert.start_date}",
            )


def unknown_code(p: Planting) -> None:
    e = p.pick(_mhd, "an H2017 HO line")
    p.take(e)
    e.service_code = "H2071"
    p.record("GEN-CODE-UNKNOWN", "encounter", e.encounter_id, "H2071 HO: digits swapped in H2017")


def individual_hq(p: Planting) -> None:
    e = p.pick(_mhd, "an H2017 HO line")
    p.take(e)
    e.modifiers = ("HO", "HQ")
    e.charge = pf.service("H2017", ("HO", "HQ")).charge_for(int(e.units or 0))
    p.record(
        "GEN-MODIFIER-MISMATCH", "encounter", e.encounter_id, "individual session billed HO;HQ"
    )


def group_without_hq(p: Planting) -> None:
    g = p.pick(lambda x: x.group_id is not None and x.modifiers == ("HO", "HQ"), "a group line")
    p.take(g)
    g.modifiers = ("HO",)
    g.charge = pf.service("H2017", ("HO",)).charge_for(int(g.units or 0))
    p.record(
        "GEN-MODIFIER-MISMATCH", "encounter", g.encounter_id, "group session billed without HQ"
    )


def enrollment(p: Planting) -> None:
    """GEN-ENROLLMENT: the discharge was entered a day before the client's last service."""
    ctx = p.ctx
    for ep in sorted(ctx.caseload.episodes_of("sud"), key=lambda x: x.client.client_id):
        end = ep.enrollment.end_date
        if (
            end is None
            or end > ctx.period.end
            or not p.claimable(ep.client.client_id, "sud", "enrollment")
        ):
            continue
        services = [
            e
            for e in ctx.data.encounters
            if e.client_id == ep.client.client_id
            and e.program == "sud"
            and e.billable
            and ep.first <= e.date <= end
        ]
        dates = sorted({e.date for e in services})
        if len(dates) < 3:
            continue
        last = [e for e in services if e.date == dates[-1]]
        if not all(p.free(e) for e in last):
            continue
        p.claim(ep.client.client_id, "sud", "enrollment")
        ep.enrollment.end_date = dates[-1] - ONE_DAY
        for e in last:
            p.take(e)
            p.record(
                "GEN-ENROLLMENT",
                "encounter",
                e.encounter_id,
                f"SUD enrollment recorded as ending {ep.enrollment.end_date}",
            )
        return
    raise PlantError("no SUD episode ending inside the period")


def funding_code(p: Planting) -> None:
    e = p.pick(lambda x: _individual(x) and x.service_code == "H2017P", "an H2017P line")
    p.take(e)
    e.service_code, e.modifiers = "H2017", ("HO",)
    e.charge = pf.service("H2017", ("HO",)).charge_for(int(e.units or 0))
    p.record(
        "GEN-FUNDING-CODE",
        "encounter",
        e.encounter_id,
        "MO HealthNet code H2017 HO billed for a DMH purchase-of-service client",
    )


def time_missing(p: Planting) -> None:
    e = p.pick(_mhd, "an H2017 HO line")
    p.take(e)
    p.release(e)
    e.start_time = e.end_time = None
    p.record("GEN-TIME-MISSING", "encounter", e.encounter_id, "no start or end time documented")


def units_exceed(p: Planting) -> None:
    e = p.pick(_mhd, "an H2017 HO line")
    p.take(e)
    supported = int(e.units or 0)
    e.units = Decimal(supported + 1)
    e.charge = pf.service("H2017", ("HO",)).charge_for(supported + 1)
    p.record(
        "GEN-UNITS-EXCEED-TIME",
        "encounter",
        e.encounter_id,
        f"{supported + 1} units for {e.minutes} minutes (supports {supported})",
    )


def units_under(p: Planting) -> None:
    u = p.pick(lambda x: _mhd(x) and (x.units or 0) >= 3, "a 3-unit H2017 HO line")
    p.take(u)
    supported = int(u.units or 0)
    u.units = Decimal(supported - 1)
    u.charge = pf.service("H2017", ("HO",)).charge_for(supported - 1)
    p.record(
        "GEN-UNITS-UNDER-TIME",
        "encounter",
        u.encounter_id,
        f"{supported - 1} units for {u.minutes} minutes (supports {supported})",
    )


def rate(p: Planting) -> None:
    e = p.pick(_mhd, "an H2017 HO line")
    p.take(e)
    e.charge = (OLD_H2017HO_FEE * int(e.units or 0)).quantize(Decimal("0.01"))
    p.record(
        "GEN-RATE",
        "encounter",
        e.encounter_id,
        f"charged {OLD_H2017HO_FEE}/unit; fee schedule is {pf.PSR_INDIVIDUAL['mo_healthnet'].rate}",
    )


def duplicate(p: Planting) -> None:
    e = p.pick(_mhd, "an H2017 HO line")
    p.take(e)
    copy = p.copy_encounter(e)
    # the copy also overlaps its original for the client and the staff member; the audit leaves
    # exact copies to GEN-DUPLICATE (rules/overlaps.py), so only that is recorded
    p.record("GEN-DUPLICATE", "encounter", copy.encounter_id, f"second entry of {e.encounter_id}")


def _cpr_staff(p: Planting, day: dt.date) -> list[Staff]:
    """Veteran CPR professionals no staff plant has touched."""
    marked = {s.staff_id for s in p.ctx.roster.marked.values()}
    return [
        s
        for s in p.ctx.roster.role("cpr")
        if s.staff_id not in marked and s.staff_id not in p.staff_used and active_on(s, day)
    ]


def client_overlap(p: Planting) -> None:
    """GEN-CLIENT-OVERLAP: a second professional bills a session inside another's session."""
    ctx = p.ctx
    writer = NoteWriter(p.rng)
    for e in p.encounters(_individual):
        start, length = e.start_minute + 15, 30
        others = [
            s
            for s in _cpr_staff(p, e.date)
            if s.staff_id != e.staff_id
            and ctx.book.free(staff_key(s.staff_id), e.date, start, start + length)
        ]
        p.release(e)
        ok = ctx.book.free(client_key(e.client_id), e.date, start, start + length)
        p.hold(e)
        plan = ctx.plan_on(e.client_id, "cpr", e.date)
        if not others or not ok or plan is None:
            continue
        p.take(e)
        goal = plan.goals[0]
        client = ctx.clients_by_id[e.client_id]
        new = p.copy_encounter(
            e,
            staff_id=others[0].staff_id,
            start_time=None,
            end_time=None,
            goal_ids=(goal.goal_id,),
            note_text=writer.write(
                cpr_words.BY_NAME[goal.domain], "individual", client, goal.slots
            ),
        )
        _set_time(p, new, start, start + length)
        new.note_signed_by = others[0].staff_id
        p.record(
            "GEN-CLIENT-OVERLAP",
            "encounter",
            new.encounter_id,
            f"client also in {e.encounter_id} with another professional",
        )
        return
    raise PlantError("no session to overlap")


def _set_time(p: Planting, e: Encounter, start: int, end: int) -> None:
    service = pf.service(e.service_code, e.modifiers)
    e.start_time, e.end_time = clock(start), clock(end)
    units = service.units_for(end - start)
    e.units = Decimal(units)
    e.charge = service.charge_for(units)
    p.hold(e)


def staff_overlap(p: Planting) -> None:
    """GEN-STAFF-OVERLAP: a professional bills a session with a second client during a session."""
    ctx = p.ctx
    writer = NoteWriter(p.rng)
    cpr = ctx.caseload.episodes_of("cpr")
    for e in p.encounters(_individual):
        if e.staff_id in p.staff_used:
            continue
        start, length = e.start_minute + 10, 30
        # the staff member's only other service in that half hour must be ``e`` itself
        p.release(e)
        alone = ctx.book.free(staff_key(e.staff_id), e.date, start, start + length)
        p.hold(e)
        if not alone:
            continue
        for ep in cpr:
            other = ep.client.client_id
            if other == e.client_id or not ep.first <= e.date <= ep.last:
                continue
            plan = ctx.plan_on(other, "cpr", e.date)
            if plan is None or not ctx.book.free(client_key(other), e.date, start, start + length):
                continue
            p.take(e)
            goal = plan.goals[0]
            service = pf.PSR_INDIVIDUAL[ep.enrollment.funding]
            new = p.copy_encounter(
                e,
                client_id=other,
                service_code=service.code,
                modifiers=service.modifiers,
                start_time=None,
                end_time=None,
                goal_ids=(goal.goal_id,),
                note_text=writer.write(
                    cpr_words.BY_NAME[goal.domain], "individual", ep.client, goal.slots
                ),
            )
            _set_time(p, new, start, start + length)
            p.record(
                "GEN-STAFF-OVERLAP",
                "encounter",
                new.encounter_id,
                f"staff member is in {e.encounter_id} at the same time",
            )
            return
    raise PlantError("no session for a staff overlap")


def _any_service(e: Encounter) -> bool:
    return e.program != "" and e.note_text is not None


def note_missing(p: Planting) -> None:
    e = p.pick(_individual, "a PSR line")
    p.take(e)
    e.note_text = e.note_signed_by = e.note_signed_on = None
    p.record("GEN-NOTE-MISSING", "encounter", e.encounter_id, "billed without a progress note")


def note_unsigned(p: Planting) -> None:
    u = p.pick(_any_service, "a service line")
    p.take(u)
    u.note_signed_by = u.note_signed_on = None
    p.record("GEN-NOTE-UNSIGNED", "encounter", u.encounter_id, "note never signed")


def note_wrong_signer(p: Planting) -> None:
    staff = p.ctx.staff_by_id
    c = p.pick(lambda x: x.service_code == "CSW", "a community support line")
    p.take(c)
    rendering = staff[c.staff_id]
    colleague = p.choose(
        (s for s in p.ctx.roster.role("csw")
         if s.staff_id not in (c.staff_id, rendering.supervisor_id) and active_on(s, c.date)),
        "another community support worker",
    )  # fmt: skip
    c.note_signed_by = colleague.staff_id
    p.record(
        "GEN-NOTE-UNSIGNED",
        "encounter",
        c.encounter_id,
        f"signed by {colleague.staff_id}, neither the worker nor the worker's supervisor",
    )


def note_late(p: Planting) -> None:
    late = p.pick(_any_service, "a service line")
    p.take(late)
    late.note_signed_on = add_business_days(late.date, LATE_NOTE_BUSINESS_DAYS)
    p.record(
        "GEN-NOTE-LATE",
        "encounter",
        late.encounter_id,
        f"signed {late.note_signed_on}, {LATE_NOTE_BUSINESS_DAYS} business days after the service",
    )


def plan_missing(p: Planting) -> None:
    """GEN-PLAN-MISSING: the plan's start (and signature) entered a day after the first service
    of the period; that day's services have no signed plan in effect."""
    ctx = p.ctx
    for ep in sorted(ctx.caseload.episodes_of("cpr"), key=lambda x: x.client.client_id):
        cid = ep.client.client_id
        if not p.claimable(cid, "cpr", "plan"):
            continue
        services = sorted(
            (
                e
                for e in ctx.data.encounters
                if e.client_id == cid and e.program == "cpr" and e.billable
            ),
            key=lambda e: e.date,
        )
        if len(services) < 3:
            continue
        first = [e for e in services if e.date == services[0].date]
        plan = ctx.plan_on(cid, "cpr", first[0].date)
        if plan is None or not all(p.free(e) for e in first):
            continue
        p.claim(cid, "cpr", "plan")
        plan.start_date = plan.signed_on = first[0].date + ONE_DAY
        for e in first:
            p.take(e)
            p.record(
                "GEN-PLAN-MISSING",
                "encounter",
                e.encounter_id,
                f"plan {plan.plan_id} starts and is signed {plan.start_date}",
            )
        return
    raise PlantError("no CPR client for a missing plan")


def plan_goal_link(p: Planting) -> None:
    e = p.pick(_individual, "a PSR line")
    p.take(e)
    e.goal_ids = ()
    e.note_text = planted_text.GENERIC
    p.record(
        "GEN-PLAN-GOAL-LINK",
        "encounter",
        e.encounter_id,
        "note names no goal and says nothing about one",
    )


def diagnosis(p: Planting) -> None:
    """GEN-DIAGNOSIS: a brain-injury code without its seventh character (not billable), and a
    rehabilitation client with no diagnosis on file."""
    ctx = p.ctx
    by_client: dict[str, list[Diagnosis]] = {}
    for d in ctx.data.diagnoses:
        by_client.setdefault(d.client_id, []).append(d)
    sst = sorted({ep.client.client_id for ep in ctx.caseload.episodes_of("sst") if not ep.history})
    options = [
        c for c in sst if len(by_client.get(c, [])) == 1 and p.claimable(c, "sst", "diagnosis")
    ]
    cid = p.choose(options, "an SST client with one diagnosis")
    p.claim(cid, "sst", "diagnosis")
    dx = by_client[cid][0]
    dx.icd10 = dx.icd10[:-1]
    p.record("GEN-DIAGNOSIS", "client", cid, f"{dx.icd10} lacks its seventh character")
    programs: dict[str, set[str]] = {}
    for ep in ctx.caseload.episodes:
        programs.setdefault(ep.client.client_id, set()).add(ep.program)
    served = {e.client_id for e in ctx.data.encounters if e.billable}
    options = sorted(
        c
        for c, progs in programs.items()
        if progs == {"cpr"} and c in served and p.claimable(c, "cpr", "diagnosis")
    )
    cid = p.choose(options, "a CPR-only client")
    p.claim(cid, "cpr", "diagnosis")
    ctx.data.diagnoses = [d for d in ctx.data.diagnoses if d.client_id != cid]
    p.record("GEN-DIAGNOSIS", "client", cid, "no diagnosis on file")

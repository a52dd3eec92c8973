"""Planted violations of the Socialization Skills Training rules (seed 000)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator

from caseledger.demo import program_facts as pf
from caseledger.demo.agency import AGENCY_ID
from caseledger.demo.calendar import ONE_DAY, add_months, business_days, month_start
from caseledger.demo.clients import Episode
from caseledger.demo.context import NoteWriter, client_key, staff_key
from caseledger.demo.model import Encounter, OtherService, Staff
from caseledger.demo.plants import PlantError, Planting
from caseledger.demo.plants.base import SHORT_HALF_DAY_MINUTES
from caseledger.demo.programs.sst import PLACES, SESSION_START
from caseledger.demo.staffing import active_on, add_direct_care
from caseledger.demo.text import sst as words

SST = pf.service("SST")


def plant(p: Planting) -> None:
    for step in (
        lifetime, authorization, similar_service, transport, reports, plan, referral,
        staff_rules, curriculum,
    ):  # fmt: skip
        step(p)
    p.repeat(half_day, 1)
    p.repeat(didactic, 0.5)


def _episodes(
    p: Planting, aspect: str, test: Callable[[Episode], bool] = lambda ep: True
) -> list[Episode]:
    return [
        ep
        for ep in p.ctx.caseload.episodes_of("sst")
        if not ep.history and p.claimable(ep.client.client_id, "sst", aspect) and test(ep)
    ]


def _services(p: Planting, client_id: str, code: str = "SST") -> list[Encounter]:
    return sorted(
        (e for e in p.ctx.data.encounters
         if e.client_id == client_id and e.service_code == code and e.billable),
        key=lambda e: (e.date, e.start_time or dt.time(0), e.encounter_id),
    )  # fmt: skip


def _claim(p: Planting, ep: Episode, aspect: str) -> None:
    p.claim(ep.client.client_id, "sst", aspect)
    if aspect == "count":
        p.take(
            *_services(p, ep.client.client_id), *_services(p, ep.client.client_id, "SST-TRANSPORT")
        )


def _add_sessions(p: Planting, ep: Episode, count: int) -> None:
    """``count`` more community-practice half-days inside the episode, on days the client has
    none, at the client's usual time."""
    ctx = p.ctx
    writer = NoteWriter(p.rng)
    start = SESSION_START[ep.session]
    end = start + pf.SST_HALF_DAY_MINUTES
    taken = {e.date for e in _services(p, ep.client.client_id)}
    added = 0
    for day in business_days(ep.first, ep.last):
        if added == count:
            return
        plan = ctx.plan_on(ep.client.client_id, "sst", day)
        if day in taken or plan is None:
            continue
        if not ctx.book.free(client_key(ep.client.client_id), day, start, end):
            continue
        worker = next(
            (s for s in ctx.roster.role("direct_care")
             if s.staff_id not in p.staff_used and active_on(s, day)
             and ctx.book.free(staff_key(s.staff_id), day, start, end)),
            None,
        )  # fmt: skip
        if worker is None:
            continue
        goal = next(g for g in plan.goals if g.domain in words.REFERRAL_BEHAVIORS)
        e = ctx.encounter(
            episode=ep,
            staff=worker,
            service=SST,
            day=day,
            start=start,
            end=end,
            place=PLACES["community_practice"],
            note=writer.write(words.BY_NAME[goal.domain], "community_practice", ep.client,
                              goal.slots),
            goal_ids=(goal.goal_id,),
            activity="community_practice",
            authorization=ctx.authorization(ep, "SST", day),
        )  # fmt: skip
        e.encounter_id = ctx.ids.new("E", 7)
        p.take(e)
        added += 1
    raise PlantError(f"no room for {count} more half-days for {ep.client.client_id}")


def lifetime(p: Planting) -> None:
    """SST-LIFETIME-CAP: extra half-days take a client to 28 over a lifetime (counting the
    earlier episode), so the 27th and 28th are over the cap of 26; SST-LIFETIME-NEAR: another
    client reaches 24 of 26."""
    ranked = sorted(
        _episodes(p, "count"),
        key=lambda ep: (-len(_services(p, ep.client.client_id)), ep.client.client_id),
    )
    for ep, target in zip(
        ranked[:2],
        (pf.SST_LIFETIME_HALF_DAYS + 2, pf.SST_LIFETIME_HALF_DAYS - pf.SST_NEAR_CAP_LEFT + 1),
        strict=False,
    ):
        cid = ep.client.client_id
        _claim(p, ep, "count")
        _add_sessions(p, ep, target - len(_services(p, cid)))
        services = _services(p, cid)
        p.take(*services)
        for n, e in enumerate(services, start=1):
            if n > pf.SST_LIFETIME_HALF_DAYS:
                p.record(
                    "SST-LIFETIME-CAP",
                    "encounter",
                    e.encounter_id,
                    f"half-day {n} of a lifetime limit of {pf.SST_LIFETIME_HALF_DAYS}",
                )
        left = pf.SST_LIFETIME_HALF_DAYS - len(services)
        if 0 <= left <= pf.SST_NEAR_CAP_LEFT:  # past the cap, SST-LIFETIME-CAP says it
            p.record(
                "SST-LIFETIME-NEAR", "client", cid, f"{len(services)} half-days used, {left} left"
            )


def authorization(p: Planting) -> None:
    ctx = p.ctx

    # GEN-AUTH-MISSING: the authorization entered as ending the day before the last half-day
    def shared_last(x: Episode) -> bool:
        services = _services(p, x.client.client_id)
        return len(services) >= 3 and services[-1].authorization_id == services[-2].authorization_id

    ep = p.choose(_episodes(p, "count", shared_last), "an SST client with three half-days")
    _claim(p, ep, "count")
    last = _services(p, ep.client.client_id)[-1]
    auth = next(a for a in ctx.data.authorizations if a.authorization_id == last.authorization_id)
    if any(
        e.authorization_id == auth.authorization_id and e.date >= last.date and e is not last
        for e in ctx.data.encounters
    ):
        raise PlantError("last half-day shares its day with another authorized service")
    auth.end_date = last.date - ONE_DAY
    last.authorization_id = None
    p.record(
        "GEN-AUTH-MISSING",
        "encounter",
        last.encounter_id,
        f"authorization {auth.authorization_id} ended {auth.end_date}",
    )
    # GEN-AUTH-EXCEEDED: one unit fewer granted than delivered under an authorization
    ep = p.choose(
        _episodes(p, "count", lambda x: len(_services(p, x.client.client_id)) >= 3),
        "an SST client with three half-days",
    )
    _claim(p, ep, "count")
    by_auth: dict[str, list[Encounter]] = defaultdict(list)
    for e in _services(p, ep.client.client_id):
        by_auth[e.authorization_id or ""].append(e)
    aid, services = max(by_auth.items(), key=lambda kv: len(kv[1]))
    p.granted[aid] = len(services) - 1
    p.record(
        "GEN-AUTH-EXCEEDED",
        "encounter",
        services[-1].encounter_id,
        f"{len(services)} half-days delivered under {aid}, {len(services) - 1} authorized",
    )
    # GEN-AUTH-MISMATCH: a half-day names another client's authorization (a keying slip)
    ep = p.choose(
        _episodes(p, "count", lambda x: len(_services(p, x.client.client_id)) >= 2), "an SST client"
    )
    _claim(p, ep, "count")
    e = _services(p, ep.client.client_id)[1]
    other = p.choose(
        (a for a in ctx.data.authorizations
         if a.client_id != ep.client.client_id and a.service_code == "SST"
         and a.authorization_id not in p.granted
         and p.claimable(a.client_id, "sst", "count")),
        "another client's SST authorization",
    )  # fmt: skip
    e.authorization_id = other.authorization_id
    p.record(
        "GEN-AUTH-MISMATCH",
        "encounter",
        e.encounter_id,
        f"names {other.authorization_id}, which belongs to {other.client_id}",
    )


def similar_service(p: Planting) -> None:
    """SST-SIMILAR-SERVICE: the client also had socialization training through another AHI
    service for a few days around one half-day."""
    ep = p.choose(
        _episodes(
            p, "count", lambda x: not x.transport and len(_services(p, x.client.client_id)) >= 3
        ),
        "an SST client without agency transportation",
    )
    _claim(p, ep, "count")
    services = _services(p, ep.client.client_id)
    e = services[len(services) // 2]
    p.ctx.data.other_services.append(
        OtherService(ep.client.client_id, "socialization_skills_training", "another AHI service",
                     e.date - dt.timedelta(days=2), e.date + dt.timedelta(days=2))
    )  # fmt: skip
    p.record(
        "SST-SIMILAR-SERVICE",
        "encounter",
        e.encounter_id,
        "socialization training through another AHI service that week",
    )


def transport(p: Planting) -> None:
    """SST-TRANSPORT-PA: transportation billed for a client who has other means of getting to
    the facility."""
    with_history = {h.client.client_id for h in p.ctx.caseload.episodes_of("sst") if h.history}
    options = sorted(
        (ep for ep in _episodes(p, "count", lambda x: x.transport)
         if _services(p, ep.client.client_id, "SST-TRANSPORT")),
        key=lambda x: (x.client.client_id in with_history,
                       len(_services(p, x.client.client_id, "SST-TRANSPORT")), x.client.client_id),
    )  # fmt: skip
    if not options:
        raise PlantError("no SST client with agency transportation")
    ep = options[0]
    _claim(p, ep, "count")
    ep.client.has_other_transportation = True
    for e in _services(p, ep.client.client_id, "SST-TRANSPORT"):
        p.record(
            "SST-TRANSPORT-PA",
            "encounter",
            e.encounter_id,
            "client has other means of transportation",
        )


def reports(p: Planting) -> None:
    def months(ep: Episode) -> list[dt.date]:
        found = sorted(
            {
                month_start(e.date)
                for e in _services(p, ep.client.client_id)
                if e.date >= p.ctx.period.start
            }
        )
        return [m for m in found if add_months(m, 2) - ONE_DAY <= p.ctx.period.as_of]

    for kind in ("missing", "late", "incomplete"):
        ep = p.choose(
            _episodes(p, "reports", lambda x: len(months(x)) >= 1),
            "an SST client with a month of services",
        )
        p.claim(ep.client.client_id, "sst", "reports")
        found = months(ep)
        month = found[len(found) // 2]
        key = (ep.client.client_id, month)
        if kind == "missing":
            p.reports.missing.add(key)
            p.record(
                "SST-MONTHLY-REPORT",
                "client",
                ep.client.client_id,
                f"no progress report for {month:%Y-%m}",
            )
        elif kind == "late":
            p.reports.late.add(key)
            p.record(
                "SST-MONTHLY-REPORT",
                "client",
                ep.client.client_id,
                f"report for {month:%Y-%m} sent after the end of the following month",
            )
        else:
            p.reports.incomplete[key] = ("family_education", "family_response")
            p.record_report(key, f"{month:%Y-%m} report lacks family education and response")


def plan(p: Planting) -> None:
    ctx = p.ctx
    ep = p.choose(_episodes(p, "plan"), "an SST client")
    p.claim(ep.client.client_id, "sst", "plan")
    first = min(
        (x for x in ctx.data.plans if x.client_id == ep.client.client_id and x.program == "sst"),
        key=lambda x: x.start_date,
    )
    first.recommended_schedule = None
    p.record("SST-PLAN-SCHEDULE", "plan", first.plan_id, "initial plan has no session schedule")
    ep = p.choose(_episodes(p, "plan"), "an SST client")
    p.claim(ep.client.client_id, "sst", "plan")
    current = ctx.plan_on(ep.client.client_id, "sst", ep.first)
    assert current is not None
    current.feedback_mechanism = current.practice_environment = None
    p.record(
        "SST-PLAN-ELEMENTS",
        "plan",
        current.plan_id,
        "lacks the practice environment and the feedback mechanism",
    )


def referral(p: Planting) -> None:
    ep = p.choose(_episodes(p, "enrollment"), "an SST client")
    p.claim(ep.client.client_id, "sst", "enrollment")
    ep.enrollment.referral_interest = None
    p.record(
        "SST-REFERRAL",
        "client",
        ep.client.client_id,
        "client or family interest not documented at referral",
    )


def _community(
    p: Planting, test: Callable[[Encounter], bool] = lambda e: True
) -> Iterator[Encounter]:
    return p.encounters(
        lambda e: e.service_code == "SST" and e.activity == "community_practice" and test(e)
    )


def half_day(p: Planting) -> None:
    e = next(_community(p), None)
    if e is None:
        raise PlantError("no community practice half-day left")
    p.take(e)
    p.retime(e, e.start_minute, e.start_minute + SHORT_HALF_DAY_MINUTES)
    # GEN-UNITS-EXCEED-TIME leaves SST's half-day unit to this rule (rules/units.py)
    p.record(
        "SST-UNIT-HALF-DAY",
        "encounter",
        e.encounter_id,
        f"{SHORT_HALF_DAY_MINUTES} minutes documented for one three-hour half-day",
    )


def didactic(p: Planting) -> None:
    ctx = p.ctx
    for e in sorted(
        p.encounters(lambda x: x.service_code == "SST" and x.activity == "didactic"),
        key=lambda x: p.rng.random(),
    ):
        workers = [
            s
            for s in ctx.roster.role("direct_care")
            if s.staff_id not in p.staff_used
            and active_on(s, e.date)
            and ctx.book.free(staff_key(s.staff_id), e.date, e.start_minute, e.end_minute)
        ]
        if workers:
            p.take(e)
            p.reassign(e, workers[0])
            p.record(
                "SST-DIDACTIC-QHIP",
                "encounter",
                e.encounter_id,
                f"didactic instruction led by direct-care worker {workers[0].staff_id}",
            )
            return
    raise PlantError("no didactic session to hand to a direct-care worker")


def _hand_over(p: Planting, worker: Staff, count: int) -> list[Encounter]:
    ctx = p.ctx
    ready = worker.ready_on or worker.hire_date
    out: list[Encounter] = []
    for e in _community(p, lambda x: x.date >= ready):
        if len(out) == count:
            break
        if ctx.book.free(staff_key(worker.staff_id), e.date, e.start_minute, e.end_minute):
            p.take(e)
            p.reassign(e, worker)
            out.append(e)
    if len(out) < count:
        raise PlantError("not enough community practice half-days to hand over")
    return out


def staff_rules(p: Planting) -> None:
    """Direct-care workers with one gap each, and a QHIP supervising thirteen."""
    ctx = p.ctx
    period = ctx.period
    qhips = ctx.roster.role("qhip")
    census = period.start + dt.timedelta(days=14)

    def team(q: Staff) -> list[Staff]:
        rendered = {e.staff_id for e in ctx.data.encounters if e.program == "sst" and e.billable}
        return [
            s
            for s in ctx.roster.role("direct_care")
            if s.supervisor_id == q.staff_id
            and s.staff_id in rendered
            and s.hire_date <= census
            and (s.end_date is None or s.end_date >= census)
        ]

    crowded = max(qhips, key=lambda q: (len(team(q)), q.staff_id))
    other = next(q for q in qhips if q is not crowded)

    def worker(**kw: object) -> Staff:
        # the roster's lists are the agency's staff and training lists
        s = add_direct_care(ctx.roster, ctx.ids, p.rng, period, **kw)  # type: ignore[arg-type]
        p.staff_used.add(s.staff_id)
        return s

    marked = {s.staff_id for s in ctx.roster.marked.values()}
    licensed = next(s for s in ctx.roster.role("cpr") if s.staff_id not in marked)
    w = worker(hire=add_months(period.start, -10), supervisor_id=licensed.staff_id)
    _hand_over(p, w, 1)
    p.record(
        "SST-SUPERVISOR-QHIP",
        "staff",
        w.staff_id,
        f"supervisor {licensed.staff_id} is a licensed counselor, not a QHIP",
    )
    w = worker(hire=add_months(period.start, -7), supervisor_id=other.staff_id, education="none")
    for e in _hand_over(p, w, 2):
        p.record(
            "SST-DIRECT-CARE-EDUCATION",
            "encounter",
            e.encounter_id,
            f"{w.staff_id} has no high school diploma or equivalent",
        )
    w = worker(
        hire=add_months(period.start, -9),
        supervisor_id=other.staff_id,
        primary_skills=pf.SST_PRIMARY_SKILLS_TOPICS[:4] + pf.SST_PRIMARY_SKILLS_TOPICS[5:],
    )
    for e in _hand_over(p, w, 2):
        p.record(
            "SST-PRIMARY-SKILLS",
            "encounter",
            e.encounter_id,
            f"{w.staff_id} never completed the safety and welfare domain",
        )
    w = worker(
        hire=add_months(period.start, -48), supervisor_id=other.staff_id, continuing_education=False
    )
    for e in _hand_over(p, w, 2):
        p.record(
            "SST-ANNUAL-CE",
            "encounter",
            e.encounter_id,
            f"{w.staff_id} has no continuing education since hire",
        )
    extra = pf.SST_MAX_DIRECT_CARE_PER_QHIP + 1 - len(team(crowded))
    for _ in range(max(0, extra)):
        w = worker(hire=add_months(period.start, -18), supervisor_id=crowded.staff_id)
        _hand_over(p, w, 1)
    p.record(
        "SST-SUPERVISION-RATIO",
        "staff",
        crowded.staff_id,
        f"supervises {len(team(crowded))} direct-care staff on {census}",
    )


def curriculum(p: Planting) -> None:
    p.ctx.data.agency.has_sst_curriculum = False
    p.record("SST-CURRICULUM", "agency", AGENCY_ID, "no socialization curriculum documented")

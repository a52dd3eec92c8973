"""Psychosocial rehabilitation (DMH Community Psychiatric Rehabilitation): who may deliver it,
the training they need, and how many consumers one professional may lead in a group.

Source: seed 001 (001_31c59ab3e9157d03.txt). A CPR line is a billable encounter whose service,
on its date of service, belongs to the ``cpr`` program (H2017 HO, H2017 HO HQ, H2017P, H2017S).

Who may deliver it and what training they need are read from the cpr pack (``staff`` role
``professional`` and its ``trainings`` groups ``initial`` and ``six_month``), each version on the
dates it is in force: this module turns them into two small dated tables once per audit.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caseledger.facts.policy_frames import OPEN_END
from caseledger.policy import Policy
from caseledger.policy.walk import iter_timelines
from caseledger.rules.common import is_billable, line_amount, trimmed
from caseledger.rules.context import RuleContext
from caseledger.rules.groups import group_lines, oversized_groups
from caseledger.rules.registry import rule as _rule

#: every rule here reads the encounters of its own program only (see RuleDef.programs)
rule = functools.partial(_rule, programs=("cpr",))

PROGRAM = "cpr"
#: the cpr pack's staff role for everyone delivering psychosocial rehabilitation
ROLE = "professional"
#: the cpr pack's training groups
INITIAL = "initial"
SIX_MONTH = "six_month"
ONE_DAY = dt.timedelta(days=1)
#: how a credential kind named in ``credentials_all`` reads in a message
CREDENTIAL_LABELS = {"mh_specialized_training": "specialized mental health training"}

CREDENTIALS_SCHEMA = pa.schema(
    [
        ("start", pa.date32()),
        ("end", pa.date32()),
        #: "license" for the credentials_any alternatives, else the credential kind required
        ("req", pa.string()),
        ("kind", pa.string()),
        ("state", pa.string()),
        ("label", pa.string()),
    ]
)
TRAININGS_SCHEMA = pa.schema(
    [
        ("group", pa.string()),
        ("start", pa.date32()),
        ("end", pa.date32()),
        ("topic", pa.string()),
        ("label", pa.string()),
        ("hours", pa.float64()),
        ("hours_text", pa.string()),
        ("ord", pa.int32()),
        ("due_n", pa.int64()),
        ("due_unit", pa.string()),
        ("waiver_ok", pa.bool_()),
    ]
)


# --------------------------------------------------------------------------- policy as tables


def _segments(model: Any) -> list[tuple[dt.date, dt.date]]:
    """The periods over which no dated value inside ``model`` changes, from the first version
    on (``OPEN_END`` closes the last)."""
    cuts: set[dt.date] = set()
    for _, versions in iter_timelines(model):
        for version in versions:
            cuts.add(version.from_)
            if version.to is not None:
                cuts.add(version.to + ONE_DAY)
    ordered = sorted(cuts)
    ends = [d - ONE_DAY for d in ordered[1:]] + [OPEN_END]
    return list(zip(ordered, ends, strict=True))


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _hours(value: Any) -> str:
    return format(value.normalize(), "f")


def credential_rules(policy: Policy) -> pa.Table:
    """The credentials the CPR professional role requires, one row per acceptable kind per
    requirement per period: the license (any one of ``credentials_any``, issued by
    ``license_state``) and each kind of ``credentials_all``."""
    pack = policy.pack_of(PROGRAM)
    spec = policy.packs[pack].pack.staff.get(ROLE)
    rows: list[dict[str, Any]] = []
    for start, end in _segments(spec) if spec is not None else []:
        role = policy.staff_role(pack, ROLE, start)
        if role is None:
            continue
        state = role.license_state.value if role.license_state else None
        alternatives = list(role.credentials_any.value) if role.credentials_any else []
        if alternatives:
            issued = f"{state} " if state else ""
            label = f"no {issued}license as {_either([k.upper() for k in alternatives])}"
            rows += [
                {"start": start, "end": end, "req": "license", "kind": kind, "state": state}
                | {"label": label}
                for kind in alternatives
            ]
        for kind in role.credentials_all.value if role.credentials_all else ():
            name = CREDENTIAL_LABELS.get(kind, kind.replace("_", " "))
            rows.append(
                {"start": start, "end": end, "req": kind, "kind": kind, "state": None}
                | {"label": f"no {name} on record"}
            )
    return pa.Table.from_pylist(rows, schema=CREDENTIALS_SCHEMA)


def training_rules(policy: Policy) -> pa.Table:
    """The topics of every CPR training group for the professional role, one row per topic per
    period, with its hours, the group's deadline after hire and whether a documented waiver
    stands in for the topic (yes unless the pack says ``waiver_allowed: false``)."""
    pack = policy.pack_of(PROGRAM)
    rows: list[dict[str, Any]] = []
    for name, group in policy.packs[pack].pack.trainings.items():
        if group.role != ROLE:
            continue
        for start, end in _segments(group):
            found = [g for g in policy.trainings(pack, start) if g.group == name]
            if not found:
                continue
            version = found[0]
            due = version.due
            waiver = version.waiver_allowed
            for order, topic in enumerate(version.topics):
                rows.append(
                    {
                        "group": name,
                        "start": start,
                        "end": end,
                        "topic": topic.topic,
                        "label": _lower_first(topic.label),
                        "hours": None if topic.hours is None else float(topic.hours),
                        "hours_text": None if topic.hours is None else _hours(topic.hours),
                        "ord": order,
                        "due_n": None if due is None else int(due.value),
                        "due_unit": None if due is None else due.unit,
                        "waiver_ok": waiver is None or bool(waiver.value),
                    }
                )
    return pa.Table.from_pylist(rows, schema=TRAININGS_SCHEMA)


# --------------------------------------------------------------------------- shared expressions


def cpr_lines(ctx: RuleContext) -> ir.Table:
    """Billable encounters whose service on the date of service is a CPR service."""
    enc = ctx.with_service(ctx.t("encounters"))
    return enc.filter(is_billable(enc) & (enc.svc_program == PROGRAM))


def _staff_days(lines: ir.Table) -> ir.Table:
    """Each rendering staff member and date of service once: staff rules are judged per staff
    per day and joined back to the lines by key, so no line is ever multiplied."""
    known = lines.filter(lines.staff_id.notnull())
    return known.select("staff_id", "date").distinct()


def _back_to_lines(lines: ir.Table, days: ir.Table, **extra: Any) -> ir.Table:
    """The lines of the (staff_id, date) pairs in ``days`` (which holds each pair once)."""
    keyed = days.rename(k_staff="staff_id", k_date="date")
    joined = lines.join(keyed, [lines.staff_id == keyed.k_staff, lines.date == keyed.k_date])
    return joined.select(
        subject_id=joined.encounter_id,
        client_id=joined.client_id,
        staff_id=joined.staff_id,
        date=joined.date,
        amount=line_amount(joined),
        **{name: joined[column] for name, column in extra.items()},
    )


def _number_text(x: ir.FloatingValue) -> ir.StringValue:
    """2 -> "2", 2.5 -> "2.5" (two decimals at most)."""
    return ibis.cases(
        (x == x.floor(), x.cast("int64").cast("string")),
        else_=x.round(2).cast("string"),
    )


def _after(start: ir.DateValue, n: ir.IntegerValue, unit: ir.StringValue) -> ir.DateValue:
    """``start`` plus ``n`` days, months or years (a deadline counted from the hire date)."""
    return ibis.cases(
        (unit == "days", start + n.as_interval("D")),
        (unit == "months", start + n.as_interval("M")),
        (unit == "years", start + (n * 12).as_interval("M")),
        else_=ibis.null("date"),
    )


def training_gaps(ctx: RuleContext, staff: ir.Table) -> ir.Table:
    """What each staff member in ``staff`` (column ``staff_id``) lacks of each CPR training
    group, as periods over which that does not change: ``g_group, g_staff, g_start, g_end,
    missing, due_n, due_unit``, only periods where something is missing. The groups are worked
    out together, so the rules of both read one expression.

    A topic is met on a day when the staff member's trainings of that topic completed on or
    before that day add up to its hours (any completed training when the topic states none), or
    when a waiver documented in the personnel record (``waived`` with a ``waiver_note``) stands
    in for it. The periods start at every version of the requirement and at every completion
    date, so each staff member has a handful of periods however many lines they render."""
    topics = ctx.derived("psr_training_rules", training_rules)
    people = staff.select(p_staff=staff.staff_id).distinct()
    done = _trainings_done(ctx, topics, people)
    # period starts: each version of the requirement and each completion date
    starts = topics.select(b=topics.start).distinct()
    cuts = ibis.union(
        people.cross_join(starts).select(staff_id=people.p_staff, b=starts.b),
        done.filter(done.t_on.notnull()).select(staff_id=done.t_staff, b=done.t_on),
        distinct=True,
    )
    following = cuts.b.lead().over(ibis.window(group_by=cuts.staff_id, order_by=cuts.b))
    periods = cuts.mutate(
        e=(following - ibis.interval(days=1))
        .cast("date")
        .fill_null(ibis.literal(OPEN_END, type="date"))
    )
    return _gaps(periods, topics, done)


def training_gaps_on(ctx: RuleContext, days: ir.Table) -> ir.Table:
    """:func:`training_gaps` for given days (columns ``staff_id``, ``date``, each pair once):
    what each staff member lacks on that day, a period of one day. For a few days a staff
    member (PSR-TRAINING-DUE's as-of date), this is less work than every period."""
    topics = ctx.derived("psr_training_rules", training_rules)
    people = days.select(p_staff=days.staff_id).distinct()
    periods = days.select("staff_id", b=days.date, e=days.date)
    return _gaps(periods, topics, _trainings_done(ctx, topics, people))


def _trainings_done(ctx: RuleContext, topics: ir.Table, people: ir.Table) -> ir.Table:
    """The trainings of the staff in ``people`` (column ``p_staff``) on a topic of ``topics``
    that count: completed, or waived with a note (``t_staff, t_topic, t_on, t_hours,
    t_waived``)."""
    tr = ctx.t("staff_trainings")
    note = trimmed(tr.waiver_note.fill_null(""))
    waived = tr.waived.fill_null(False) & (note.length() > 0)
    tr = tr.mutate(t_waived=waived)
    tr = tr.filter(tr.completed_on.notnull() | tr.t_waived)
    names = topics.select(t_name=topics.topic).distinct()
    tr = tr.semi_join(names, tr.topic == names.t_name).semi_join(
        people, tr.staff_id == people.p_staff
    )
    return tr.select(
        t_staff=tr.staff_id,
        t_topic=tr.topic,
        t_on=tr.completed_on,
        t_hours=tr.hours.fill_null(0.0),
        t_waived=tr.t_waived,
    )


def _gaps(periods: ir.Table, topics: ir.Table, done: ir.Table) -> ir.Table:
    """For each period (``staff_id, b, e``), the topics of each group in force on its first day
    that the trainings ``done`` by that day do not meet, listed in the pack's order: the
    columns of :func:`training_gaps`."""
    req = topics.view()
    grid = periods.join(req, [periods.b >= req.start, periods.b <= req.end])
    grid = grid.select(
        group=grid.group,
        staff_id=grid.staff_id,
        b=grid.b,
        e=grid.e,
        topic=grid.topic,
        label=grid.label,
        hours=grid.hours,
        hours_text=grid.hours_text,
        ord=grid.ord,
        due_n=grid.due_n,
        due_unit=grid.due_unit,
        waiver_ok=grid.waiver_ok,
    )
    found = grid.left_join(
        done,
        [
            grid.staff_id == done.t_staff,
            grid.topic == done.t_topic,
            done.t_on.isnull() | (done.t_on <= grid.b),
        ],
    )
    counted = ~found.t_waived.fill_null(True)
    status = found.group_by(grid.columns).aggregate(
        hours_done=ibis.cases((counted, found.t_hours), else_=0.0).sum(),
        completed=ibis.cases((counted & found.t_on.notnull(), 1), else_=0).sum(),
        waivers=ibis.cases((found.t_waived.fill_null(False), 1), else_=0).sum(),
    )
    met = (
        (status.waiver_ok & (status.waivers > 0))
        | (status.hours.isnull() & (status.completed > 0))
        # hours are decimals summed as doubles: allow for their rounding
        | (status.hours.notnull() & (status.hours_done >= status.hours - 1e-6))
    )
    missing = status.filter(~met)
    item = (
        missing.ord.cast("string").lpad(3, "0")
        + "|"
        + missing.label
        + ibis.cases(
            (
                missing.hours.notnull(),
                " ("
                + missing.hours_text
                + " h required, "
                + _number_text(missing.hours_done)
                + " h done)",
            ),
            else_="",
        )
    )
    missing = missing.mutate(item=item)
    gaps = missing.group_by(["group", "staff_id", "b", "e", "due_n", "due_unit"]).aggregate(
        # sorted by the pack's topic order, then the order prefix is dropped
        listed=missing.item.collect().sort().join("; ")
    )
    return gaps.select(
        g_group=gaps.group,
        g_staff=gaps.staff_id,
        g_start=gaps.b,
        g_end=gaps.e,
        missing=gaps.listed.re_replace(r"[0-9]+\|", ""),
        due_n=gaps.due_n,
        due_unit=gaps.due_unit,
    )


def _gaps_on_days(days: ir.Table, gaps: ir.Table, group: str) -> ir.Table:
    """The staff days that fall in a period with something of training ``group`` missing (each
    day in one period)."""
    gaps = gaps.filter(gaps.g_group == group)
    joined = days.join(
        gaps,
        [days.staff_id == gaps.g_staff, days.date >= gaps.g_start, days.date <= gaps.g_end],
    )
    return joined.select(
        staff_id=joined.staff_id,
        date=joined.date,
        missing=joined.missing,
        due_n=joined.due_n,
        due_unit=joined.due_unit,
    )


# --------------------------------------------------------------------------- rules


@rule(
    "PSR-STAFF-LICENSE",
    message="Rendering staff is not qualified to deliver psychosocial rehabilitation on the date "
    "of service: {detail}.",
    needs=("encounters", "staff_credentials"),
    one_line=True,
)
def staff_license(ctx: RuleContext) -> ir.Table:
    """Seed 001, Qualified staff: whoever renders individual or group professional psychosocial
    rehabilitation holds a Missouri counselor or clinical social worker license (full or
    provisional) and has had specialized mental health training. The pack's ``professional``
    role names the license kinds (``lpc``, ``plpc``, ``lcsw``, ``plcsw``), the issuing state
    (MO) and the training credential (``mh_specialized_training``).

    A credential counts on the days between its start and end dates (an empty date is open); a
    license counts when its state is the required one or is empty (the dataset often leaves it
    blank for in-state licenses). A line with no rendering staff recorded is flagged too."""
    lines = cpr_lines(ctx)
    req = ctx.derived("psr_credential_rules", credential_rules)
    creds = ctx.t("staff_credentials")
    r = req.select(
        r_start=req.start,
        r_end=req.end,
        r_req=req.req,
        r_kind=req.kind,
        r_state=req.state,
    )
    state = trimmed(creds.state.fill_null("")).upper()
    matched = creds.join(
        r,
        [
            creds.kind == r.r_kind,
            r.r_state.isnull() | (state == "") | (state == r.r_state.upper()),
            creds.start_date.isnull() | (creds.start_date <= r.r_end),
            creds.end_date.isnull() | (creds.end_date >= r.r_start),
        ],
    )
    held = matched.select(
        h_staff=matched.staff_id,
        h_req=matched.r_req,
        h_from=ibis.greatest(matched.start_date.fill_null(matched.r_start), matched.r_start),
        h_to=ibis.least(matched.end_date.fill_null(matched.r_end), matched.r_end),
    )
    wanted = req.select(
        w_start=req.start, w_end=req.end, w_req=req.req, w_label=req.label
    ).distinct()
    days = _staff_days(lines)
    needed = days.join(wanted, [days.date >= wanted.w_start, days.date <= wanted.w_end])
    lacking = needed.anti_join(
        held,
        [
            needed.staff_id == held.h_staff,
            needed.w_req == held.h_req,
            needed.date >= held.h_from,
            needed.date <= held.h_to,
        ],
    )
    per_day = lacking.group_by(["staff_id", "date"]).aggregate(
        detail=lacking.w_label.collect().sort().join("; ")
    )
    flagged = _back_to_lines(lines, per_day, detail="detail")
    periods = req.select(n_start=req.start, n_end=req.end).distinct()
    nobody = lines.filter(lines.staff_id.isnull())
    nobody = nobody.semi_join(
        periods, [nobody.date >= periods.n_start, nobody.date <= periods.n_end]
    )
    unstaffed = nobody.select(
        subject_id=nobody.encounter_id,
        client_id=nobody.client_id,
        staff_id=nobody.staff_id,
        date=nobody.date,
        amount=line_amount(nobody),
        detail=ibis.literal("no rendering staff is recorded"),
    )
    return ibis.union(flagged, unstaffed, distinct=False)


@rule(
    "PSR-INITIAL-TRAINING",
    message="Rendering staff had not completed the initial training required before delivering "
    "psychosocial rehabilitation: missing {detail}.",
    needs=("encounters", "staff_trainings"),
    one_line=True,
)
def initial_training(ctx: RuleContext) -> ir.Table:
    """Seed 001, Specialized Staff Training Requirements: before delivering individual or group
    professional psychosocial rehabilitation, staff need orientation and training to the CPR
    program and documentation and Medicaid compliance training (the cpr pack's ``initial``
    group, due 0 days after hire: before the first service).

    A training completed on the date of service itself counts (it is "on or before" the date).
    The seed lets documented earlier training stand in for a requirement; a waiver counts here
    too unless the pack's group says ``waiver_allowed: false``. Lines without rendering staff
    are left to PSR-STAFF-LICENSE."""
    lines = cpr_lines(ctx)
    days = _staff_days(lines)
    flagged = _gaps_on_days(days, training_gaps(ctx, days), INITIAL)
    return _back_to_lines(lines, flagged, detail="missing")


@rule(
    "PSR-SIX-MONTH-TRAINING",
    message="Rendering staff is past the training deadline after hire and is still {detail}.",
    needs=("encounters", "staff", "staff_trainings"),
    one_line=True,
)
def six_month_training(ctx: RuleContext) -> ir.Table:
    """Seed 001, Specialized Staff Training Requirements: within six months, staff delivering
    psychosocial rehabilitation complete further training, each topic with its hours (CBT 2.5,
    recovery-based treatment plan 2, illness management and recovery 2.5, introduction to DBT 2,
    IDDT 2, motivational interviewing 4, suicide prevention 2, PTSD 1, medications and
    diagnostics 1, older adults 1), and documented earlier training may stand in (the cpr pack's
    ``six_month`` group: due 6 months after the hire date, waiver allowed).

    A line is flagged when its date of service is more than the deadline after hire (a service
    on the day exactly six months after hire is still in time) and, summing each topic's
    trainings completed on or before that date, a topic falls short of its hours. The message
    lists every missing topic with its hours required and done. Staff without a hire date cannot
    be judged and are not flagged."""
    lines = cpr_lines(ctx)
    days = _staff_days(lines)
    gaps = _gaps_on_days(days, training_gaps(ctx, days), SIX_MONTH)
    staff = ctx.t("staff")
    hired = staff.select(s_staff=staff.staff_id, s_hired=staff.hire_date)
    joined = gaps.join(hired, gaps.staff_id == hired.s_staff)
    deadline = _after(joined.s_hired, joined.due_n, joined.due_unit)
    late = joined.filter(joined.date > deadline)
    late = late.select("staff_id", "date", missing="missing " + late.missing)
    return _back_to_lines(lines, late, detail="missing")


@rule(
    "PSR-TRAINING-DUE",
    message="Training after hire for psychosocial rehabilitation is due in {value:int} days and "
    "this staff member is still {detail}.",
    needs=("staff", "staff_trainings"),
)
def training_due(ctx: RuleContext) -> ir.Table:
    """A reminder (seed 001, Specialized Staff Training Requirements: further training within
    six months): a CPR staff member whose six-month deadline (hire date plus the ``six_month``
    group's ``due``) falls from the as-of date through the cpr parameter
    ``training_due_lookahead`` (30 days) after it, and who, counting trainings completed on or
    before the as-of date, still misses a topic. The requirement and the look-ahead are the
    versions in force on the as-of date.

    A CPR staff member is someone employed on the as-of date (no end date, or one on or after
    it) with a hire date, who has rendered a billable CPR line or has a record of any CPR
    training topic. The finding's date is the deadline."""
    today = ctx.today
    staff = ctx.t("staff")
    employed = staff.filter(
        staff.hire_date.notnull() & (staff.end_date.isnull() | (staff.end_date >= today))
    )
    lines = cpr_lines(ctx)
    rendered = lines.filter(lines.staff_id.notnull()).select("staff_id").distinct()
    rules_ = ctx.derived("psr_training_rules", training_rules)
    topics = rules_.select(t_name=rules_.topic).distinct()
    tr = ctx.t("staff_trainings")
    trained = tr.semi_join(topics, tr.topic == topics.t_name).select("staff_id").distinct()
    either = ibis.union(rendered, trained, distinct=True).rename(c_staff="staff_id")
    cpr_staff = employed.semi_join(either, employed.staff_id == either.c_staff).select(
        "staff_id", "hire_date"
    )
    gaps = training_gaps_on(ctx, cpr_staff.select("staff_id", date=today))
    now = gaps.filter(gaps.g_group == SIX_MONTH)
    people = cpr_staff.view()
    joined = now.join(people, now.g_staff == people.staff_id)
    joined = joined.mutate(
        deadline=_after(joined.hire_date, joined.due_n, joined.due_unit), as_of=today
    )
    ahead = ctx.with_param(joined, PROGRAM, "training_due_lookahead", on="as_of", as_="ahead")
    window_end = ahead.as_of + ahead.ahead.cast("int64").as_interval("D")
    due = ahead.filter((ahead.deadline >= ahead.as_of) & (ahead.deadline <= window_end))
    return due.select(
        subject_id=due.staff_id,
        staff_id=due.staff_id,
        date=due.deadline,
        value=due.deadline.delta(due.as_of, unit="day"),
        detail="missing " + due.missing,
    )


@rule(
    "PSR-GROUP-SIZE",
    message="The group had {value:int} consumers, more than the {limit:int} allowed with {detail}.",
    needs=("encounters", "group_sessions"),
)
def group_size(ctx: RuleContext) -> ir.Table:
    """Seed 001, Group Professional Psychosocial Rehabilitation: at most eight consumers per
    professional (the cpr pack's ``group_limit`` of H2017 HO HQ and H2017S: 8 per
    professional, counting consumers).

    Consumers are the distinct clients with a billable CPR group line carrying the group's id
    (Medicaid and purchase-of-service consumers of one session count together); the
    professionals are the session's ``staff_ids`` in group_sessions.csv, at least one (a session
    missing from that file is taken to have one). The amount is the lines of the consumers
    beyond the limit, in order of arrival (see ``groups.py``)."""
    sessions = ctx.t("group_sessions")
    each = sessions.select(l_group_id=sessions.group_id, l_staff=sessions.staff_ids.unnest())
    leaders = each.group_by("l_group_id").aggregate(l_count=each.l_staff.nunique())
    over = oversized_groups(group_lines(ctx, PROGRAM, "professional"), leaders)
    return over.select(
        subject_id=over.subject_id,
        date=over.date,
        value=over.value,
        limit=over["limit"],
        detail=ibis.cases(
            (over.leaders == 1, "1 leading professional"),
            else_=over.leaders.cast("string") + " leading professionals",
        ),
        amount=over.amount,
    )

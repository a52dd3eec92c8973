"""Community support in substance use disorder programs (service key CSW): the structured rules.

Source: seed 002 (002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11) and its guidelines) and the DBH
Community Support 101 FAQ (June 2014). A CSW line is a billable encounter whose service, on its
date of service, belongs to the ``sud`` program. Every limit is a parameter of the sud pack, taken
in the version in force on the date of service. The rules that read note text (non-billable
activities, vague terms, goal ties, texting described in a note) are note rules, elsewhere.
"""

from __future__ import annotations

import functools

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import claimed_units, has_text, is_billable, line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule as _rule

#: every rule here reads the encounters of its own program only (see RuleDef.programs)
rule = functools.partial(_rule, programs=("sud",))

PROGRAM = "sud"


def csw_lines(ctx: RuleContext) -> ir.Table:
    """Billable encounters whose service on the date of service is a sud-program service."""
    enc = ctx.with_service(ctx.t("encounters"))
    return enc.filter(is_billable(enc) & (enc.svc_program == PROGRAM))


def _units_text(x: ir.FloatingValue) -> ir.StringValue:
    """1 -> "1 unit", 2.5 -> "2.5 units"."""
    number = ibis.cases(
        (x == x.floor(), x.cast("int64").cast("string")),
        else_=x.round(2).cast("string"),
    )
    return number + ibis.cases((x == 1, " unit"), else_=" units")


def _excess_amount(t: ir.Table, excess: ir.FloatingValue) -> ir.FloatingValue:
    """The dollars of ``excess`` units of a line: at the fee-schedule rate where the pack has
    one, else the line's charge pro rata (unknown when neither is known)."""
    units = t.units_claimed
    return ibis.cases(
        (t.svc_rate.notnull(), excess * t.svc_rate),
        (t.charge.notnull() & (units > 0), t.charge * excess / units),
        else_=ibis.null("float64"),
    )


def _over_running_cap(t: ir.Table, group_by: list[str]) -> ir.Table:
    """Lines whose running total of units (per ``group_by``, in date and time order) passes
    ``cap``: adds ``running`` and ``excess`` (the units of the line beyond the cap)."""
    order = [t.date, t.start_time.isnull(), t.start_time, t.encounter_id]
    running = (
        t.units_claimed.fill_null(0.0)
        .sum()
        .over(ibis.cumulative_window(group_by=[t[c] for c in group_by], order_by=order))
    )
    t = t.mutate(running=running)
    over = t.filter(t.running > t.cap)
    return over.mutate(excess=ibis.least(over.units_claimed, over.running - over.cap))


def _finding(t: ir.Table) -> ir.Table:
    return t.select(
        subject_id=t.encounter_id,
        client_id=t.client_id,
        staff_id=t.staff_id,
        date=t.date,
        value=t.running,
        limit=t.cap,
        detail=_units_text(t.excess),
        amount=_excess_amount(t, t.excess),
    )


@rule(
    "CSW-DISCHARGE-CAP",
    message="This line brings initial discharge planning in the client's episode to "
    "{value:num} units, more than the {limit:num} that may be billed; {detail} over the limit.",
)
def discharge_cap(ctx: RuleContext) -> ir.Table:
    """Seed 002, 9 CSR 30-3.110 (11)(A)9 guideline: the initial discharge planning session,
    begun as early as intake, is capped at 4 billable units (sud parameter
    ``initial_discharge_planning_max_units``).

    Lines with activity ``initial_discharge_planning`` are counted per client per episode, the
    sud enrollment covering the date of service (the latest-starting one when several do);
    lines outside any sud enrollment are counted together per client, so a missing enrollment
    does not hide an excess (GEN-ENROLLMENT reports the enrollment itself). Units are the units
    claimed, or what the documented time supports. The line whose running total passes the cap
    is flagged with the units beyond it, and every later line with all of its units."""
    lines = csw_lines(ctx)
    lines = lines.filter(lines.activity == "initial_discharge_planning")
    lines = lines.mutate(units_claimed=claimed_units(lines))
    lines = ctx.with_param(lines, PROGRAM, "initial_discharge_planning_max_units", as_="cap")
    enr = ctx.t("enrollments")
    enr = enr.filter(enr.program == PROGRAM).select(
        e_client=enr.client_id, e_start=enr.start_date, e_end=enr.end_date
    )
    joined = lines.left_join(
        enr,
        [
            lines.client_id == enr.e_client,
            lines.date >= enr.e_start,
            enr.e_end.isnull() | (lines.date <= enr.e_end),
        ],
    )
    latest = ibis.row_number().over(
        ibis.window(
            group_by=joined.encounter_id,
            order_by=[joined.e_start.isnull(), ibis.desc(joined.e_start)],
        )
    )
    episodes = joined.mutate(_n=latest)
    episodes = episodes.filter(episodes._n == 0).drop("_n", "e_client", "e_end")
    return _finding(_over_running_cap(episodes, ["client_id", "e_start"]))


@rule(
    "CSW-MEETING-UNITS",
    message="This line brings the client's units for one treatment plan meeting to {value:num}, "
    "more than the {limit:num} allowed without documented unusual circumstances; {detail} over "
    "the limit.",
)
def meeting_units(ctx: RuleContext) -> ir.Table:
    """Seed 002, 9 CSR 30-3.110 (11)(A)2 guideline: a plan review meeting is billed at no more
    than 1 unit per client (sud parameter ``plan_meeting_max_units``); more needs unusual
    circumstances recorded in the client's record.

    A meeting is the encounters' ``meeting_id`` (plan development or plan review). When any of
    the client's lines for that meeting documents ``unusual_circumstances``, none is flagged;
    otherwise the lines are taken in date and time order and those past the cap are flagged with
    their units beyond it."""
    lines = csw_lines(ctx)
    lines = lines.filter(lines.meeting_id.notnull())
    lines = lines.mutate(units_claimed=claimed_units(lines))
    lines = ctx.with_param(lines, PROGRAM, "plan_meeting_max_units", as_="cap")
    documented = has_text(lines.unusual_circumstances)
    meeting = ibis.window(group_by=[lines.client_id, lines.meeting_id])
    lines = lines.mutate(
        excused=ibis.cases((documented, 1), else_=0).max().over(meeting),
    )
    lines = lines.filter(lines.excused == 0)
    return _finding(_over_running_cap(lines, ["client_id", "meeting_id"]))


@rule(
    "CSW-MISSED-FOLLOWUP",
    message="No documented effort to contact the client within {limit:num} hours of the missed "
    "appointment ({detail}).",
    needs=("missed_appointments", "contacts"),
)
def missed_followup(ctx: RuleContext) -> ir.Table:
    """Seed 002, 9 CSR 30-3.110 (11)(A)3 guideline: after a no-show at a scheduled program
    activity, staff must begin trying to reach the client and bring them back into treatment
    within 48 hours (sud parameter ``missed_contact_hours``), and record those attempts.

    An unexcused missed appointment is in scope when its service is a sud-program service on
    that day, or when its code is empty or unknown to the packs and the client is enrolled in
    sud that day. A contact counts when it is at or after the scheduled time and no later than
    48 hours after it (exactly 48 hours is in time), and either names this missed appointment
    or names none and is with the same client (by any staff). The appointment is judged only
    once its 48 hours ended before the as-of date; the finding says when the first later contact
    came, if any."""
    missed = ctx.t("missed_appointments")
    missed = missed.filter(~missed.excused.fill_null(False))
    missed = missed.mutate(date=missed.scheduled_at.date())
    services = ctx.services
    sud = services.filter(services.program == PROGRAM)
    by_code = missed.semi_join(
        sud,
        [missed.service_code == sud.code, missed.date >= sud.start, missed.date <= sud.end],
    )
    known = ctx.services.select(k_code=ctx.services.code).distinct()
    uncoded = missed.anti_join(known, missed.service_code == known.k_code)
    enr = ctx.t("enrollments")
    enr = enr.filter(enr.program == PROGRAM)
    by_enrollment = uncoded.semi_join(
        enr,
        [
            uncoded.client_id == enr.client_id,
            uncoded.date >= enr.start_date,
            enr.end_date.isnull() | (uncoded.date <= enr.end_date),
        ],
    )
    scoped = ibis.union(by_code, by_enrollment, distinct=False)
    scoped = ctx.with_param(scoped, PROGRAM, "missed_contact_hours", as_="hours")
    scoped = scoped.mutate(
        due=scoped.scheduled_at + (scoped.hours * 60).round().cast("int64").as_interval("m")
    )
    judged = scoped.filter(scoped.due < ctx.today.cast("timestamp"))

    contacts = ctx.t("contacts")
    contacts = contacts.filter(contacts.at.notnull())
    named = contacts.filter(contacts.missed_id.notnull()).select(
        n_missed=contacts.missed_id, n_at=contacts.at
    )
    unnamed = contacts.filter(contacts.missed_id.isnull()).select(
        u_client=contacts.client_id, u_at=contacts.at
    )
    open_ = judged.anti_join(
        named,
        [
            judged.missed_id == named.n_missed,
            named.n_at >= judged.scheduled_at,
            named.n_at <= judged.due,
        ],
    )
    open_ = open_.anti_join(
        unnamed,
        [
            open_.client_id == unnamed.u_client,
            unnamed.u_at >= open_.scheduled_at,
            unnamed.u_at <= open_.due,
        ],
    )
    # the first contact after the window, for the message
    named, unnamed = named.view(), unnamed.view()
    named_late = open_.join(
        named, [open_.missed_id == named.n_missed, named.n_at > open_.due]
    ).select(l_missed=open_.missed_id, l_at=named.n_at)
    unnamed_late = open_.join(
        unnamed, [open_.client_id == unnamed.u_client, unnamed.u_at > open_.due]
    ).select(l_missed=open_.missed_id, l_at=unnamed.u_at)
    late = ibis.union(named_late, unnamed_late, distinct=False)
    first = late.group_by("l_missed").aggregate(l_first=late.l_at.min())
    out = open_.left_join(first, open_.missed_id == first.l_missed)
    after = (out.l_first.epoch_seconds() - out.scheduled_at.epoch_seconds()) / 3600
    whole_hours = after.floor().cast("int64")
    return out.select(
        subject_id=out.missed_id,
        client_id=out.client_id,
        date=out.date,
        value=after,
        limit=out.hours,
        detail=ibis.cases(
            (out.l_first.isnull(), "no later contact is recorded"),
            (whole_hours == 1, "the first contact came 1 hour after it"),
            else_="the first contact came " + whole_hours.cast("string") + " hours after it",
        ),
    )


@rule(
    "CSW-NOT-VERBAL",
    message="Community support by {detail} was billed; only face-to-face or telephone contact "
    "is billable.",
    one_line=True,
)
def not_verbal(ctx: RuleContext) -> ir.Table:
    """DBH Community Support 101 (June 2014): only verbal contact, face to face or by telephone,
    is billable as community support; texting and e-mail are not. The sud parameter
    ``nonverbal_places`` lists the ``place`` values that are not verbal (text, email).

    This rule reads the structured ``place`` column only; a note that describes texting or
    e-mailing while ``place`` says otherwise is left to the note analyzer (the parameter
    ``nonverbal_phrases``). The whole line is at risk."""
    lines = csw_lines(ctx)
    lines = lines.filter(lines.place.notnull())
    lines = ctx.with_param(lines, PROGRAM, "nonverbal_places", field="items", as_="nonverbal")
    hit = lines.filter(lines.nonverbal.contains(lines.place))
    return hit.select(
        subject_id=hit.encounter_id,
        client_id=hit.client_id,
        staff_id=hit.staff_id,
        date=hit.date,
        detail=ibis.cases(
            (hit.place == "text", "text message"),
            (hit.place == "email", "e-mail"),
            else_=hit.place,
        ),
        amount=line_amount(hit),
    )

"""The same service billed twice, and a client or a staff member in two places at once.

Times are minutes after midnight. An encounter occupies ``[start, end)``: one that ends at 10:00
and one that starts at 10:00 do not overlap, and an encounter without both times, or whose end is
not after its start, occupies no time (GEN-TIME-MISSING and the unit rules report those).

Overlaps are found with a running maximum of end times in start order, not by pairing
encounters: an encounter overlaps an earlier-starting one exactly when some earlier encounter of
the same client (or staff member) on that day ends after it starts. One ordering of each client's
day serves GEN-DUPLICATE and GEN-CLIENT-OVERLAP, one of each staff member's day
GEN-STAFF-OVERLAP; the encounter a message names is looked up for the few reported lines only.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule
from caseledger.rules.units import billable

#: What makes two billable encounters copies of one another (GEN-DUPLICATE).
DUPLICATE_KEY = (
    "client_id",
    "staff_id",
    "service_code",
    "modifier_key",
    "date",
    "start_time",
    "end_time",
)


def clock(minutes: ir.IntegerValue) -> ir.StringValue:
    """``10:05`` from minutes after midnight."""
    return (
        (minutes // 60).cast("string").lpad(2, "0")
        + ":"
        + (minutes % 60).cast("string").lpad(2, "0")
    )


def _occupies_time(t: ir.Table) -> ir.BooleanValue:
    return t.start_time.notnull() & t.end_time.notnull() & (t.end_time > t.start_time)


def _starts_before_earlier_ends(t: ir.Table) -> ir.BooleanValue:
    """A timed line that starts before an earlier line of its day ends (``_prev_end``)."""
    return _occupies_time(t) & (t._prev_end > t.start_time)


def _priced(ctx: RuleContext, t: ir.Table) -> ir.Table:
    """``t`` (a few lines) with the fee-schedule terms and its dollars, ``_amount``."""
    priced = ctx.with_service(t)
    return priced.mutate(_amount=line_amount(priced))


def _client_days(ctx: RuleContext) -> ir.Table:
    """The billable lines that start with a neighbour in their client's day (``_twin``, as every
    exact copy does) or start before an earlier line of that day ends (``_prev_end``, the latest
    end of the timed lines before it), or end after the next line starts (``_ends_late``: the
    lines an overlapping one may be named after), priced (``_amount``). One ordering serves
    GEN-DUPLICATE and GEN-CLIENT-OVERLAP.

    Each client's day is ordered by start (lines without a start first) and encounter id. Only
    the columns the ordering reads go through it: an engine sorts every column it carries, and
    at 10 million lines the whole line doubled the time. The few flagged lines are then matched
    back to their line and priced."""
    lines = billable(ctx)
    t = lines.select("client_id", "date", "start_time", "end_time", "encounter_id")
    start = t.start_time.fill_null(-1)
    end = ibis.cases((_occupies_time(t), t.end_time), else_=ibis.null("int32"))
    order = [start, t.encounter_id]
    near = ibis.window(group_by=[t.client_id, t.date], order_by=order)
    before = ibis.window(group_by=[t.client_id, t.date], order_by=order, rows=(None, -1))
    following = start.lead().over(near)
    twin = ((start.lag().over(near) == start) | (following == start)).fill_null(False)
    # In start order the next line starts first of all the lines after this one: a line that
    # ends after it starts is one an overlapping line may be named after.
    ends_late = (end > following).fill_null(False)
    t = t.mutate(_twin=twin, _prev_end=end.max().over(before), _ends_late=ends_late)
    t = t.filter(t._twin | t._ends_late | _starts_before_earlier_ends(t))
    flagged = t.select(
        _f_id=t.encounter_id,
        _f_client=t.client_id,
        _f_date=t.date,
        _twin=t._twin,
        _prev_end=t._prev_end,
        _ends_late=t._ends_late,
    )
    back = lines.join(
        flagged,
        [
            lines.encounter_id == flagged._f_id,
            lines.client_id == flagged._f_client,
            lines.date == flagged._f_date,
        ],
    )
    priced = _priced(ctx, back.select(*lines.columns, "_twin", "_prev_end", "_ends_late"))
    return priced.select(
        *DUPLICATE_KEY, "encounter_id", "_twin", "_prev_end", "_ends_late", "_amount"
    )


def _copies(ctx: RuleContext) -> ir.Table:
    """The later copies of exact duplicates: of billable lines alike in every part of
    ``DUPLICATE_KEY`` (an empty part matching an empty one), every line but the first by
    encounter id, with ``_original`` that first one. Copies start together, so they are found
    among the lines with a neighbour in the client's day that starts at the same time
    (``_twin``): a few lines, never a join with every line."""
    t = _client_days(ctx)
    t = t.filter(t._twin)
    same = ibis.window(group_by=[t[c] for c in DUPLICATE_KEY], order_by=t.encounter_id)
    whole = ibis.window(group_by=[t[c] for c in DUPLICATE_KEY])
    t = t.mutate(_copy=ibis.row_number().over(same), _original=t.encounter_id.min().over(whole))
    return t.filter(t._copy > 0)


def _not_a_copy(ctx: RuleContext, flagged: ir.Table) -> ir.Table:
    """``flagged`` (a few lines) without the later copies of an exact duplicate: those are
    GEN-DUPLICATE's."""
    copies = _copies(ctx)
    copies = copies.select(_copy_id=copies.encounter_id)
    return flagged.anti_join(copies, flagged.encounter_id == copies._copy_id)


def _finding(t: ir.Table, detail: ir.StringValue) -> ir.Table:
    return t.select(
        subject_id=t.encounter_id,
        client_id=t.client_id,
        staff_id=t.staff_id,
        date=t.date,
        detail=detail,
        amount=t._amount,
    )


@rule("GEN-DUPLICATE", message="{detail}", one_day=True)
def duplicate(ctx: RuleContext) -> ir.Table:
    """Another billable encounter has the same client, staff member, code, modifiers, date, start
    and end time: an exact duplicate (X12 CARC 18). The first copy, by encounter id, stands; every
    later copy is reported. Lines without times are copies when everything else matches."""
    copies = _copies(ctx)
    detail = (
        "Repeats encounter "
        + copies._original
        + ": same client, staff member, code, modifiers, date and times."
    )
    return _finding(copies, detail)


@rule("GEN-CLIENT-OVERLAP", message="{detail}", one_day=True)
def client_overlap(ctx: RuleContext) -> ir.Table:
    """A client has two billable encounters whose times overlap on one date (the date and length
    of each service are part of adequate documentation, 13 CSR 70-3.030 as summarized by MMAC).
    Of each overlapping pair the later-starting encounter is reported (the larger encounter id
    when both start together). Exact copies are GEN-DUPLICATE's and are not reported here."""
    t = _client_days(ctx)
    over = t.filter(_starts_before_earlier_ends(t))
    over = _not_a_copy(ctx, over)
    # Name the earlier line that ends last: one that ends after the next line starts.
    o = t.view()
    o = o.filter(o._ends_late).select(
        _o_client=o.client_id,
        _o_date=o.date,
        _o_id=o.encounter_id,
        _o_start=o.start_time,
        _o_end=o.end_time,
    )
    pairs = over.join(
        o,
        [
            over.client_id == o._o_client,
            over.date == o._o_date,
            over._prev_end == o._o_end,
            (o._o_start < over.start_time)
            | ((o._o_start == over.start_time) & (o._o_id < over.encounter_id)),
        ],
    )
    named = pairs.group_by(
        "encounter_id", "client_id", "staff_id", "date", "start_time", "_prev_end", "_amount"
    ).aggregate(_other=pairs._o_id.min())
    detail = (
        "Starts at "
        + clock(named.start_time)
        + ", before encounter "
        + named._other
        + " of the same client ends at "
        + clock(named._prev_end)
        + "."
    )
    return _finding(named, detail)


@rule("GEN-STAFF-OVERLAP", message="{detail}", one_day=True)
def staff_overlap(ctx: RuleContext) -> ir.Table:
    """A staff member has two billable encounters whose times overlap, unless both belong to the
    same group session (one session serves its clients at once). Each group session of a staff
    member on a date counts as one block from its earliest start to its latest end; of two
    overlapping blocks the later-starting one is reported (for a group session, every encounter
    of that staff member in it). Exact copies are GEN-DUPLICATE's and are not reported here."""
    lines = billable(ctx)
    t = lines.filter(lines.staff_id.notnull() & _occupies_time(lines))
    # A line on its own is its own block. Blocks carry only what ordering them needs: the
    # reported ones are matched back to their lines, and priced, at the end.
    single = t.filter(t.group_id.isnull()).select(
        _staff=t.staff_id,
        _date=t.date,
        _group=t.group_id,
        _start=t.start_time,
        _end=t.end_time,
        _first=t.encounter_id,
    )
    grouped = t.filter(t.group_id.notnull())
    sessions = grouped.group_by(
        _staff=grouped.staff_id, _date=grouped.date, _group=grouped.group_id
    ).aggregate(
        _start=grouped.start_time.min(),
        _end=grouped.end_time.max(),
        _first=grouped.encounter_id.min(),
    )
    blocks = ibis.union(single, sessions.select(*single.columns), distinct=False)
    before = ibis.window(
        group_by=[blocks._staff, blocks._date],
        order_by=[blocks._start, blocks._first],
        rows=(None, -1),
    )
    blocks = blocks.mutate(_prev_end=blocks._end.max().over(before))
    late = blocks.filter(blocks._prev_end > blocks._start)

    # Name the earlier block that ends last (joined for the few late blocks only).
    o = blocks.view()
    other = o.select(
        _o_staff=o._staff,
        _o_date=o._date,
        _o_start=o._start,
        _o_end=o._end,
        _o_first=o._first,
        _o_label=ibis.cases(
            (o._group.notnull(), "group session " + o._group),
            else_="encounter " + o._first,
        ),
    )
    pairs = late.join(
        other,
        [
            late._staff == other._o_staff,
            late._date == other._o_date,
            late._prev_end == other._o_end,
            (other._o_start < late._start)
            | ((other._o_start == late._start) & (other._o_first < late._first)),
        ],
    )
    named = pairs.group_by("_staff", "_date", "_group", "_first", "_start", "_prev_end").aggregate(
        _other=pairs._o_label.min()
    )

    # Back to the lines: a late line is its own; a late session brings every line of that
    # staff member in it (never every line of the dataset).
    back = lines.join(
        named,
        [
            lines.staff_id == named._staff,
            lines.date == named._date,
            (named._group.isnull() & (lines.encounter_id == named._first))
            | (lines.group_id == named._group),
        ],
    )
    flagged = _priced(ctx, back.select(*lines.columns, "_group", "_start", "_prev_end", "_other"))
    flagged = _not_a_copy(ctx, flagged)
    starts = ibis.cases(
        (flagged._group.notnull(), "Group session " + flagged._group + " starts at "),
        else_="Starts at ",
    )
    detail = (
        starts
        + clock(flagged._start)
        + ", before "
        + flagged._other
        + " of the same staff member ends at "
        + clock(flagged._prev_end)
        + "."
    )
    return _finding(flagged, detail)

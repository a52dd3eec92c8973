"""The same service billed twice, and a client or a staff member in two places at once.

Times are minutes after midnight. An encounter occupies ``[start, end)``: one that ends at 10:00
and one that starts at 10:00 do not overlap, and an encounter without both times, or whose end is
not after its start, occupies no time (GEN-TIME-MISSING and the unit rules report those).

Overlaps are found with a running maximum of end times in start order, not by pairing
encounters: an encounter overlaps an earlier-starting one exactly when some earlier encounter of
the same client (or staff member) on that day ends after it starts.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import is_billable, line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule

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


def _numbered(ctx: RuleContext) -> ir.Table:
    """Billable encounters, each with ``_copy`` (0 for the first of a set of exact copies, by
    encounter id) and ``_original`` (that first copy's id)."""
    enc = ctx.t("encounters")
    enc = enc.filter(is_billable(enc))
    same = ibis.window(group_by=[enc[c] for c in DUPLICATE_KEY], order_by=enc.encounter_id)
    whole = ibis.window(group_by=[enc[c] for c in DUPLICATE_KEY])
    return enc.mutate(
        _copy=ibis.row_number().over(same), _original=enc.encounter_id.min().over(whole)
    )


def _timed(t: ir.Table) -> ir.Table:
    """The first copy of each line that occupies time."""
    return t.filter(
        (t._copy == 0) & t.start_time.notnull() & t.end_time.notnull() & (t.end_time > t.start_time)
    )


def _amount(ctx: RuleContext, flagged: ir.Table) -> ir.Table:
    """The flagged lines with their dollars: the charge, or the rate in force times the units
    claimed (the fee schedule is joined to the few flagged lines only)."""
    lines = ctx.with_service(flagged)
    return lines.mutate(_amount=line_amount(lines))


def _finding(t: ir.Table, detail: ir.StringValue) -> ir.Table:
    return t.select(
        subject_id=t.encounter_id,
        client_id=t.client_id,
        staff_id=t.staff_id,
        date=t.date,
        detail=detail,
        amount=t._amount,
    )


def _latest_end_before(
    t: ir.Table, part: list[ir.Value], order: list[ir.Value], label: ir.StringValue
) -> ir.Table:
    """Adds ``_prev_end`` and ``_prev_label``: the latest ``_end`` among the rows before each one
    in ``order`` within its ``part``, and the label of the row it belongs to."""
    before = ibis.window(group_by=part, order_by=order, rows=(None, -1))
    key = t._end.cast("string").lpad(4, "0") + "|" + label
    t = t.mutate(_prev=key.max().over(before))
    return t.mutate(
        _prev_end=t._prev.substr(0, 4).cast("int64"),
        _prev_label=t._prev.substr(5),
    )


@rule("GEN-DUPLICATE", message="{detail}")
def duplicate(ctx: RuleContext) -> ir.Table:
    """Another billable encounter has the same client, staff member, code, modifiers, date, start
    and end time: an exact duplicate (X12 CARC 18). The first copy, by encounter id, stands; every
    later copy is reported. Lines without times are copies when everything else matches."""
    t = _numbered(ctx)
    copies = _amount(ctx, t.filter(t._copy > 0))
    detail = (
        "Repeats encounter "
        + copies._original
        + ": same client, staff member, code, modifiers, date and times."
    )
    return _finding(copies, detail)


@rule("GEN-CLIENT-OVERLAP", message="{detail}")
def client_overlap(ctx: RuleContext) -> ir.Table:
    """A client has two billable encounters whose times overlap on one date (the date and length
    of each service are part of adequate documentation, 13 CSR 70-3.030 as summarized by MMAC).
    Of each overlapping pair the later-starting encounter is reported (the larger encounter id
    when both start together). Exact copies are GEN-DUPLICATE's: only the first copy is checked
    here."""
    t = _timed(_numbered(ctx))
    t = t.mutate(_end=t.end_time)
    t = _latest_end_before(
        t, [t.client_id, t.date], [t.start_time, t.encounter_id], "encounter " + t.encounter_id
    )
    over = _amount(ctx, t.filter(t._prev_end > t.start_time))
    detail = (
        "Starts at "
        + clock(over.start_time)
        + ", before "
        + over._prev_label
        + " of the same client ends at "
        + clock(over._prev_end)
        + "."
    )
    return _finding(over, detail)


@rule("GEN-STAFF-OVERLAP", message="{detail}")
def staff_overlap(ctx: RuleContext) -> ir.Table:
    """A staff member has two billable encounters whose times overlap, unless both belong to the
    same group session (one session serves its clients at once). Each group session of a staff
    member on a date counts as one block from its earliest start to its latest end; of two
    overlapping blocks the later-starting one is reported (for a group session, every encounter
    of that staff member in it). Exact copies are GEN-DUPLICATE's."""
    t = _timed(_numbered(ctx))
    t = t.filter(t.staff_id.notnull())
    t = t.mutate(
        _block=ibis.cases(
            (t.group_id.notnull(), "group session " + t.group_id),
            else_="encounter " + t.encounter_id,
        ),
    )
    single = t.filter(t.group_id.isnull()).select(
        _staff=t.staff_id,
        _date=t.date,
        _block=t._block,
        _start=t.start_time,
        _end=t.end_time,
        _first=t.encounter_id,
    )
    grouped = t.filter(t.group_id.notnull())
    sessions = grouped.group_by(
        _staff=grouped.staff_id, _date=grouped.date, _block=grouped._block
    ).aggregate(
        _start=grouped.start_time.min(),
        _end=grouped.end_time.max(),
        _first=grouped.encounter_id.min(),
    )
    blocks = ibis.union(single, sessions.select(*single.columns), distinct=False)
    blocks = _latest_end_before(
        blocks, [blocks._staff, blocks._date], [blocks._start, blocks._first], blocks._block
    )
    late = blocks.filter(blocks._prev_end > blocks._start).select(
        _f_staff="_staff",
        _f_date="_date",
        _f_block="_block",
        _f_start="_start",
        _prev_end="_prev_end",
        _prev_label="_prev_label",
    )
    lines = t.join(
        late,
        [t.staff_id == late._f_staff, t.date == late._f_date, t._block == late._f_block],
    )
    over = _amount(ctx, lines)
    starts = ibis.cases(
        (over.group_id.notnull(), "Group session " + over.group_id + " starts at "),
        else_="Starts at ",
    )
    detail = (
        starts
        + clock(over._f_start)
        + ", before "
        + over._prev_label
        + " of the same staff member ends at "
        + clock(over._prev_end)
        + "."
    )
    return _finding(over, detail)

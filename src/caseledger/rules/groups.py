"""Group sizes: how many people one group session served, against the service's group limit.

A group session is the set of billable encounters that carry the same ``group_id``; its size is
the number of distinct clients among them (docs/dataset.md, group_sessions.csv). The limit is the
fee schedule's ``group_max`` in force on the date of service, per session or, where the pack says
``per: professional``, per professional leading the group (PSR-GROUP-SIZE in ``psr.py``).

Dollars at risk: the lines of the consumers beyond the limit. Consumers are taken in the order
they joined the session (their earliest start time, then client id); the first ``limit`` of them
fit the limit and the rest do not. A payer may deny the whole session instead; the finding's
amount is the part that cannot be billed under any reading.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import is_billable, line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule


def group_lines(ctx: RuleContext, program: str, per: str) -> ir.Table:
    """Billable encounters with a ``group_id`` whose service (on its date of service) is a group
    service of ``program`` limited ``per`` session or per professional, with the ``svc_`` terms."""
    enc = ctx.with_service(ctx.t("encounters"))
    return enc.filter(
        is_billable(enc)
        & enc.group_id.notnull()
        & (enc.svc_program == program)
        & enc.svc_is_group.fill_null(False)
        & (enc.svc_group_per == per)
    )


def oversized_groups(lines: ir.Table, leaders: ir.Table | None = None) -> ir.Table:
    """One row per group session with more distinct clients than its limit.

    ``lines`` are the session's billable lines (from :func:`group_lines`). ``leaders``, when
    given, has ``l_group_id`` and ``l_count`` (professionals leading the session); the limit is
    then ``group_max`` times that count, else ``group_max``. Returns ``subject_id`` (the group),
    ``date``, ``value`` (clients), ``limit``, ``counting`` (what the pack counts: consumers,
    patients, families), ``leaders`` and ``amount`` (the lines beyond the limit)."""
    sizes = lines.group_by("group_id").aggregate(
        date=lines.date.min(),
        value=lines.client_id.nunique(),
        gmax=lines.svc_group_max.max(),
        counting=lines.svc_group_counting.max(),
    )
    if leaders is None:
        sized = sizes.mutate(leaders=ibis.literal(1, type="int64"))
    else:
        joined = sizes.left_join(leaders, sizes.group_id == leaders.l_group_id)
        sized = joined.select(
            *sizes.columns,
            leaders=ibis.greatest(joined.l_count.fill_null(1), 1).cast("int64"),
        )
    sized = sized.mutate(cap=sized.gmax * sized.leaders)
    over = sized.filter(sized.value > sized.cap)
    # the dollars beyond the limit, for the few oversized sessions only
    caps = over.select(o_group=over.group_id, o_cap=over.cap).view()
    theirs = lines.join(caps, lines.group_id == caps.o_group)
    per_client = theirs.group_by(["group_id", "client_id"]).aggregate(
        first_start=theirs.start_time.min(),
        money=line_amount(theirs).sum(),
        cap=theirs.o_cap.max(),
    )
    # earliest arrival first; clients without a start time last, on every engine
    order = ibis.window(
        group_by=per_client.group_id,
        order_by=[per_client.first_start.isnull(), per_client.first_start, per_client.client_id],
    )
    ranked = per_client.mutate(arrival=ibis.row_number().over(order))
    beyond = ranked.filter(ranked.arrival >= ranked.cap)
    excess = beyond.group_by("group_id").aggregate(x_amount=beyond.money.sum())
    excess = excess.rename(x_group="group_id")
    out = over.left_join(excess, over.group_id == excess.x_group)
    return out.select(
        subject_id=out.group_id,
        date=out.date,
        value=out.value,
        limit=out.cap,
        counting=out.counting.fill_null("clients"),
        leaders=out.leaders,
        amount=out.x_amount,
    )


@rule(
    "ABA-GROUP-SIZE",
    message="The group session has {value:int} {detail}, more than the {limit:int} allowed.",
    programs=("aba",),
)
def aba_group_size(ctx: RuleContext) -> ir.Table:
    """Group adaptive behavior treatment (97154, 97158) may have at most 8 patients, and
    multiple-family group guidance (97157) at most 8 families, per session (the aba pack's
    ``group_limit``, per session, from the 2019 CPT adaptive behavior codes).

    The size is counted from the encounters alone: every patient has a line carrying the
    session's ``group_id``, so group_sessions.csv is not needed (it only names the leaders, and
    the limit here does not depend on them). For 97157 each client stands for one family: the
    dataset has no family key, so two siblings in the same session count as two families."""
    over = oversized_groups(group_lines(ctx, "aba", "session"))
    return over.select(
        subject_id=over.subject_id,
        date=over.date,
        value=over.value,
        limit=over["limit"],
        detail=over.counting,
        amount=over.amount,
    )

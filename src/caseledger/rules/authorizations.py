"""Prior authorizations: present, for the right client, code and period, and not overdrawn."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import claimed_units, line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.eligibility import billed_lines, open_end, open_start
from caseledger.rules.registry import rule

SERVICE = "service"
TRANSPORTATION = "transportation"


def _authorizations(ctx: RuleContext) -> ir.Table:
    """The authorizations with prefixed names, so they join to encounters without clashes; an
    unknown start or end leaves that side of the period open."""
    a = ctx.t("authorizations")
    return a.select(
        a_id=a.authorization_id,
        a_client_id=a.client_id,
        a_kind=a.kind,
        a_code=a.service_code,
        a_units=a.units,
        a_start=open_start(a.start_date),
        a_end=open_end(a.end_date),
        a_start_date=a.start_date,
        a_end_date=a.end_date,
        a_number=a.number,
    )


def _covers(enc: ir.Table, a: ir.Table, kind: Any) -> list[Any]:
    """Join conditions: authorization ``a`` of ``kind`` covers the encounter's client, code and
    date. A transportation authorization that names no code covers any transportation line."""
    return [
        enc.client_id == a.a_client_id,
        a.a_kind == kind,
        (a.a_code == enc.service_code) | (a.a_code.isnull() & (a.a_kind == TRANSPORTATION)),
        enc.date >= a.a_start,
        enc.date <= a.a_end,
    ]


def _codes_where(ctx: RuleContext, lines: ir.Table, wanted: Any) -> ir.Table:
    """The lines whose code has a fee-schedule entry meeting ``wanted`` on the date of service
    (under any modifiers), with the terms of their own entry (``svc_`` columns) added: a cheap
    narrowing before the full terms are looked up."""
    s = ctx.services
    codes = s.filter(wanted(s)).select("code", "start", "end")
    some = lines.semi_join(
        codes,
        [lines.service_code == codes.code, lines.date >= codes.start, lines.date <= codes.end],
    )
    return ctx.with_service(some)


def _with_units(ctx: RuleContext, lines: ir.Table) -> ir.Table:
    """``lines`` with ``x_units``, the units each claims; the fee schedule is looked up only for
    the lines whose units are empty (their documented time says how many)."""
    given = lines.filter(lines.units.notnull()).mutate(x_units=lines.units)
    empty = ctx.with_service(lines.filter(lines.units.isnull()))
    empty = empty.mutate(x_units=claimed_units(empty).fill_null(0.0))
    return ibis.union(given, empty.select(*lines.columns, "x_units"), distinct=False)


def _label(a_id: ir.StringValue, number: ir.StringValue) -> ir.StringValue:
    """``AU-1 (PA-1001)``: the authorization's id, with its payer number when there is one."""
    return a_id + ibis.cases((number.notnull(), " (" + number + ")"), else_="")


@rule(
    "GEN-AUTH-MISSING",
    message=(
        "{detail} needs prior authorization, and none for this client covers the date of service."
    ),
    needs=("encounters", "authorizations"),
    one_line=True,
)
def auth_missing(ctx: RuleContext) -> ir.Table:
    """Every service the pack marks as prior-authorized needs a service authorization for the
    client and code covering the date: all DHSS brain-injury rehabilitation services are prior
    authorized (ABI Provider Manual, Prior authorization), SST included (seed
    000_970f1571fa3cbd2e.txt, Service description). Transportation, authorized on its own form,
    is SST-TRANSPORT-PA's concern."""
    enc = _codes_where(ctx, billed_lines(ctx), lambda s: s.prior_auth & (s.auth_kind == SERVICE))
    need = enc.filter(enc.svc_prior_auth.fill_null(False) & (enc.svc_auth_kind == SERVICE))
    a = _authorizations(ctx)
    out = need.anti_join(a, _covers(need, a, SERVICE))
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        detail=out.service_code,
        amount=line_amount(out),
    )


@rule(
    "GEN-AUTH-EXCEEDED",
    message=(
        "This line brings the units used under authorization {detail} to {value:num}, "
        "beyond the {limit:num} authorized."
    ),
    needs=("encounters", "authorizations"),
)
def auth_exceeded(ctx: RuleContext) -> ir.Table:
    """Services beyond the authorized units are not paid (ABI Provider Manual, Prior
    authorization). Each billable line draws on the authorization it names or, when it names
    none (or one not on file), on the authorization of the matching kind covering its client,
    code and date (the earliest-starting, if several do). Lines are counted in date and time
    order; each line that takes the running total past the authorized units is flagged, with the
    units beyond the limit at the fee-schedule rate (or the line's charge per unit) at risk."""
    lines = billed_lines(ctx)
    keep = [*lines.columns, "x_auth", "x_units"]
    a = _authorizations(ctx)
    on_file = a.select(n_id=a.a_id)
    named = lines.semi_join(on_file, lines.authorization_id == on_file.n_id)
    named = _with_units(ctx, named.mutate(x_auth=named.authorization_id)).select(*keep)
    others = lines.view()
    unnamed = others.anti_join(on_file, others.authorization_id == on_file.n_id)
    # only lines of a client holding an authorization for their code can draw on one
    held = _authorizations(ctx).view()
    unnamed = unnamed.semi_join(
        held,
        [
            unnamed.client_id == held.a_client_id,
            (held.a_code == unnamed.service_code) | held.a_code.isnull(),
        ],
    )
    unnamed = ctx.with_service(unnamed)
    cand = _authorizations(ctx)
    matched = unnamed.join(cand, _covers(unnamed, cand, unnamed.svc_auth_kind.fill_null(SERVICE)))
    first = ibis.row_number().over(
        group_by=matched.encounter_id, order_by=[matched.a_start, matched.a_id]
    )
    matched = matched.mutate(x_n=first, x_auth=matched.a_id)
    matched = matched.filter(matched["x_n"] == 0)
    matched = matched.mutate(x_units=claimed_units(matched).fill_null(0.0)).select(*keep)
    counted = ibis.union(named, matched, distinct=False)
    # only the authorizations whose lines add up to more than they allow need the running count
    limits = _authorizations(ctx).filter(ibis._.a_units.notnull())
    totals = counted.group_by(t_auth=counted.x_auth).aggregate(t_units=counted.x_units.sum())
    overdrawn = limits.join(totals, limits.a_id == totals.t_auth)
    overdrawn = overdrawn.filter(overdrawn.t_units > overdrawn.a_units)
    lines_of = counted.view()
    drawn = lines_of.join(overdrawn, lines_of.x_auth == overdrawn.a_id)
    running = drawn.x_units.sum().over(
        ibis.cumulative_window(
            group_by=drawn.x_auth,
            order_by=[drawn.date, drawn.start_time, drawn.encounter_id],
        )
    )
    drawn = drawn.mutate(x_total=running)
    over = ctx.with_service(drawn.filter(drawn.x_total > drawn.a_units))
    excess = over.x_total - ibis.greatest(over.x_total - over.x_units, over.a_units.cast("float64"))
    per_unit = ibis.cases(
        (over.svc_rate.notnull(), over.svc_rate),
        (over.charge.notnull() & (over.x_units > 0), over.charge / over.x_units),
        else_=ibis.null("float64"),
    )
    return over.select(
        subject_id=over.encounter_id,
        client_id=over.client_id,
        staff_id=over.staff_id,
        date=over.date,
        value=over.x_total,
        limit=over.a_units.cast("float64"),
        detail=_label(over.a_id, over.a_number),
        amount=excess * per_unit,
    )


@rule(
    "GEN-AUTH-MISMATCH",
    message="{detail}",
    needs=("encounters", "authorizations"),
    one_line=True,
)
def auth_mismatch(ctx: RuleContext) -> ir.Table:
    """The authorization named on a line must be on file and be for the line's client, its
    service code and a period that includes the date of service; otherwise the payer finds that
    the authorization does not apply to the service (X12 CARC 284)."""
    enc = billed_lines(ctx)
    enc = enc.filter(enc.authorization_id.notnull())
    a = _authorizations(ctx)
    j = enc.left_join(a, enc.authorization_id == a.a_id)
    other_client = j.a_client_id != j.client_id
    other_code = j.a_code.notnull() & (j.a_code != j.service_code)
    outside = (j.date < j.a_start) | (j.date > j.a_end)
    # the kind a line needs is in its fee-schedule terms: look them up only for the suspects
    suspects = j.filter(
        j.a_id.isnull() | other_client | other_code | outside | (j.a_kind != SERVICE)
    )
    j = ctx.with_service(suspects)
    kind = j.svc_auth_kind.fill_null(SERVICE)
    start, end = j.a_start_date.cast("string"), j.a_end_date.cast("string")
    period = ibis.cases(
        (j.a_start_date.isnull(), "runs until " + end),
        (j.a_end_date.isnull(), "runs from " + start),
        else_="runs " + start + " to " + end,
    )
    reasons = ibis.literal(" and ").join(
        [
            ibis.cases((j.a_client_id != j.client_id, "is for another client"), else_=None),
            ibis.cases(
                (
                    j.a_code.notnull() & (j.a_code != j.service_code),
                    "is for service " + j.a_code + ", not " + j.service_code,
                ),
                else_=None,
            ),
            ibis.cases((j.a_kind != kind, "is a " + j.a_kind + " authorization"), else_=None),
            ibis.cases(
                (
                    (j.date < j.a_start) | (j.date > j.a_end),
                    period + ", not covering the date of service",
                ),
                else_=None,
            ),
        ]
    )
    detail = ibis.cases(
        (
            j.a_id.isnull(),
            "Authorization " + j.authorization_id + " named on this line is not on file.",
        ),
        else_="Authorization "
        + _label(j.a_id, j.a_number)
        + " named on this line "
        + reasons
        + ".",
    )
    bad = j.a_id.isnull() | (reasons != "")
    out = j.mutate(x_detail=detail).filter(bad)
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        detail=out.x_detail,
        amount=line_amount(out),
    )


@rule(
    "SST-TRANSPORT-PA",
    message="Transportation is billed, but {detail}.",
    needs=("encounters", "authorizations", "clients"),
    programs=("sst",),
    one_line=True,
)
def sst_transport(ctx: RuleContext) -> ir.Table:
    """Transportation to SST held at a facility is requested on its own prior authorization form
    and approved separately, and only for a client with no other means of transportation (seed
    000_970f1571fa3cbd2e.txt, Service description). The transportation lines are those whose
    fee-schedule terms ask for a transportation authorization; the other-means test applies while
    the sst parameter ``transport_only_without_other_means`` is true."""
    lines = billed_lines(ctx)
    lines = lines.filter(lines.program == "sst")
    rides = _codes_where(ctx, lines, lambda s: s.auth_kind == TRANSPORTATION)
    rides = rides.filter(rides.svc_auth_kind == TRANSPORTATION)
    a = _authorizations(ctx)
    covered = rides.semi_join(a, _covers(rides, a, TRANSPORTATION))
    covered = covered.select(cov_id=covered.encounter_id)
    clients = ctx.t("clients")
    other = clients.select(o_client_id=clients.client_id, o_other=clients.has_other_transportation)
    flag = ctx.param("sst", "transport_only_without_other_means")
    flag = flag.select(f_start=flag.start, f_end=flag.end, f_on=flag.num)
    j = (
        rides.left_join(covered, rides.encounter_id == covered.cov_id)
        .left_join(other, rides.client_id == other.o_client_id)
        .left_join(flag, [rides.date >= flag.f_start, rides.date <= flag.f_end])
    )
    no_auth = j.svc_prior_auth.fill_null(False) & j.cov_id.isnull()
    has_other = j.o_other.fill_null(False) & (j.f_on.fill_null(0.0) == 1.0)
    detail = ibis.literal(", and ").join(
        [
            ibis.cases(
                (no_auth, "no transportation authorization covers the date of service"),
                else_=None,
            ),
            ibis.cases((has_other, "the client has other means of transportation"), else_=None),
        ]
    )
    out = j.mutate(x_detail=detail).filter(no_auth | has_other)
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        detail=out.x_detail,
        amount=line_amount(out),
    )

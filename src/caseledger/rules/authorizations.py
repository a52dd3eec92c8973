"""Prior authorizations: present, for the right client, code and period, and not overdrawn."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import claimed_units, line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.eligibility import billable_services, open_end, open_start
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


def _label(a_id: ir.StringValue, number: ir.StringValue) -> ir.StringValue:
    """``AU-1 (PA-1001)``: the authorization's id, with its payer number when there is one."""
    return a_id + ibis.cases((number.notnull(), " (" + number + ")"), else_="")


@rule(
    "GEN-AUTH-MISSING",
    message=(
        "{detail} needs prior authorization, and none for this client covers the date of service."
    ),
    needs=("encounters", "authorizations"),
)
def auth_missing(ctx: RuleContext) -> ir.Table:
    """Every service the pack marks as prior-authorized needs a service authorization for the
    client and code covering the date: all DHSS brain-injury rehabilitation services are prior
    authorized (ABI Provider Manual, Prior authorization), SST included (seed
    000_970f1571fa3cbd2e.txt, Service description). Transportation, authorized on its own form,
    is SST-TRANSPORT-PA's concern."""
    enc = billable_services(ctx)
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
    enc = billable_services(ctx)
    enc = enc.mutate(x_units=claimed_units(enc).fill_null(0.0))
    a = _authorizations(ctx)
    on_file = a.select(n_id=a.a_id)
    named = enc.semi_join(on_file, enc.authorization_id == on_file.n_id)
    named = named.mutate(x_auth=named.authorization_id)
    lines = enc.view()
    unnamed = lines.anti_join(on_file, lines.authorization_id == on_file.n_id)
    cand = _authorizations(ctx)
    matched = unnamed.join(cand, _covers(unnamed, cand, unnamed.svc_auth_kind.fill_null(SERVICE)))
    first = ibis.row_number().over(
        group_by=matched.encounter_id, order_by=[matched.a_start, matched.a_id]
    )
    matched = matched.mutate(x_n=first)
    matched = matched.filter(matched["x_n"] == 0).select(*unnamed.columns, x_auth=matched.a_id)
    counted = ibis.union(named, matched, distinct=False)
    limits = _authorizations(ctx).filter(ibis._.a_units.notnull())
    drawn = counted.join(limits, counted.x_auth == limits.a_id)
    running = drawn.x_units.sum().over(
        ibis.cumulative_window(
            group_by=drawn.x_auth,
            order_by=[drawn.date, drawn.start_time, drawn.encounter_id],
        )
    )
    drawn = drawn.mutate(x_total=running)
    over = drawn.filter(drawn.x_total > drawn.a_units)
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
)
def auth_mismatch(ctx: RuleContext) -> ir.Table:
    """The authorization named on a line must be on file and be for the line's client, its
    service code and a period that includes the date of service; otherwise the payer finds that
    the authorization does not apply to the service (X12 CARC 284)."""
    enc = billable_services(ctx)
    enc = enc.filter(enc.authorization_id.notnull())
    a = _authorizations(ctx)
    j = enc.left_join(a, enc.authorization_id == a.a_id)
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
)
def sst_transport(ctx: RuleContext) -> ir.Table:
    """Transportation to SST held at a facility is requested on its own prior authorization form
    and approved separately, and only for a client with no other means of transportation (seed
    000_970f1571fa3cbd2e.txt, Service description). The transportation lines are those whose
    fee-schedule terms ask for a transportation authorization; the other-means test applies while
    the sst parameter ``transport_only_without_other_means`` is true."""
    enc = billable_services(ctx)
    rides = enc.filter((enc.svc_program == "sst") & (enc.svc_auth_kind == TRANSPORTATION))
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

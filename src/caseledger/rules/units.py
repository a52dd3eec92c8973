"""Units claimed against the documented time, the per-session limit and the daily maximum.

Every number comes from the fee-schedule terms in force on the date of service
(``RuleContext.with_service``): the minutes in one unit, the rounding mode, the most units per
session of an untimed code and the daily maximum. Rounding modes are those of
``caseledger.policy.units_for_minutes`` (``rules.common.units_supported`` computes the same).

Dollars at risk are units times the fee-schedule rate; where the pack has no rate (the ABA codes,
CSW) the line's own charge per unit claimed is used, and the amount is unknown when neither is.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import claimed_units, is_billable, line_amount, units_supported
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule

#: The program whose half-day unit SST-UNIT-HALF-DAY checks (and GEN-UNITS-EXCEED-TIME leaves).
SST_PROGRAM = "sst"


#: The encounter columns the billing-line rules read (notes and lists are left behind, so the
#: lines stay narrow when an engine keeps them for several rules).
LINE_COLUMNS = (
    "encounter_id",
    "client_id",
    "staff_id",
    "service_code",
    "modifier_key",
    "date",
    "start_time",
    "end_time",
    "minutes",
    "units",
    "charge",
    "group_id",
)


def billable(ctx: RuleContext) -> ir.Table:
    """Billable encounters, their ``LINE_COLUMNS`` only (and what they carry from the policy),
    without the fee-schedule terms: for a rule that orders or matches every line and prices
    only the few it reports."""
    enc = ctx.t("encounters")
    return enc.filter(is_billable(enc)).select(*LINE_COLUMNS, *ctx.carried_columns(enc))


def billed_lines(ctx: RuleContext) -> ir.Table:
    """Billable encounters with the fee-schedule terms in force on their date (``svc_*``).

    Every billing-line rule starts from this same expression, so an engine that shares common
    subqueries joins the fee schedule once for all of them."""
    return ctx.with_service(billable(ctx))


def is_timed(t: ir.Table) -> ir.BooleanValue:
    """The service is billed by time: its unit has a length in minutes and it is not untimed."""
    return t.svc_unit_minutes.notnull() & ~t.svc_untimed.fill_null(False)


def unit_price(t: ir.Table, units: ir.NumericValue | None = None) -> ir.FloatingValue:
    """Dollars per unit: the rate in force, else the line's charge per unit claimed."""
    units = t.units if units is None else units
    per_unit = ibis.cases((units > 0, t.charge / units), else_=ibis.null("float64"))
    return t.svc_rate.fill_null(per_unit)


def supported(t: ir.Table) -> ir.IntegerValue:
    """Units the documented minutes support (never below zero)."""
    return ibis.greatest(units_supported(t.minutes, t.svc_unit_minutes, t.svc_rounding), 0)


def _finding(t: ir.Table, **cols: ir.Value) -> ir.Table:
    return t.select(
        subject_id=t.encounter_id,
        client_id=t.client_id,
        staff_id=t.staff_id,
        date=t.date,
        **cols,
    )


def _time_text(t: ir.Table) -> ir.StringValue:
    """``30 documented minutes in 15-minute units`` (or the end-before-start case)."""
    return ibis.cases(
        (t.minutes < 0, "documented times (end before start)"),
        else_=t.minutes.cast("string")
        + " documented minutes in "
        + t.svc_unit_minutes.cast("string")
        + "-minute units",
    )


@rule(
    "GEN-TIME-MISSING",
    message="No {detail} is documented for a service billed by time in {value:int}-minute units.",
    one_line=True,
)
def time_missing(ctx: RuleContext) -> ir.Table:
    """A timed service (a unit of so many minutes, not an untimed code) without its start or end
    time: the units cannot be checked against the documented time, and MO HealthNet's adequate
    documentation asks for the length of each service (13 CSR 70-3.030, as summarized by MMAC)."""
    t = billed_lines(ctx)
    bad = t.filter(is_timed(t) & (t.start_time.isnull() | t.end_time.isnull()))
    which = ibis.cases(
        (bad.start_time.isnull() & bad.end_time.isnull(), "start or end time"),
        (bad.start_time.isnull(), "start time"),
        else_="end time",
    )
    return _finding(bad, value=bad.svc_unit_minutes, detail=which, amount=line_amount(bad))


@rule(
    "GEN-UNITS-EXCEED-TIME",
    message="Claimed units ({value:num}) exceed the {limit:int} that {detail} support.",
    one_line=True,
)
def units_exceed_time(ctx: RuleContext) -> ir.Table:
    """More units claimed than the documented minutes support under the service's rounding mode
    (CMS 8-minute rule for CPR and CSW: 8–22 minutes make 1 unit of 15, 23–37 make 2; the CPT
    midpoint rule for the 2019 ABA codes; Medicare Claims Processing Manual ch. 5 §20.2 and the
    packs' ``rounding`` values).

    SST lines are left to SST-UNIT-HALF-DAY, which checks the same thing in the program's own
    terms (one three-hour half-day per unit, seed 000_970f1571fa3cbd2e.txt, unit of service).
    Untimed codes are left to GEN-UNTIMED-UNITS (the most units per session), and a line without
    its times to GEN-TIME-MISSING. A line without units claims what its time supports."""
    t = billed_lines(ctx)
    t = t.filter(
        is_timed(t)
        & (t.svc_program.fill_null("") != SST_PROGRAM)
        & t.units.notnull()
        & t.minutes.notnull()
    )
    t = t.mutate(_supported=supported(t))
    over = t.filter(t.units > t._supported)
    excess = over.units - over._supported
    return _finding(
        over,
        value=over.units,
        limit=over._supported,
        detail=_time_text(over),
        amount=excess * unit_price(over),
    )


@rule(
    "GEN-UNITS-UNDER-TIME",
    message="Claimed units ({value:num}) are fewer than the {limit:int} that {detail} "
    "support; the difference is not billed.",
    one_line=True,
)
def units_under_time(ctx: RuleContext) -> ir.Table:
    """Fewer units claimed than the documented minutes support: money left on the table, reported
    as information (its amount is not counted as at risk). Same rounding as
    GEN-UNITS-EXCEED-TIME, for every timed service including SST's half-days."""
    t = billed_lines(ctx)
    t = t.filter(is_timed(t) & t.units.notnull() & t.minutes.notnull())
    t = t.mutate(_supported=supported(t))
    under = t.filter(t.units < t._supported)
    missed = under._supported - under.units
    return _finding(
        under,
        value=under.units,
        limit=under._supported,
        detail=_time_text(under),
        amount=missed * unit_price(under),
    )


@rule(
    "GEN-UNTIMED-UNITS",
    message="Claimed units ({value:num}) exceed the {limit:int} per session allowed for the "
    "untimed code {detail}.",
    one_line=True,
)
def untimed_units(ctx: RuleContext) -> ir.Table:
    """An untimed code is reported per session, not by time: 0372T was an untimed procedure
    (seed 003_0576cd0998e3bd03.txt, Common Language Description), and the pack's
    ``max_units_per_session`` (1) is the most units one line may claim."""
    t = billed_lines(ctx)
    over = t.filter(
        t.svc_untimed.fill_null(False)
        & t.svc_max_units_per_session.notnull()
        & (t.units > t.svc_max_units_per_session)
    )
    excess = over.units - over.svc_max_units_per_session
    return _finding(
        over,
        value=over.units,
        limit=over.svc_max_units_per_session,
        detail=over.service_code,
        amount=excess * unit_price(over),
    )


@rule(
    "GEN-DAILY-MAX",
    message="This line brings the client's units of {detail} on this day to {value:num}; the "
    "daily maximum is {limit:int}.",
    one_day=True,
)
def daily_max(ctx: RuleContext) -> ir.Table:
    """A client's units of one code on one day above the code's daily maximum (the packs'
    ``daily_max``: Medically Unlikely Edits, e.g. 97153 32 and 97154 12 units, ABAI ABA Billing
    Codes Commission MUE table). Lines are counted in time order (then by encounter id; lines
    without a start time last); every line whose running total passes the maximum is reported,
    with the units beyond the maximum that it carries as the amount at risk."""
    t = billed_lines(ctx)
    t = t.filter(t.svc_daily_max.notnull())
    t = t.mutate(_units=claimed_units(t))
    t = t.filter(t._units.notnull())
    # Only a client's day whose units of the code pass the smallest maximum among its lines can
    # hold a line over its own maximum: sum first, then order the lines of those days alone.
    day = [t.client_id, t.service_code, t.date]
    sums = t.group_by(day).aggregate(_sum=t._units.sum(), _least=t.svc_daily_max.min())
    over_days = sums.filter(sums._sum > sums._least)
    t = t.semi_join(
        over_days,
        [
            t.client_id == over_days.client_id,
            t.service_code == over_days.service_code,
            t.date == over_days.date,
        ],
    )
    running = ibis.window(
        group_by=[t.client_id, t.service_code, t.date],
        order_by=[t.start_time.isnull(), t.start_time, t.encounter_id],
        rows=(None, 0),
    )
    t = t.mutate(_total=t._units.sum().over(running))
    over = t.filter(t._total > t.svc_daily_max)
    excess = ibis.least(over._units, over._total - over.svc_daily_max)
    return _finding(
        over,
        value=over._total,
        limit=over.svc_daily_max,
        detail=over.service_code,
        amount=excess * unit_price(over, over._units),
    )


@rule(
    "SST-UNIT-HALF-DAY",
    message="The encounter documents {detail}, short of the {limit:int} minutes that the "
    "{value:num} half-day unit(s) claimed need.",
    programs=(SST_PROGRAM,),
    one_line=True,
)
def sst_unit_half_day(ctx: RuleContext) -> ir.Table:
    """An SST unit is one three-hour half-day (seed 000_970f1571fa3cbd2e.txt, unit of service
    reimbursement rate: $69.00 per half-day): the documented minutes must reach the unit's
    minutes (the pack's ``unit``, 180) times the units claimed. The units that the documented time
    does not cover, as whole half-days, are at risk."""
    t = billed_lines(ctx)
    t = t.filter(
        (t.svc_program == SST_PROGRAM)
        & t.svc_unit_minutes.notnull()
        & t.units.notnull()
        & t.minutes.notnull()
    )
    t = t.mutate(_needed=t.svc_unit_minutes * t.units)
    short = t.filter(t.minutes < t._needed)
    unsupported = ibis.least(short.units, short.units - supported(short))
    documented = ibis.cases(
        (short.minutes < 0, "times that end before they start"),
        else_=short.minutes.cast("string") + " minutes",
    )
    return _finding(
        short,
        value=short.units,
        limit=short._needed,
        detail=documented,
        amount=unsupported * unit_price(short),
    )

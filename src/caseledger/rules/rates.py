"""The charge on a line against the fee schedule in force on its date of service."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import claimed_units
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule
from caseledger.rules.units import billed_lines

#: Charges are compared to the cent: a difference of half a cent or less is rounding.
HALF_CENT = 0.005


def money_text(amount: ir.NumericValue) -> ir.StringValue:
    """``$20.36``: dollars and cents, as the message renderer writes amounts."""
    cents = (amount * 100).round().cast("int64")
    return "$" + (cents // 100).cast("string") + "." + (cents % 100).cast("string").lpad(2, "0")


def number_text(value: ir.NumericValue) -> ir.StringValue:
    """A count of units without a trailing ``.0`` when it is whole."""
    return ibis.cases(
        (value == value.floor(), value.cast("int64").cast("string")),
        else_=value.cast("string"),
    )


@rule(
    "GEN-RATE",
    message="The charge of {value:money} differs from the fee schedule amount of {limit:money} "
    "({detail}).",
    one_line=True,
)
def rate(ctx: RuleContext) -> ir.Table:
    """The charge differs from the fee schedule rate in force on the date of service times the
    units claimed (H2017 HO $20.36 and H2017 HO HQ $5.09 per quarter hour, POS H2017P $17.72 and
    H2017S $4.43, seed 001_31c59ab3e9157d03.txt; SST $69.00 per half-day, seed
    000_970f1571fa3cbd2e.txt). A rate an agency changes in an override pack applies from the
    version's own date. Lines without a charge (billed at the fee schedule) and services whose
    rate the sources do not give are not compared. The amount is what the payer would cut: the
    part of the charge above the fee schedule (nothing for a charge below it)."""
    t = billed_lines(ctx)
    t = t.filter(t.charge.notnull() & t.svc_rate.notnull())
    t = t.mutate(_units=claimed_units(t))
    t = t.mutate(_expected=t.svc_rate * t._units)
    off = t.filter(t._expected.notnull() & ((t.charge - t._expected).abs().round(9) > HALF_CENT))
    return off.select(
        subject_id=off.encounter_id,
        client_id=off.client_id,
        staff_id=off.staff_id,
        date=off.date,
        value=off.charge,
        limit=off._expected,
        detail=number_text(off._units) + " × " + money_text(off.svc_rate),
        amount=ibis.greatest(off.charge - off._expected, 0),
    )

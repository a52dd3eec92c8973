"""Expressions several rules share: units, amounts at risk, billable lines."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def units_supported(
    minutes: ir.IntegerValue, unit_minutes: ir.IntegerValue, rounding: ir.StringValue
) -> ir.IntegerValue:
    """The most units documented minutes support, as ``policy.units_for_minutes`` computes it
    (a test holds the two to the same answers)."""
    m = minutes.cast("int64")
    u = unit_minutes.cast("int64")
    midpoint = ((2 * m - 1 + u) / (2 * u)).floor().cast("int64")
    whole = (m / u).floor().cast("int64")
    return ibis.cases(
        (rounding == "untimed", ibis.literal(1, type="int64")),
        (m.isnull() | u.isnull() | (u <= 0), ibis.null("int64")),
        (rounding.isin(["cms_8_minute", "cpt_midpoint"]), midpoint),
        (rounding == "whole_units", whole),
        else_=ibis.null("int64"),
    )


def is_billable(enc: ir.Table) -> ir.BooleanValue:
    """An encounter is billed unless marked ``billable = false``."""
    return enc.billable.fill_null(True)


def claimed_units(enc: ir.Table) -> ir.FloatingValue:
    """Units claimed: the ``units`` column, or when empty what the documented time supports
    (needs the fee-schedule columns of ``RuleContext.with_service``)."""
    supported = units_supported(enc.minutes, enc.svc_unit_minutes, enc.svc_rounding)
    return enc.units.fill_null(supported.cast("float64"))


def line_amount(enc: ir.Table) -> ir.FloatingValue:
    """The dollars on the line: its charge, or the fee-schedule rate times the units claimed."""
    return enc.charge.fill_null(enc.svc_rate * claimed_units(enc))


def trimmed(text: ir.StringValue) -> ir.StringValue:
    """``text`` without surrounding white space. (Not Ibis's ``strip()``: on Spark its trim set
    reaches SQL as literal letters, so it also strips ``f`` and ``v`` from the ends.)"""
    return text.re_replace(r"^\s+|\s+$", "")


def has_text(text: ir.StringValue) -> ir.BooleanValue:
    """The cell holds something other than white space."""
    return text.notnull() & text.re_search(r"\S").fill_null(False)

"""Progress notes: written, signed by the right person, and signed in time."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import has_text, line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.eligibility import billed_lines
from caseledger.rules.registry import rule

#: a Monday, before any date of service, from which weeks are counted
MONDAY = dt.date(1900, 1, 1)


def weekdays_through(day: ir.DateValue) -> ir.IntegerValue:
    """The number of Mondays-to-Fridays from :data:`MONDAY` through ``day``; the difference of
    two such counts is the number of business days after the first date up to and including the
    second (holidays are counted as business days)."""
    days = day.delta(ibis.literal(MONDAY, type="date"), unit="day").cast("int64")
    weeks = (days / 7).floor().cast("int64")
    weekday = days - weeks * 7  # 0 = Monday ... 6 = Sunday
    return weeks * 5 + ibis.least(weekday + 1, 5)


def business_days_between(start: ir.DateValue, end: ir.DateValue) -> ir.IntegerValue:
    """Business days after ``start`` up to and including ``end`` (Monday to Friday)."""
    return weekdays_through(end) - weekdays_through(start)


@rule(
    "GEN-NOTE-MISSING",
    message="No progress note is documented for this billed service.",
    one_line=True,
)
def note_missing(ctx: RuleContext) -> ir.Table:
    """Every billed service needs its progress note (13 CSR 70-3.030, adequate documentation);
    a note must stand on its own (seed 002_d22e9ccf443e9ae2.txt, Tips for things to do)."""
    enc = billed_lines(ctx)
    out = ctx.with_service(enc.filter(~has_text(enc.note_text)))
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        amount=line_amount(out),
    )


@rule("GEN-NOTE-UNSIGNED", message="{detail}", needs=("encounters", "staff"), one_line=True)
def note_unsigned(ctx: RuleContext) -> ir.Table:
    """A note is signed, with the date, by the staff member who rendered the service or by that
    person's supervisor (9 CSR 30-4.035 amendment: professionals' signatures carry the date).
    Only written notes are checked: a missing note is GEN-NOTE-MISSING's finding. A signer is
    compared with the rendering staff only when the line names one."""
    enc = billed_lines(ctx)
    enc = enc.filter(
        has_text(enc.note_text)
        & (
            enc.note_signed_by.isnull()
            | enc.note_signed_on.isnull()
            | (enc.note_signed_by != enc.staff_id)
        )
    )
    staff = ctx.t("staff")
    bosses = staff.select(b_staff_id=staff.staff_id, b_supervisor_id=staff.supervisor_id)
    j = enc.left_join(bosses, enc.staff_id == bosses.b_staff_id)
    signer = j.note_signed_by
    unsigned = signer.isnull()
    undated = signer.notnull() & j.note_signed_on.isnull()
    stranger = (
        signer.notnull()
        & j.staff_id.notnull()
        & (signer != j.staff_id)
        & (j.b_supervisor_id.isnull() | (signer != j.b_supervisor_id))
    )
    detail = ibis.cases(
        (unsigned, "The progress note is not signed."),
        (undated, "The progress note's signature has no date."),
        else_="The progress note is signed by "
        + signer
        + ", who is neither the rendering staff member nor their supervisor.",
    )
    out = ctx.with_service(j.mutate(x_detail=detail).filter(unsigned | undated | stranger))
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        detail=out.x_detail,
        amount=line_amount(out),
    )


@rule("GEN-NOTE-LATE", message="{detail}", one_line=True)
def note_late(ctx: RuleContext) -> ir.Table:
    """The note is signed within the documentation time frame in force on the date of service:
    72 hours until the August 2017 update of the MO HealthNet Behavioral Health Services Provider
    Manual §13.4.A, 5 business days since (mo_healthnet parameter ``note_signature_deadline``).
    Only the signing date is known, so a time frame in hours is read as whole days (72 hours:
    signed no later than three days after the date of service). Business days are Monday to
    Friday; holidays are not known to the policy and count as business days."""
    enc = billed_lines(ctx)
    enc = enc.filter(enc.note_signed_on.notnull() & (enc.note_signed_on > enc.date))
    p = ctx.param("mo_healthnet", "note_signature_deadline")
    p = p.select(d_start=p.start, d_end=p.end, d_num=p.num, d_unit=p.unit)
    j = enc.join(p, [enc.date >= p.d_start, enc.date <= p.d_end])
    calendar = j.note_signed_on.delta(j.date, unit="day").cast("int64")
    business = business_days_between(j.date, j.note_signed_on)
    elapsed = ibis.cases(
        (j.d_unit == "business_days", business),
        (j.d_unit.isin(["hours", "days"]), calendar),
        else_=ibis.null("int64"),
    )
    allowed = ibis.cases(
        (j.d_unit == "hours", (j.d_num / 24).ceil().cast("int64")),
        (j.d_unit.isin(["business_days", "days"]), j.d_num.floor().cast("int64")),
        else_=ibis.null("int64"),
    )
    j = j.mutate(x_elapsed=elapsed, x_allowed=allowed)
    out = ctx.with_service(j.filter(j.x_elapsed > j.x_allowed))
    limit_text = out.d_num.cast("int64").cast("string") + " " + out.d_unit.replace("_", " ")
    unit_text = ibis.cases((out.d_unit == "business_days", " business days"), else_=" days")
    detail = (
        "The progress note was signed "
        + out.x_elapsed.cast("string")
        + unit_text
        + " after the date of service; notes are due within "
        + limit_text
        + "."
    )
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        value=out.x_elapsed,
        limit=out.d_num,
        detail=detail,
        amount=line_amount(out),
    )

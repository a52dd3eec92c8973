"""Plans and diagnoses: a signed plan behind every service, the plan's required content, and a
billable diagnosis for every client billed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from caseledger.facts import icd10
from caseledger.facts.policy_frames import OPEN_END
from caseledger.policy import DocumentDef, Policy
from caseledger.rules.common import has_text, line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.eligibility import billed_lines, open_end, open_start
from caseledger.rules.registry import reference, rule

ONE_DAY = dt.timedelta(days=1)

#: the ICD-10-CM code set (:mod:`caseledger.facts.icd10`); for one slice of facts, the codes of
#: its diagnoses
ICD10_CODES = reference(
    "icd10_codes",
    build=lambda _policy: icd10.billable_codes_table(),
    narrow=lambda _policy, facts: icd10.code_set_rows(r["icd10"] for r in facts.rows("diagnoses")),
)


@rule(
    "GEN-PLAN-MISSING",
    message="No signed {detail} plan is in effect for the client on the date of service.",
    needs=("encounters", "plans"),
    one_line=True,
)
def plan_missing(ctx: RuleContext) -> ir.Table:
    """Each service is delivered under a written plan of its program, signed on or before the
    date of service and in effect on it: the SST intervention plan (seed
    000_970f1571fa3cbd2e.txt, Service product), the individual rehabilitation plan (seed
    002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11)), the treatment plan (9 CSR 30-4.035). A plan
    without a start date is in effect from the day it is signed."""
    enc = billed_lines(ctx)
    p = ctx.t("plans")
    signed = p.filter(p.signed_by.notnull() & p.signed_on.notnull())
    out = enc.anti_join(
        signed,
        [
            enc.client_id == signed.client_id,
            enc.program == signed.program,
            enc.date >= signed.signed_on,
            enc.date >= signed.start_date.fill_null(signed.signed_on),
            enc.date <= open_end(signed.end_date),
        ],
    )
    out = ctx.with_service(out)
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        detail=out.program.upper(),
        amount=line_amount(out),
    )


def normalized_icd10(code: ir.StringValue) -> ir.StringValue:
    """:func:`caseledger.facts.icd10.normalize` as an expression: no white space, upper case, a
    dot after the third character when a longer code has none."""
    s = code.re_replace(r"\s", "").upper()
    return ibis.cases(
        (~s.contains(".") & (s.length() > 3), s.substr(0, 3) + "." + s.substr(3)), else_=s
    )


@rule(
    "GEN-DIAGNOSIS",
    message="{detail}; {value:int} billed service(s) lack a valid, billable diagnosis.",
    needs=("encounters", "diagnoses"),
)
def diagnosis(ctx: RuleContext) -> ir.Table:
    """A claim carries the client's ICD-10-CM diagnosis (X12 837P, HI segment): a real code of the
    code set, and a billable one, the most specific code of its branch (``F33.1``, not the
    category ``F33``). One finding per client, dated on the first billed service without such a
    diagnosis in effect; the message quotes the codes in effect that day (never a description)
    and the amount is every affected line. The code set is reference data
    (:mod:`caseledger.facts.icd10`)."""
    codes = ctx.derived(ICD10_CODES.name, ICD10_CODES.build)
    dx = ctx.t("diagnoses")
    dx = dx.select(
        x_client_id=dx.client_id,
        x_code=normalized_icd10(dx.icd10),
        x_start=open_start(dx.start_date),
        x_end=open_end(dx.end_date),
    )
    # The diagnoses in effect that count, by a semi-join on the billable codes rather than a
    # filter on the left join below: DuckDB estimated that join at millions of rows from the
    # computed code, and then held every billed line in memory to match the few diagnoses
    # against, where it should hold the diagnoses.
    billable_codes = codes.filter(codes.billable)
    good = dx.semi_join(billable_codes, dx.x_code == billable_codes.code)
    dx = dx.left_join(codes, dx.x_code == codes.code).select(
        "x_client_id",
        "x_code",
        "x_start",
        "x_end",
        x_valid=codes.code.notnull(),
    )
    enc = billed_lines(ctx)
    lacking = enc.anti_join(
        good,
        [enc.client_id == good.x_client_id, enc.date >= good.x_start, enc.date <= good.x_end],
    )
    lacking = ctx.with_service(lacking)
    per_client = lacking.group_by(f_client_id=lacking.client_id).aggregate(
        f_date=lacking.date.min(),
        f_count=lacking.count(),
        f_amount=line_amount(lacking).sum(),
    )
    # The codes in effect on that day, for the few clients found. One join and one grouping:
    # read twice, ``per_client`` would be computed twice, its pass over every line included.
    shown = dx.view()
    on_day = per_client.left_join(
        shown,
        [
            per_client.f_client_id == shown.x_client_id,
            per_client.f_date >= shown.x_start,
            per_client.f_date <= shown.x_end,
        ],
    )
    # null where no diagnosis is in effect, and ``collect`` leaves nulls out
    phrase = on_day.x_code + ibis.cases(
        (on_day.x_valid, " is not a billable code (a more specific code is needed)"),
        else_=" is not an ICD-10-CM code",
    )
    out = on_day.group_by("f_client_id", "f_date", "f_count", "f_amount").aggregate(
        s_codes=phrase.collect().sort().join(", ")
    )
    day = out.f_date.cast("string")
    detail = ibis.cases(
        (out.s_codes.isnull(), "The client has no diagnosis in effect on " + day),
        else_="On " + day + " the client's diagnosis " + out.s_codes,
    )
    return out.select(
        subject_id=out.f_client_id,
        client_id=out.f_client_id,
        date=out.f_date,
        value=out.f_count,
        detail=detail,
        amount=out.f_amount,
    )


# ------------------------------------------------------------------------- required elements


@dataclass(frozen=True)
class _Segment:
    """The elements a document requires over one period."""

    start: dt.date
    end: dt.date
    document: DocumentDef


def document_segments(policy: Policy, owner: str, name: str) -> list[_Segment]:
    """The periods over which the document's required elements do not change, each with the
    :meth:`Policy.document` in force on it."""
    spec = policy.packs[policy.pack_of(owner)].pack.documents.get(name)
    if spec is None:
        return []
    cuts: set[dt.date] = set()
    for versions in spec.elements.values():
        for v in versions:
            cuts.add(v.from_)
            if v.to is not None and v.to < OPEN_END:
                cuts.add(v.to + ONE_DAY)
    days = sorted(cuts)
    segments = []
    for i, start in enumerate(days):
        end = days[i + 1] - ONE_DAY if i + 1 < len(days) else OPEN_END
        found = policy.document(owner, name, start)
        if found is not None and found.elements:
            segments.append(_Segment(start, end, found))
    return segments


def _missing_labels(t: ir.Table, on: ir.DateValue, segments: list[_Segment]) -> ir.StringValue:
    """The labels of the required elements ``t`` leaves empty, in the document's order, by the
    version in force on ``on`` ("" when none is missing)."""
    branches = []
    for seg in segments:
        parts = [
            ibis.cases((~has_text(t[e.column].cast("string")), e.label), else_=None)
            for e in seg.document.elements
            if e.column in t.columns
        ]
        if parts:
            within = (on >= ibis.literal(seg.start)) & (on <= ibis.literal(seg.end))
            branches.append((within, ibis.literal("; ").join(parts)))
    if not branches:
        return ibis.literal("")
    return ibis.cases(*branches, else_="")


def _program_plans(ctx: RuleContext, segments: list[_Segment]) -> ir.Table:
    """Plans of the program and kind the document is for, with the date they are judged on:
    their start, else their signing, else the audit's day."""
    p = ctx.t("plans")
    doc = segments[0].document
    program = ctx.policy.packs[doc.pack].pack.program
    mine = p.filter(p.program == program)
    if doc.kind is not None:
        mine = mine.filter(mine.kind == doc.kind)
    return mine.mutate(x_date=mine.start_date.fill_null(mine.signed_on).fill_null(ctx.today))


def _plan_findings(t: ir.Table, labels: ir.StringValue) -> ir.Table:
    out = t.mutate(x_missing=labels)
    out = out.filter(out.x_missing != "")
    return out.select(
        subject_id=out.plan_id,
        client_id=out.client_id,
        staff_id=out.signed_by,
        date=out.x_date,
        detail=out.x_missing,
    )


def _empty(t: ir.Table) -> ir.Table:
    return t.filter(ibis.literal(False)).select(subject_id=t.plan_id)


@rule(
    "SST-PLAN-SCHEDULE",
    message="The client's initial plan lacks: {detail}.",
    needs=("plans",),
)
def sst_plan_schedule(ctx: RuleContext) -> ir.Table:
    """The initial plan recommends a schedule of training sessions (seed
    000_970f1571fa3cbd2e.txt, Service limitations). The initial plan is the client's earliest
    plan of the kind the sst document ``initial_plan_schedule`` is for (by start date, then
    id); what it must hold is that document's elements."""
    segments = document_segments(ctx.policy, "sst", "initial_plan_schedule")
    if not segments:
        return _empty(ctx.t("plans"))
    plans = _program_plans(ctx, segments)
    order = ibis.row_number().over(group_by=plans.client_id, order_by=[plans.x_date, plans.plan_id])
    plans = plans.mutate(x_n=order)
    first = plans.filter(plans["x_n"] == 0)
    return _plan_findings(first, _missing_labels(first, first.x_date, segments))


@rule(
    "SST-PLAN-ELEMENTS",
    message="The intervention plan lacks: {detail}.",
    needs=("plans",),
)
def sst_plan_elements(ctx: RuleContext) -> ir.Table:
    """The individualized written intervention plan describes the barriers, the skills to be
    taught and practiced, the strategies, the environment for practice, how feedback reaches the
    client and family, the frequency and duration expected to reach competency, and the
    expected maximum level of achievement (seed 000_970f1571fa3cbd2e.txt, Service product): the
    elements of the sst document ``intervention_plan`` in force on the plan's start date."""
    segments = document_segments(ctx.policy, "sst", "intervention_plan")
    if not segments:
        return _empty(ctx.t("plans"))
    plans = _program_plans(ctx, segments)
    return _plan_findings(plans, _missing_labels(plans, plans.x_date, segments))


@rule(
    "CSW-EMPLOYMENT",
    message="The plan does not show that employment goals were considered.",
    needs=("plans",),
)
def csw_employment(ctx: RuleContext) -> ir.Table:
    """Employment goals should be incorporated into treatment planning where appropriate (seed
    002_d22e9ccf443e9ae2.txt, Specific recommendations regarding employment), while the sud
    parameter ``employment_consideration`` is true on the plan's start date."""
    p = ctx.t("plans")
    sud = p.filter(p.program == "sud")
    sud = sud.mutate(x_date=sud.start_date.fill_null(sud.signed_on).fill_null(ctx.today))
    sud = ctx.with_param(sud, "sud", "employment_consideration", on="x_date", as_="x_flag")
    out = sud.filter((sud.x_flag == 1.0) & ~sud.employment_considered.fill_null(False))
    return out.select(
        subject_id=out.plan_id,
        client_id=out.client_id,
        staff_id=out.signed_by,
        date=out.x_date,
    )

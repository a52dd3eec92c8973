"""Who may be billed for: the client enrolled in the program, the agency certified for it."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caseledger.facts.policy_frames import OPEN_END, program_in_force, programs_frame
from caseledger.policy import Policy
from caseledger.rules.common import is_billable, line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule

#: the day before any date of service, for periods whose start is not known
OPEN_START = dt.date(1, 1, 1)

REQUIRED_CERTIFICATIONS = pa.schema(
    [
        ("program", pa.string()),
        ("kind", pa.string()),
        ("start", pa.date32()),
        ("end", pa.date32()),
    ]
)


def billed_lines(ctx: RuleContext) -> ir.Table:
    """The billable encounters whose code the fee schedule knows on the date of service, with
    the code's ``program`` (an unknown code is GEN-CODE-UNKNOWN's or GEN-CODE-NOT-EFFECTIVE's
    finding). Only the small code table is joined, or none where the lines carry their program
    (``RuleContext.carried``); rules add the full fee-schedule terms
    (``RuleContext.with_service``) to the few lines they flag, or to the lines that need them."""
    enc = ctx.t("encounters")
    enc = enc.filter(is_billable(enc))
    if ctx.carried:
        return enc.filter(enc.program.notnull())
    codes = ctx.derived("service_programs", programs_frame)
    joined = enc.join(codes, program_in_force(enc, codes))
    return joined.select(*enc.columns, program=joined.program)


def open_end(column: ir.DateValue) -> ir.DateValue:
    """An end date, with an open (empty) end read as never ending."""
    return column.fill_null(ibis.literal(OPEN_END, type="date"))


def open_start(column: ir.DateValue) -> ir.DateValue:
    """A start date, with an unknown (empty) start read as always in force."""
    return column.fill_null(ibis.literal(OPEN_START, type="date"))


def required_certifications(policy: Policy) -> pa.Table:
    """One row per program, required certification kind and period, from each program pack's
    ``agency.certifications`` (``Policy.agency`` on the first day of each version)."""
    programs = sorted({d.program for d in policy.service_timeline() if d.program})
    rows = []
    for program in programs:
        spec = policy.packs[policy.pack_of(program)].pack.agency
        versions = spec.certifications if spec is not None else None
        for version in versions or ():
            found = policy.agency(program, version.from_).certifications
            if found is None:
                continue
            for kind in found.value:
                rows.append(
                    {
                        "program": program,
                        "kind": kind,
                        "start": found.start,
                        "end": found.end or OPEN_END,
                    }
                )
    return pa.Table.from_pylist(rows, schema=REQUIRED_CERTIFICATIONS)


@rule(
    "GEN-ENROLLMENT",
    message="The client is not enrolled in the {detail} program on the date of service.",
    needs=("encounters", "enrollments"),
    one_line=True,
)
def enrollment(ctx: RuleContext) -> ir.Table:
    """A service is billed to the program whose fee schedule holds its code (whatever the
    modifiers), so the client must be enrolled in that program on the date of service: SST serves
    clients referred to the DHSS program (seed 000_970f1571fa3cbd2e.txt, Referral indicators),
    CPR consumers of a certified program (seed 001_31c59ab3e9157d03.txt), community support
    clients of a DMH program (seed 002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11))."""
    enc = billed_lines(ctx)
    en = ctx.t("enrollments")
    out = enc.anti_join(
        en,
        [
            enc.client_id == en.client_id,
            enc.program == en.program,
            enc.date >= en.start_date,
            enc.date <= open_end(en.end_date),
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


@rule(
    "GEN-AGENCY-CERT",
    message=(
        "On the date of service the agency does not hold what the program requires: {detail}."
    ),
    needs=("encounters", "clients", "agency_certifications"),
    one_line=True,
)
def agency_certification(ctx: RuleContext) -> ir.Table:
    """The agency must hold, on the date of service, every certification the program's pack
    requires: SST a DHSS participation agreement and an organized brain-injury agency (seed
    000_970f1571fa3cbd2e.txt, Provider requirements), CPR a DMH-certified program (seed
    001_31c59ab3e9157d03.txt, Qualified Provider agency), SUD a DMH-certified program (seed
    002_d22e9ccf443e9ae2.txt). The client's agency is the one billing."""
    required = ctx.derived("required_certifications", required_certifications)
    enc = billed_lines(ctx)
    clients = ctx.t("clients")
    who = clients.select(c_client_id=clients.client_id, agency_id=clients.agency_id)
    enc = enc.join(who, enc.client_id == who.c_client_id)
    # the few (agency, program, day) combinations, not the encounters, are checked
    days = enc.select("agency_id", "program", day=enc.date).distinct()
    needed = days.join(
        required,
        [days.program == required.program, days.day >= required.start, days.day <= required.end],
    ).select(days.agency_id, days.program, days.day, kind=required.kind)
    certs = ctx.t("agency_certifications")
    missing = needed.anti_join(
        certs,
        [
            needed.agency_id == certs.agency_id,
            needed.kind == certs.kind,
            needed.day >= open_start(certs.start_date),
            needed.day <= open_end(certs.end_date),
        ],
    )
    lacking = missing.group_by(
        m_agency_id=missing.agency_id, m_program=missing.program, m_day=missing.day
    ).aggregate(kinds=missing.kind.collect().sort().join(", "))
    lines = enc.view()
    out = lines.join(
        lacking,
        [
            lines.agency_id == lacking.m_agency_id,
            lines.program == lacking.m_program,
            lines.date == lacking.m_day,
        ],
    )
    out = ctx.with_service(out)
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        detail=out.kinds,
        amount=line_amount(out),
    )

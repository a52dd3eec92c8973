"""Billing lines whose modifiers or funding stream do not fit the service.

A service is identified by its code **and** its modifiers (``policy_services.modifier_key``), and a
service is either a group service or an individual one. CPR bills individual psychosocial
rehabilitation as H2017 with HO and the group service as H2017 with HO and HQ, while purchase of
service clients are billed under their own codes H2017P and H2017S (seed 001_31c59ab3e9157d03.txt,
MHD and POS codes and rates). HQ is the HCPCS Level II modifier for a group setting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caseledger.facts.policy_frames import OPEN_END, services_frame
from caseledger.facts.schema import FUNDING
from caseledger.rules.common import line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule
from caseledger.rules.units import billed_lines

if TYPE_CHECKING:
    from caseledger.policy import Policy

REFUSED_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("start", pa.date32()),
        ("program", pa.string()),
        ("funding", pa.string()),
    ]
)

#: How the dataset's funding streams read in a message.
FUNDING_LABELS = {
    "mo_healthnet": "MO HealthNet",
    "dmh_pos": "DMH purchase of service",
    "dhss": "DHSS",
}


def billed_as(code: ir.StringValue, modifier_key: ir.StringValue) -> ir.StringValue:
    """A code with its modifiers as a clerk reads them: ``H2017 HO HQ``, ``H2017P``."""
    return ibis.cases(
        (modifier_key.fill_null("") == "", code),
        else_=code + " " + modifier_key.replace("+", " "),
    )


def _services(ctx: RuleContext) -> ir.Table:
    """The fee schedule under names that cannot collide with an encounter's columns."""
    s = ctx.services.view()
    return s.select(
        _s_code=s.code,
        _s_mods=s.modifier_key,
        _s_program=s.program,
        _s_is_group=s.is_group,
        _s_start=s.start,
        _s_end=s.end,
        _s_funding=s.funding,
    )


def _first_per_line(
    t: ir.Table, expected: ir.StringValue, before: tuple[str, ...] = ()
) -> ir.Table:
    """One row per encounter of ``t`` (a few flagged lines joined to candidate services), with
    ``_expected``: the first candidate by name, null when there is none."""
    t = t.mutate(_expected=expected)
    order = [*(t[c] for c in before), t._expected]
    first = ibis.row_number().over(group_by=t.encounter_id, order_by=order)
    return t.mutate(_n=first).filter(ibis._["_n"] == 0)


def _in_force_codes(ctx: RuleContext, enc: ir.Table) -> ir.Table:
    """Lines whose code is in force on their date: the others are GEN-CODE-UNKNOWN's or
    GEN-CODE-NOT-EFFECTIVE's to report."""
    codes = ctx.codes.view()
    return enc.semi_join(
        codes,
        [enc.service_code == codes.code, enc.date >= codes.start, enc.date <= codes.end],
    )


@rule("GEN-MODIFIER-MISMATCH", message="{detail}", one_line=True)
def modifier_mismatch(ctx: RuleContext) -> ir.Table:
    """The modifiers do not fit the service: no service in force on the date has this code with
    exactly these modifiers, or the line's group-ness contradicts the service's. An encounter
    that carries a ``group_id`` belongs to a group session and must be billed with a group
    service (H2017 HO HQ, not H2017 HO); one without a ``group_id`` must not be billed with a group
    service. Seed 001_31c59ab3e9157d03.txt names H2017HO for individual and H2017HOHQ for group
    psychosocial rehabilitation; HQ marks a group setting (HCPCS Level II modifiers).

    Codes that are unknown or not in force on the date are left to GEN-CODE-UNKNOWN and
    GEN-CODE-NOT-EFFECTIVE. The message names the service to bill instead when the code has one
    of the right kind in force on the date."""
    lines = billed_lines(ctx)
    in_group = lines.group_id.notnull()
    unknown = lines.svc_key.isnull()
    flagged = lines.filter(unknown | (lines.svc_is_group != in_group)).mutate(
        _group=in_group, _unknown=unknown
    )
    flagged = _in_force_codes(ctx, flagged)

    # The service of the right kind (group or individual) for the same code on the same date
    # (the lines are few here; each is kept once, with the first such service by name).
    svc = _services(ctx)
    cand = flagged.left_join(
        svc,
        [
            flagged.service_code == svc._s_code,
            flagged.date >= svc._s_start,
            flagged.date <= svc._s_end,
            flagged._group == svc._s_is_group,
        ],
    )
    out = _first_per_line(cand, billed_as(cand._s_code, cand._s_mods))

    line = billed_as(out.service_code, out.modifier_key)
    shown = ibis.cases((out.modifier_key == "", line + " with no modifier"), else_=line)
    kind = ibis.cases((out._group, "a group line"), else_="an individual line")
    problem = ibis.cases(
        (out._unknown, shown + " matches no service in force on the date of service"),
        (
            out._group,
            line
            + " is an individual service, but the encounter belongs to group session "
            + out.group_id,
        ),
        else_=line + " is a group service, but the encounter belongs to no group session",
    )
    advice = ibis.cases(
        (out._expected.isnull(), ""),
        (out._unknown, "; " + kind + " is billed as " + out._expected),
        else_="; bill " + out._expected,
    )
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        detail=problem + advice + ".",
        amount=line_amount(out),
    )


def funding_refused(policy: Policy) -> pa.Table:
    """Each fee-schedule period of a service that names its funding streams, once for every
    stream of the dataset contract it does not take (the same periods as ``policy_services``)."""
    rows = [
        {"key": r["key"], "start": r["start"], "program": r["program"], "funding": stream}
        for r in services_frame(policy).to_pylist()
        if r["funding"] and r["program"]
        for stream in FUNDING
        if stream not in r["funding"]
    ]
    return pa.Table.from_pylist(rows, schema=REFUSED_SCHEMA)


def _funding_text(value: ir.StringValue) -> ir.StringValue:
    for name, label in FUNDING_LABELS.items():
        value = value.replace(name, label)
    return value


@rule("GEN-FUNDING-CODE", message="{detail}", needs=("encounters", "enrollments"), one_line=True)
def funding_code(ctx: RuleContext) -> ir.Table:
    """The client's enrollment in the service's program, in force on the date of service, is
    funded by a stream the service may not be billed under. Seed 001_31c59ab3e9157d03.txt gives
    each CPR service an MHD code (H2017 HO, H2017 HO HQ: MO HealthNet clients) and a POS code
    (H2017P, H2017S: DMH purchase of service clients); the pack's ``funding`` lists say which
    streams each service takes (a service without the list takes any)."""
    refused = ctx.derived("funding_refused", funding_refused)
    e = ctx.t("enrollments")
    enr = e.filter(e.funding.notnull())
    pairs = enr.join(
        refused, [enr.program == refused.program, enr.funding == refused.funding]
    ).select(
        _client=enr.client_id,
        _from=enr.start_date,
        _to=enr.end_date.fill_null(ibis.literal(OPEN_END, type="date")),
        _funding=enr.funding,
        _key=refused.key,
        _start=refused.start,
    )
    # Made distinct so that an engine joins the lines to these few pairs, not to every
    # enrollment first.
    pairs = pairs.distinct()
    lines = billed_lines(ctx)
    lines = lines.filter(lines.svc_funding.notnull())
    wrong = lines.join(
        pairs,
        [
            lines.client_id == pairs._client,
            lines.svc_key == pairs._key,
            lines.svc_start == pairs._start,
            lines.date >= pairs._from,
            lines.date <= pairs._to,
        ],
    )
    # The code of the same program and kind that the client's funding stream is billed under;
    # one finding per line even if two enrollments of the program overlap.
    svc = _services(ctx)
    cand = wrong.left_join(
        svc,
        [
            wrong.svc_program == svc._s_program,
            wrong.svc_is_group == svc._s_is_group,
            wrong.date >= svc._s_start,
            wrong.date <= svc._s_end,
            svc._s_funding.contains(wrong._funding),
        ],
    )
    out = _first_per_line(cand, billed_as(cand._s_code, cand._s_mods), before=("_from", "_funding"))
    text = (
        billed_as(out.service_code, out.modifier_key)
        + " is billed only for "
        + _funding_text(out.svc_funding.join(" or "))
        + " clients, but the client's "
        + out.svc_program.upper()
        + " enrollment is funded by "
        + _funding_text(out._funding)
    )
    advice = ibis.cases(
        (out._expected.isnull(), "."), else_="; bill " + out._expected + " instead."
    )
    return out.select(
        subject_id=out.encounter_id,
        client_id=out.client_id,
        staff_id=out.staff_id,
        date=out.date,
        detail=text + advice,
        amount=line_amount(out),
    )

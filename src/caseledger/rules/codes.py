"""Billing codes: known to a pack, and in force on the date of service."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from caseledger.rules.common import line_amount
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule


@rule(
    "GEN-CODE-UNKNOWN",
    message="Service code {detail} is not in any loaded policy pack.",
    one_line=True,
)
def code_unknown(ctx: RuleContext) -> ir.Table:
    """A code that no pack defines, under any modifiers on any date, cannot be billed."""
    enc = ctx.t("encounters")
    known = ctx.services.select("code").distinct()
    unknown = enc.anti_join(known, enc.service_code == known.code)
    return unknown.select(
        subject_id=unknown.encounter_id,
        client_id=unknown.client_id,
        staff_id=unknown.staff_id,
        date=unknown.date,
        detail=unknown.service_code,
        amount=unknown.charge,
    )


@rule("GEN-CODE-NOT-EFFECTIVE", message="{detail}", one_line=True)
def code_not_effective(ctx: RuleContext) -> ir.Table:
    """A known code billed on a date outside every period it is in force. For a deleted code the
    message names its replacements: 0372T was deleted on 2019-01-01 in favour of 97153–97158
    and 0373T (seed 003_0576cd0998e3bd03.txt, code history)."""
    enc = ctx.with_service(ctx.t("encounters"))
    # each use of the code table is its own view, so joins never confuse their two sides
    codes = ctx.codes.view()
    known = enc.semi_join(codes, enc.service_code == codes.code)
    periods = ctx.codes.view()
    out = known.anti_join(
        periods,
        [
            known.service_code == periods.code,
            known.date >= periods.start,
            known.date <= periods.end,
        ],
    )
    codes = ctx.codes.view()
    ended = codes.select(
        e_code=codes.code, e_end=codes.end, e_gone=codes.deleted_on, e_repl=codes.replaced_by
    )
    joined = out.left_join(ended, [out.service_code == ended.e_code, out.date > ended.e_end])
    latest = ibis.row_number().over(group_by=joined.encounter_id, order_by=ibis.desc(joined.e_end))
    last = joined.mutate(_n=latest).filter(ibis._["_n"] == 0)
    detail = ibis.cases(
        (
            last.e_repl.notnull(),
            last.service_code
            + " was deleted on "
            + last.e_gone.cast("string")
            + "; bill one of its replacements instead: "
            + last.e_repl
            + ".",
        ),
        (
            last.e_end.notnull(),
            last.service_code + " ended on " + last.e_end.cast("string") + ".",
        ),
        else_=last.service_code + " is not yet in force on " + last.date.cast("string") + ".",
    )
    return last.select(
        subject_id=last.encounter_id,
        client_id=last.client_id,
        staff_id=last.staff_id,
        date=last.date,
        detail=detail,
        amount=line_amount(last),
    )

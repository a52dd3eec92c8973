"""Reconciliation: what was billed against what the payers said, to the cent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from caseledger.claims.denials import CONTRACTUAL
from caseledger.store.tables import claim_lines, remittance_lines, remittances


def _sum(conn: sa.Connection, column: Any, *where: Any) -> Decimal:
    value = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(*where)).scalar()
    return Decimal(str(value)).quantize(Decimal("0.01"))


def summary(conn: sa.Connection) -> dict[str, Any]:
    """Totals over every claim line sent and every remittance posted."""
    line = remittance_lines.c
    posted = line.procedure.is_not(None)
    billed = _sum(conn, claim_lines.c.charge)
    answered = _sum(conn, line.charge, posted)
    paid = _sum(conn, line.paid, posted)
    rows = conn.execute(sa.select(line.adjustments, line.paid).where(posted)).all()
    contractual = denied = other = Decimal(0)
    denied_lines = 0
    for adjustments, line_paid in rows:
        for a in adjustments:
            amount = Decimal(str(a["amount"]))
            if a["reason"] == CONTRACTUAL:
                contractual += amount
            elif a["group"] == "PR":
                other += amount
            else:
                denied += amount
        if Decimal(str(line_paid)) == 0 and any(a["reason"] != CONTRACTUAL for a in adjustments):
            denied_lines += 1
    sent = conn.execute(sa.select(sa.func.count()).select_from(claim_lines)).scalar_one()
    matched = conn.execute(
        sa.select(sa.func.count()).where(posted, line.encounter_id.is_not(None))
    ).scalar_one()
    return {
        "lines_sent": sent,
        "lines_answered": matched,
        "billed": str(billed),
        "charged_on_remittances": str(answered),
        "paid": str(paid),
        "contractual_write_down": str(contractual),
        "denied": str(denied),
        "patient_responsibility": str(other),
        "denied_lines": denied_lines,
        "remittances": conn.execute(
            sa.select(sa.func.count()).select_from(remittances)
        ).scalar_one(),
    }

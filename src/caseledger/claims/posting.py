"""Posting 835 remittances: each payment, adjustment and denial against the claim line it is for.

A file is read whole before anything is written (a malformed file posts nothing), and posted in
one transaction. The same file posts once: its hash is kept. Claims are matched by CLP01, the
patient control number we sent; lines by the line item control number (REF 6R, the encounter id)
when the payer returns it, else by code, date and units, with modifiers compared as a set and a
payer that drops some of them still matched.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from caseledger.claims.remittance import ClaimPayment, Remittance, ServicePayment, read_835
from caseledger.store import Store, tables
from caseledger.store.access_log import AccessEntry
from caseledger.store.tables import claim_lines, claims, remittance_lines, remittances
from caseledger.store.unit_of_work import UnitOfWork


@dataclass
class PostResult:
    duplicate: bool = False
    remittances: int = 0
    claims: int = 0
    lines: int = 0
    paid: Decimal = Decimal(0)
    #: CLP01 values that match no claim we sent (posted, unmatched)
    unknown_claims: list[str] = field(default_factory=list)
    #: service lines that match no line of their claim
    unmatched_lines: int = 0


def _adjustments(items: Sequence[Any]) -> list[dict[str, str | None]]:
    return [
        {
            "group": a.group,
            "reason": a.reason,
            "amount": str(a.amount),
            "quantity": None if a.quantity is None else str(a.quantity),
        }
        for a in items
    ]


def _match(
    svc: ServicePayment, lines: list[dict[str, Any]], taken: set[int]
) -> dict[str, Any] | None:
    free = [ln for ln in lines if ln["line_number"] not in taken]
    if svc.line_item_control_number:
        for ln in free:
            if ln["encounter_id"] == svc.line_item_control_number:
                return ln
    mods = set(svc.modifiers)

    def fits(ln: dict[str, Any], exact: bool) -> bool:
        theirs = set((ln["modifiers"] or "").split(";")) - {""}
        return (
            ln["service_code"] == svc.procedure_code
            and (svc.service_date is None or ln["date"] == svc.service_date)
            and (mods == theirs if exact else mods <= theirs)
        )

    for exact in (True, False):
        for ln in free:
            if fits(ln, exact):
                return ln
    return None


def post(store: Store, data: bytes, *, actor: str | None = None) -> PostResult:
    """Reads and posts one 835 file (see the module docstring)."""
    advices: list[Remittance] = read_835(data)  # raises before anything is written
    with store.unit_of_work(actor=actor) as uow:
        return post_in(uow, data, advices)


def post_in(
    uow: UnitOfWork,
    data: bytes,
    advices: list[Remittance] | None = None,
    *,
    agency_id: str | None = None,
) -> PostResult:
    """:func:`post` within a unit of work the caller holds (the web app's). With ``agency_id``,
    only that agency's claims are matched; any other claim is posted unmatched."""
    if advices is None:
        advices = read_835(data)
    digest = hashlib.sha256(data).hexdigest()
    out = PostResult()
    conn = uow.connection
    seen = conn.execute(
        sa.select(sa.func.count()).select_from(remittances).where(remittances.c.sha256 == digest)
    ).scalar_one()
    if seen:
        out.duplicate = True
        return out
    query = sa.select(claims.c.claim_id, claims.c.client_id)
    if agency_id is not None:
        people = tables.table("clients")
        query = query.join(people, people.c.client_id == claims.c.client_id).where(
            people.c.agency_id == agency_id
        )
    known = {r.claim_id: r.client_id for r in conn.execute(query)}
    for k, advice in enumerate(advices):
        rid = conn.execute(
            remittances.insert().values(
                sha256=digest,
                set_index=k,
                trace_number=advice.trace_number,
                payer=advice.payer_name,
                paid_on=advice.payment_date,
                amount=advice.payment_amount,
                loaded_at=uow.access.clock.now().replace(tzinfo=None),
                loaded_by=uow.actor,
            )
        ).inserted_primary_key
        assert rid is not None
        out.remittances += 1
        out.paid += advice.payment_amount
        for cp in advice.claims:
            _post_claim(uow, int(rid[0]), cp, known, out)
    return out


def _post_claim(
    uow: Any, rid: int, cp: ClaimPayment, known: dict[str, str], out: PostResult
) -> None:
    conn = uow.connection
    out.claims += 1
    client_id = known.get(cp.patient_control_number)
    base = {
        "remittance_id": rid,
        "claim_id": cp.patient_control_number,
        "claim_status": cp.status,
        "payer_claim_number": cp.payer_claim_control_number,
    }
    rows: list[dict[str, Any]] = [
        {
            **base,
            "line_number": None,
            "encounter_id": None,
            "procedure": None,
            "charge": cp.charge,
            "paid": cp.paid,
            "patient_responsibility": cp.patient_responsibility or Decimal(0),
            "adjustments": _adjustments(cp.adjustments),
            "remarks": [],
        }
    ]
    if client_id is None:
        out.unknown_claims.append(cp.patient_control_number)
        lines: list[dict[str, Any]] = []
    else:
        conn.execute(
            claims.update()
            .where(claims.c.claim_id == cp.patient_control_number)
            .values(payer_claim_number=cp.payer_claim_control_number)
        )
        lines = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(claim_lines).where(claim_lines.c.claim_id == cp.patient_control_number)
            )
        ]
    taken: set[int] = set()
    for svc in cp.services:
        line = _match(svc, lines, taken)
        if line is None:
            out.unmatched_lines += 1
        else:
            taken.add(line["line_number"])
        out.lines += 1
        rows.append(
            {
                **base,
                "line_number": line["line_number"] if line else None,
                "encounter_id": line["encounter_id"] if line else None,
                "procedure": ":".join((svc.procedure_code, *svc.modifiers)),
                "charge": svc.charge,
                "paid": svc.paid,
                "patient_responsibility": sum(
                    (a.amount for a in svc.adjustments if a.group == "PR"), Decimal(0)
                ),
                "adjustments": _adjustments(svc.adjustments),
                "remarks": list(svc.remarks),
            }
        )
    conn.execute(remittance_lines.insert(), rows)
    if client_id is not None:
        uow.access.record_many(
            [
                AccessEntry(
                    "import",
                    client_id,
                    "remittance",
                    cp.patient_control_number,
                    "835 payment posted",
                )
            ]
        )


def posted_lines(conn: sa.Connection) -> list[dict[str, Any]]:
    """Every posted service line (not the claim rows), newest remittance last."""
    q = (
        sa.select(remittance_lines)
        .where(remittance_lines.c.procedure.is_not(None))
        .order_by(remittance_lines.c.remittance_id, remittance_lines.c.id)
    )
    return [dict(r._mapping) for r in conn.execute(q)]


def by_claim(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[str(r["claim_id"])].append(r)
    return out

"""Suppressed findings: a person accepts a finding, says why, and the record keeps it.

A suppression never hides a finding: reports still show it, marked, and count it apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from caseledger.store.tables import suppressions
from caseledger.store.unit_of_work import UnitOfWork


class SuppressionError(ValueError):
    """A suppression that cannot be made or lifted; the message says why."""


@dataclass(frozen=True)
class Suppression:
    id: int
    rule: str
    subject_type: str
    subject_id: str
    reason: str
    actor: str
    at: dt.datetime

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.subject_type, self.subject_id)


def suppress(uow: UnitOfWork, rule: str, subject_type: str, subject_id: str, reason: str) -> int:
    """Records that ``uow.actor`` accepts the finding, with ``reason``; returns its id."""
    if not reason.strip():
        raise SuppressionError("a suppression needs a reason")
    if any(s.key == (rule, subject_type, subject_id) for s in active(uow)):
        raise SuppressionError(f"{rule} on {subject_type} {subject_id} is already suppressed")
    at = uow.access.clock.now().astimezone(dt.UTC).replace(tzinfo=None)
    result = uow.connection.execute(
        suppressions.insert().values(
            rule=rule,
            subject_type=subject_type,
            subject_id=subject_id,
            reason=reason.strip(),
            actor=uow.actor,
            at=at,
        )
    )
    uow.access.record(
        "update",
        record_type="suppression",
        record_id=f"{rule}:{subject_type}:{subject_id}",
        detail="finding suppressed",
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def lift(uow: UnitOfWork, suppression_id: int) -> None:
    """Ends a suppression; the finding counts again from the next audit."""
    at = uow.access.clock.now().astimezone(dt.UTC).replace(tzinfo=None)
    done = uow.connection.execute(
        suppressions.update()
        .where(suppressions.c.id == suppression_id, suppressions.c.lifted_at.is_(None))
        .values(lifted_at=at, lifted_by=uow.actor)
    )
    if done.rowcount != 1:
        raise SuppressionError(f"no active suppression has id {suppression_id}")
    uow.access.record(
        "update",
        record_type="suppression",
        record_id=str(suppression_id),
        detail="suppression lifted",
    )


def active(uow: UnitOfWork) -> list[Suppression]:
    rows = uow.connection.execute(
        sa.select(suppressions)
        .where(suppressions.c.lifted_at.is_(None))
        .order_by(suppressions.c.id)
    )
    return [
        Suppression(r.id, r.rule, r.subject_type, r.subject_id, r.reason, r.actor, r.at)
        for r in rows
    ]

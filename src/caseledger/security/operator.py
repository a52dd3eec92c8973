"""Who a command-line user acts as.

``--as USER`` naming an account makes the command act as that person: the same guard as the web
app decides, within their agency. Without it (or with a name that is no account), the command is
the operating-system user's, the operator who holds the database files themselves and so is not
limited by a role; the access log names them either way.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from caseledger.security.accounts import Principal
from caseledger.security.permissions import Denied
from caseledger.store.tables import users
from caseledger.store.unit_of_work import UnitOfWork


def acting_as(uow: UnitOfWork, actor: str | None) -> Principal | None:
    """The account ``actor`` names, or None for the operator. A disabled account may do
    nothing, and an emergency account only while it is turned on."""
    if not actor:
        return None
    row = uow.connection.execute(
        sa.select(users).where(users.c.username == actor.strip().lower())
    ).first()
    if row is None:
        return None
    now = uow.access.clock.now().astimezone(dt.UTC).replace(tzinfo=None)
    if row.disabled_at is not None:
        raise Denied(f"the account {row.username} is disabled")
    if row.role == "emergency" and (row.emergency_until is None or row.emergency_until <= now):
        raise Denied(f"the emergency account {row.username} is not turned on")
    return Principal(
        row.user_id,
        row.username,
        row.agency_id,
        row.role,
        emergency=row.role == "emergency",
        staff_id=row.staff_id,
    )

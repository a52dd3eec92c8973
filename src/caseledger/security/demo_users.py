"""Demo users: one per role in the demo agency, clearly marked, with a known passphrase.

They exist so the demo can be signed into; ``demo`` is set on each account and their names
begin with ``demo.``. Never create them in a store that holds real records.
"""

from __future__ import annotations

from dataclasses import dataclass

from caseledger.security.accounts import Accounts
from caseledger.security.passwords import fast_hasher
from caseledger.store.tables import ROLES
from caseledger.store.unit_of_work import UnitOfWork

DEMO_PASSWORD = "synthetic records only, not real"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str
    totp_secret: str
    created: bool


def ensure_demo_users(uow: UnitOfWork, agency_id: str) -> list[DemoUser]:
    """Creates the demo users that are not there yet; returns all of them with their secrets
    (demo secrets may be shown again: that is what makes them demo accounts)."""
    accounts = Accounts(uow, hasher=fast_hasher())
    # The roles that provide services are given staff members of the agency, to sign notes as.
    staff = sorted(str(s["staff_id"]) for s in uow.repo("staff").list_where(agency_id=agency_id))
    providers = dict(zip(("direct_care", "clinician", "supervisor"), staff, strict=False))
    found: list[DemoUser] = []
    for role in ROLES:
        name = f"demo.{role.replace('_', '-')}"
        existing = accounts.by_username(name)
        if existing is not None and not existing.demo:
            raise ValueError(f"{name} exists and is not a demo account; left alone")
        created = existing is None
        if created:
            accounts.add(
                name,
                f"DEMO {role.replace('_', ' ')}",
                agency_id,
                role,
                DEMO_PASSWORD,
                demo=True,
                staff_id=providers.get(role),
            )
        found.append(DemoUser(name, role, DEMO_PASSWORD, accounts.totp_secret(name), created))
    return found

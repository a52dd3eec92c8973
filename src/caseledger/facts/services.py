"""The fee-schedule service an encounter row was billed as: its code and modifiers, as the packs
define them on its date of service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from caseledger.policy import Policy
from caseledger.policy.defs import ServiceDef


def service_of(policy: Policy, encounter: Mapping[str, Any]) -> ServiceDef | None:
    """The service of ``encounter`` on its date (None without a date, or when no pack defines
    the code with those modifiers on that day)."""
    day, modifiers = encounter.get("date"), encounter.get("modifiers")
    if not isinstance(day, dt.date):
        return None
    return policy.service(
        str(encounter.get("service_code") or ""),
        modifiers if isinstance(modifiers, tuple) else (),
        day,
    )

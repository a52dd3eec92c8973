"""The permission matrix and the one check every service calls before it reads or changes a record.

The matrix is data (``permissions.yaml``): role, record type, actions. Access is denied unless the
matrix allows it, and every person works inside their own agency: a record of another agency is
reported as not found, never as forbidden, so its existence is not revealed. Each decision is
kept on the :class:`Guard`, so a test can tell that the check ran and not only what came back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from caseledger.security.accounts import Principal
from caseledger.store.tables import ROLES

log = logging.getLogger("caseledger.security")

RECORD_TYPES = (
    "client",
    "encounter",
    "note",
    "plan",
    "authorization",
    "staff",
    "agency",
    "finding",
    "claim",
    "access_log",
    "user",
    "retention",
)
ACTIONS = (
    "read",
    "query",
    "create",
    "update",
    "delete",
    "sign",
    "amend",
    "print",
    "export",
    "import",
    "run",
    "suppress",
    "hold",
    "purge",
)
#: the record type of each dataset table
TABLE_RECORD_TYPES: Mapping[str, str] = {
    "clients": "client",
    "enrollments": "client",
    "diagnoses": "client",
    "other_services": "client",
    "encounters": "encounter",
    "group_sessions": "encounter",
    "missed_appointments": "encounter",
    "contacts": "encounter",
    "plans": "plan",
    "plan_goals": "plan",
    "progress_reports": "plan",
    "authorizations": "authorization",
    "staff": "staff",
    "staff_credentials": "staff",
    "staff_trainings": "staff",
    "agency": "agency",
    "agency_certifications": "agency",
}


class Denied(PermissionError):
    """The role may not do this."""


class NotFound(LookupError):
    """No such record, as far as this person may know."""


@cache
def matrix() -> Mapping[str, Mapping[str, frozenset[str]]]:
    """role → record type → allowed actions, validated against the known names."""
    text = resources.files("caseledger.security").joinpath("permissions.yaml").read_text()
    raw = yaml.safe_load(text)
    found: dict[str, dict[str, frozenset[str]]] = {}
    for role, by_type in raw.items():
        if role not in ROLES:
            raise ValueError(f"permissions.yaml: unknown role {role!r}")
        found[role] = {}
        for record_type, actions in by_type.items():
            if record_type not in RECORD_TYPES:
                raise ValueError(f"permissions.yaml: {role}: unknown record type {record_type!r}")
            unknown = set(actions) - set(ACTIONS)
            if unknown:
                raise ValueError(f"permissions.yaml: {role}.{record_type}: unknown {unknown}")
            found[role][record_type] = frozenset(actions)
    for role in ROLES:
        found.setdefault(role, {})
    return found


def allowed(role: str, action: str, record_type: str) -> bool:
    return action in matrix().get(role, {}).get(record_type, frozenset())


@dataclass(frozen=True)
class Decision:
    user_id: str
    action: str
    record_type: str
    same_agency: bool
    granted: bool


@dataclass
class Guard:
    """Decides, and remembers each decision (the operational log gets the refusals, and every
    emergency-access action as an alert)."""

    decisions: list[Decision] = field(default_factory=list)

    def check(
        self,
        principal: Principal,
        action: str,
        record_type: str,
        *,
        record_agency: str | None = None,
        named: str | None = None,
    ) -> None:
        """Returns when ``principal`` may ``action`` a ``record_type`` of ``record_agency``
        (their own agency when None); raises :class:`NotFound` for another agency's record (saying
        no such ``named`` thing, by default the record type) and :class:`Denied` when the role may
        not."""
        if action not in ACTIONS or record_type not in RECORD_TYPES:
            raise ValueError(f"unknown action or record type: {action} {record_type}")
        same = record_agency is None or record_agency == principal.agency_id
        granted = same and allowed(principal.role, action, record_type)
        self.decisions.append(Decision(principal.user_id, action, record_type, same, granted))
        if principal.emergency:
            log.warning(
                "ALERT emergency access: %s %s %s (%s)",
                principal.user_id,
                action,
                record_type,
                "allowed" if granted else "refused",
            )
        if not same:
            log.info("not found for %s: %s of another agency", principal.user_id, record_type)
            raise NotFound(f"no such {named or record_type.replace('_', ' ')}")
        if not granted:
            log.info("denied: %s may not %s %s", principal.user_id, action, record_type)
            raise Denied(f"your role ({principal.role}) may not {action} {record_type} records")

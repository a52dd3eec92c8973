"""Writes docs/permissions.md from the permission matrix: ``python -m caseledger.security.docs``."""

from __future__ import annotations

from caseledger.security.permissions import ACTIONS, RECORD_TYPES, matrix
from caseledger.store.tables import ROLES


def render() -> str:
    table = matrix()
    lines = [
        "# Permissions",
        "",
        "Generated from `src/caseledger/security/permissions.yaml` by "
        "`python -m caseledger.security.docs`; a test fails when this page is stale.",
        "",
        "What each role may do, by record type. Anything not listed is denied. Everyone acts "
        "within their own agency: a record of another agency is reported as not found, never as "
        "forbidden. Every check goes through one guard (`caseledger.security.permissions.Guard`), "
        "which the records service calls before each read and change.",
        "",
        "Actions: " + ", ".join(f"`{a}`" for a in ACTIONS) + ".",
        "",
        "| record type | " + " | ".join(r.replace("_", " ") for r in ROLES) + " |",
        "|---|" + "---|" * len(ROLES),
    ]
    for record_type in RECORD_TYPES:
        cells = []
        for role in ROLES:
            actions = table[role].get(record_type, frozenset())
            cells.append(", ".join(a for a in ACTIONS if a in actions) or "—")
        lines.append(f"| {record_type.replace('_', ' ')} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "The emergency role is off until an administrator turns it on for a while "
        "(`caseledger user emergency`); each of its actions is written to the access log and "
        "raises an alert in the operational log.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")

"""PHI redaction: identifiers the record knows, plus patterns and name recognition for the rest,
each replaced by a typed placeholder. Offline: spaCy's small English model is installed as a
package.

    from caseledger.redaction import redact
    redact("Dana called 573-555-0142.").text   # "[NAME] called [PHONE]."
"""

from __future__ import annotations

from caseledger.redaction.known import KnownIdentifiers, UnknownClient, from_store
from caseledger.redaction.redactor import (
    Redaction,
    find,
    find_all,
    redact,
    redact_all,
    shape_of,
)
from caseledger.redaction.spans import PhiType, Span

__all__ = [
    "KnownIdentifiers",
    "PhiType",
    "Redaction",
    "Span",
    "UnknownClient",
    "find",
    "find_all",
    "from_store",
    "redact",
    "redact_all",
    "shape_of",
]

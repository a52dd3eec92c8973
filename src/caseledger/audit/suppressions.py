"""Marking suppressed findings. A suppressed finding stays in every report, labelled with who
accepted it and why, and is counted apart from the findings that still need work."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from caseledger.audit.engine import AuditResult


class SuppressionLike(Protocol):
    @property
    def key(self) -> tuple[str, str, str]: ...
    @property
    def reason(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def at(self) -> dt.datetime: ...


def apply_suppressions(result: AuditResult, suppressions: Iterable[SuppressionLike]) -> int:
    """Marks the findings of ``result`` that a suppression covers; returns how many."""
    by_key = {s.key: s for s in suppressions}
    marked = 0
    for i, finding in enumerate(result.findings):
        found = by_key.get(finding.key)
        if found is None:
            continue
        reason = f"{found.reason} ({found.actor}, {found.at.date().isoformat()})"
        result.findings[i] = dataclasses.replace(
            finding, suppressed=True, suppression_reason=reason
        )
        marked += 1
    return marked

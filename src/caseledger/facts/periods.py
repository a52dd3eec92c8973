"""Dated spans of the dataset: a row in force from its ``start_date`` to its ``end_date``
(inclusive), either end open when empty. Enrollments, plans, diagnoses, authorizations and
credentials all read their dates this way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


def in_force(day: dt.date, row: Mapping[str, Any]) -> bool:
    """Whether ``row`` is in force on ``day``."""
    start, end = row.get("start_date"), row.get("end_date")
    return (not isinstance(start, dt.date) or start <= day) and (
        not isinstance(end, dt.date) or day <= end
    )


def overlaps(row: Mapping[str, Any], first: dt.date, last: dt.date) -> bool:
    """Whether ``row`` is in force on some day of ``first``..``last``."""
    start, end = row.get("start_date"), row.get("end_date")
    return (not isinstance(start, dt.date) or start <= last) and (
        not isinstance(end, dt.date) or end >= first
    )

"""What a planted violation records, and the bookkeeping that keeps plants apart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Planted:
    """One row of planted.csv: the rule an audit should report, on exactly this subject."""

    rule: str
    subject_type: str
    subject_id: str
    detail: str

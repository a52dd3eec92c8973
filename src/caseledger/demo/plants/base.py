"""What a planted violation records, and the bookkeeping that keeps plants apart."""

from __future__ import annotations

from dataclasses import dataclass

from caseledger.demo import program_facts as pf

#: how far a planted fault goes past its limit, far enough that every reading of the limit (with
#: or without holidays, calendar or 30-day months) sees it
LATE_NOTE_BUSINESS_DAYS = pf.NOTE_SIGN_BUSINESS_DAYS + 4
LATE_FOLLOWUP_HOURS = pf.CSW_FOLLOWUP_HOURS + 12
SHORT_HALF_DAY_MINUTES = pf.SST_HALF_DAY_MINUTES - 30


@dataclass
class Planted:
    """One row of planted.csv: the rule an audit should report, on exactly this subject."""

    rule: str
    subject_type: str
    subject_id: str
    detail: str

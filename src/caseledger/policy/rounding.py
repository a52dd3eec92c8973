"""How documented minutes become billing units, for each rounding mode a pack may name.

- ``cms_8_minute``: a 15-minute unit needs at least 8 minutes; 8–22 minutes are 1 unit, 23–37 are
  2, 38–52 are 3, and so on (Medicare Claims Processing Manual, Pub. 100-04, ch. 5 §20.2). For
  several timed services on one day CMS counts the day's total minutes; the rule that applies the
  mode decides what minutes it passes in. Missouri's own rounding for CPR and CSTAR is not stated
  in a public text, so the packs mark this default UNCONFIRMED.
- ``cpt_midpoint``: a unit is reached once the midpoint of the unit is passed, code by code (CPT
  general time rule). For a 15-minute unit it counts the same as ``cms_8_minute``.
- ``whole_units``: only full units count (SST: one unit per full 180 minutes, seed
  000_970f1571fa3cbd2e.txt, Unit of service reimbursement rate).
- ``untimed``: one unit per session, whatever the time (0372T, seed 003_0576cd0998e3bd03.txt).
"""

from __future__ import annotations


def units_for_minutes(minutes: int, unit_minutes: int | None, mode: str) -> int:
    """The most units that ``minutes`` of documented time support under ``mode``."""
    if minutes < 0:
        raise ValueError(f"minutes must not be negative, got {minutes}")
    if mode == "untimed":
        return 1
    if unit_minutes is None or unit_minutes <= 0:
        raise ValueError(f"mode {mode!r} needs the minutes in one unit, got {unit_minutes!r}")
    if mode in ("cms_8_minute", "cpt_midpoint"):
        # The k-th unit is reached when minutes > (k - 1/2) * unit; in whole minutes that is
        # 2 * minutes >= (2k - 1) * unit + 1.
        return (2 * minutes - 1 + unit_minutes) // (2 * unit_minutes)
    if mode == "whole_units":
        return minutes // unit_minutes
    raise ValueError(f"unknown rounding mode {mode!r}")

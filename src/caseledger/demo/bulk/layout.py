"""The shape of a benchmark-sized agency, chosen so that a fixed grid of appointment slots fills the
period without anyone being double-booked.

Every professional works every business day in fixed slots, and each client holds fixed slots:

- psychosocial rehabilitation (CPR): a counselor has 24 clients in 4 cohorts of 6; a cohort is seen
  every fourth business day, one client per individual slot (6 a day), and on every other such day
  the cohort meets as a PSR group of up to 6 after the individual sessions;
- community support (SUD): the same grid of 24 clients, 6 a day, 15 to 60 minutes each;
- socialization skills training (SST): a direct-care worker has 10 weekly half-day positions
  (5 weekdays x morning/afternoon); a client holds one position for 20 weeks (under the 26
  half-day lifetime cap) and is then followed by a new client in that position;
- adaptive behavior (ABA): a technician has 5 clients, each with two three-hour 97153 sessions a
  week in distinct positions.

Clients never have two services at once (one program each; a CPR client's group starts after the
day's individual sessions), so the clean grid passes the overlap rules by construction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: share of encounters by program (a community agency's mix)
SHARES = {"cpr": 0.45, "sud": 0.25, "sst": 0.10, "aba": 0.20}
CPR_SLOTS = (8 * 60, 9 * 60 + 15, 10 * 60 + 30, 12 * 60 + 30, 13 * 60 + 45, 15 * 60)
CPR_GROUP = (16 * 60 + 15, 17 * 60 + 15)
CSW_SLOTS = (8 * 60 + 30, 9 * 60 + 45, 11 * 60, 13 * 60, 14 * 60 + 15, 15 * 60 + 30)
COHORTS = 4
COHORT_SIZE = 6
CASELOAD = COHORTS * COHORT_SIZE
HALF_DAYS = ((9 * 60, 12 * 60), (13 * 60, 16 * 60))
SST_POSITIONS = 10
SST_WEEKS_PER_CLIENT = 20
ABA_CLIENTS = 5
#: the chance a cohort member attends a PSR group
GROUP_ATTENDANCE = 0.85
#: staff per supervisor
DIRECT_CARE_PER_QHIP = 8
TECHNICIANS_PER_ANALYST = 8
WORKERS_PER_LEAD = 12


@dataclass(frozen=True)
class Layout:
    days: int
    weeks: int
    cpr_staff: int
    csw_staff: int
    direct_care: int
    technicians: int

    @classmethod
    def for_encounters(cls, encounters: int, days: int) -> Layout:
        """Staff counts whose slot grid yields about ``encounters`` over ``days`` business days."""
        per_day = {
            "cpr": len(CPR_SLOTS) + COHORT_SIZE * GROUP_ATTENDANCE / 2,
            "sud": len(CSW_SLOTS),
            "sst": len(HALF_DAYS),
            "aba": len(HALF_DAYS),
        }
        staff = {p: max(1, round(encounters * share / (per_day[p] * days)))
                 for p, share in SHARES.items()}  # fmt: skip
        return cls(days, days // 5 + 2, staff["cpr"], staff["sud"], staff["sst"], staff["aba"])

    # --- clients: one id range per program, in this order ----------------------------------------

    @property
    def sst_generations(self) -> int:
        # a position's clients over the period, staggered by up to two weeks per position
        return (self.weeks + 2 * SST_POSITIONS) // SST_WEEKS_PER_CLIENT + 1

    @property
    def cpr_clients(self) -> int:
        return self.cpr_staff * CASELOAD

    @property
    def sud_clients(self) -> int:
        return self.csw_staff * CASELOAD

    @property
    def sst_clients(self) -> int:
        return self.direct_care * SST_POSITIONS * self.sst_generations

    @property
    def aba_clients(self) -> int:
        return self.technicians * ABA_CLIENTS

    @property
    def client_base(self) -> dict[str, int]:
        base = {}
        n = 0
        for program, count in (("cpr", self.cpr_clients), ("sud", self.sud_clients),
                               ("sst", self.sst_clients), ("aba", self.aba_clients)):  # fmt: skip
            base[program] = n
            n += count
        return base

    @property
    def clients(self) -> int:
        return self.cpr_clients + self.sud_clients + self.sst_clients + self.aba_clients

    # --- staff -----------------------------------------------------------------------------------

    @property
    def qhips(self) -> int:
        return math.ceil(self.direct_care / DIRECT_CARE_PER_QHIP)

    @property
    def analysts(self) -> int:
        return math.ceil(self.technicians / TECHNICIANS_PER_ANALYST)

    @property
    def leads(self) -> int:
        return math.ceil(self.csw_staff / WORKERS_PER_LEAD)

    @property
    def staff_base(self) -> dict[str, int]:
        """Index of each role's first staff member (index 0 is the clinical director)."""
        base = {}
        n = 1
        for role, count in (("cpr", self.cpr_staff), ("sud_lead", self.leads),
                            ("csw", self.csw_staff), ("qhip", self.qhips),
                            ("direct_care", self.direct_care), ("bcba", self.analysts),
                            ("rbt", self.technicians)):  # fmt: skip
            base[role] = n
            n += count
        return base

    @property
    def staff(self) -> int:
        return 1 + sum((self.cpr_staff, self.leads, self.csw_staff, self.qhips, self.direct_care,
                        self.analysts, self.technicians))  # fmt: skip

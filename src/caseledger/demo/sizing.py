"""How many clients each program serves and how many staff that takes.

The mix is a community agency's: most clients in psychiatric rehabilitation or substance use
treatment (some in both), fewer in brain-injury socialization training and in adaptive behavior
treatment. Staffing follows caseloads, which gives roughly one staff member per ten clients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: clients per professional, by role (the agency's own staffing choices)
CPR_CASELOAD = 14
CSW_CASELOAD = 20
SST_CLIENTS_PER_DIRECT_CARE = 9
ABA_CLIENTS_PER_TECHNICIAN = 3
ABA_CLIENTS_PER_ANALYST = 12
#: direct-care staff a QHIP supervises in the clean roster, well under the seed 000 limit
DIRECT_CARE_PER_QHIP = 8


@dataclass(frozen=True)
class Sizing:
    aba: int
    sst: int
    cpr_only: int
    sud_only: int
    dual: int

    @classmethod
    def for_clients(cls, clients: int) -> Sizing:
        # the floors leave every program enough clients to carry its planted violations apart
        aba = max(10, round(clients * 0.12))
        sst = max(14, round(clients * 0.15))
        adults = clients - aba - sst
        dual = max(6, round(adults * 0.2))
        cpr_only = (adults - dual) // 2
        sud_only = adults - dual - cpr_only
        return cls(aba=aba, sst=sst, cpr_only=cpr_only, sud_only=sud_only, dual=dual)

    @property
    def cpr(self) -> int:
        return self.cpr_only + self.dual

    @property
    def sud(self) -> int:
        return self.sud_only + self.dual

    @property
    def cpr_staff(self) -> int:
        # four of them are the dated hires the staffing module describes
        return max(6, math.ceil(self.cpr / CPR_CASELOAD))

    @property
    def csw_staff(self) -> int:
        return max(3, math.ceil(self.sud / CSW_CASELOAD))

    @property
    def direct_care_staff(self) -> int:
        return max(4, math.ceil(self.sst / SST_CLIENTS_PER_DIRECT_CARE))

    @property
    def qhips(self) -> int:
        return max(2, math.ceil(self.direct_care_staff / DIRECT_CARE_PER_QHIP))

    @property
    def analysts(self) -> int:
        return max(2, math.ceil(self.aba / ABA_CLIENTS_PER_ANALYST))

    @property
    def technicians(self) -> int:
        return max(2, math.ceil(self.aba / ABA_CLIENTS_PER_TECHNICIAN))

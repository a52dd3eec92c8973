"""The demo agency and the certifications it holds (rules.md GEN-AGENCY-CERT, SST-CURRICULUM)."""

from __future__ import annotations

import datetime as dt

from caseledger.demo.calendar import ONE_DAY, Period, add_months, month_start
from caseledger.demo.identities import Identities
from caseledger.demo.model import Agency, Certification

AGENCY_ID = "A1"
AGENCY_NAME = "Prairie Bend Community Services"
#: the first year of the oldest certification, before any history the demo writes
CERTIFIED_SINCE = 2010


def build_agency(identities: Identities) -> Agency:
    street, town, zip_code = identities.address()
    return Agency(
        agency_id=AGENCY_ID,
        name=AGENCY_NAME,
        npi=identities.npi(),
        tax_id=f"00-{identities.rng.randrange(10**7):07d}",
        address_line=street,
        city=town,
        state="MO",
        zip=zip_code,
        # seed 000, provider requirements: a curriculum for typical TBI socialization problems
        has_sst_curriculum=True,
        # a number reserved for fiction (555-0100 to 555-0199): the demo calls nobody
        phone="573-555-0100",
    )


#: certification kind -> (years per cycle, where in the period the current cycle renews, 0..1)
CYCLES = {
    "dmh_cpr": (3, 0.35),
    "dmh_sud": (3, 0.55),
    "dhss_sst_agreement": (1, 0.45),
}


def renewal_day(period: Period, kind: str) -> dt.date:
    """The first day of the certification cycle that starts inside the period."""
    _, share = CYCLES[kind]
    return month_start(add_months(period.start, max(1, int(period.months * share))))


def build_certifications(period: Period) -> list[Certification]:
    """Back-to-back cycles of each certification from 2010 to well after the as-of date, so every
    date of service, history included, is covered; one cycle of each renews inside the period."""
    out: list[Certification] = []
    horizon = add_months(period.as_of, 24)
    for kind, (years, _) in CYCLES.items():
        renew = renewal_day(period, kind)
        start = renew
        while start.year > CERTIFIED_SINCE:
            start = add_months(start, -12 * years)
        while start <= horizon:
            end = add_months(start, 12 * years) - ONE_DAY
            out.append(Certification(AGENCY_ID, kind, start, end))
            start = end + ONE_DAY
    # being an organized brain-injury agency is a standing fact, not a renewed permit
    out.append(Certification(AGENCY_ID, "brain_injury_agency", dt.date(2005, 3, 1), None))
    return out

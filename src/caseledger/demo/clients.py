"""The people served: identities, program enrollments (episodes), diagnoses, other services.

An *episode* is one enrollment in one program together with what the generator needs to fill it
with services: the days services may fall on, the primary staff member, the goal domains of the
client's plan and, for SST, how many half-days to schedule. Some episodes are history: an SST
episode in the year before the period (so lifetime half-day counts start above zero) and, for a
few children, an adaptive behavior episode in 2018-2019, when 0372T was still in force and then
replaced (seed 003).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from caseledger.demo import program_facts as pf
from caseledger.demo.agency import AGENCY_ID
from caseledger.demo.calendar import Period, add_months, next_business_day
from caseledger.demo.identities import Identities
from caseledger.demo.model import Client, Diagnosis, Enrollment, OtherService
from caseledger.demo.options import Ids
from caseledger.demo.sizing import Sizing
from caseledger.demo.text import aba, cpr, sst, sud

#: billable (most specific) ICD-10-CM codes that fit each program
DIAGNOSES = {
    "cpr": ("F20.9", "F20.0", "F25.0", "F25.1", "F31.9", "F31.81", "F33.1", "F33.2", "F43.10"),
    "sud": ("F10.20", "F11.20", "F14.20", "F15.20", "F12.20", "F10.21"),
    "sst": ("S06.2X9S", "S06.9X9S", "S06.5X9S", "S06.2X0S", "S06.9X0S"),
    "aba": ("F84.0", "F84.9"),
}
#: a second diagnosis often recorded with a brain injury sequela
SST_SECONDARY = "F07.81"
#: CPR clients enrolled before the period and staying through it (one more than a PSR group holds)
SETTLED_CPR_CLIENTS = 10
#: the 2018-2019 adaptive behavior episode of the history cohort
ABA_HISTORY = (dt.date(2018, 1, 8), dt.date(2019, 6, 28))
#: most a clean SST client receives over a lifetime, well under the seed 000 cap of 26 and the
#: "three or fewer left" notice, so the clean data carries no SST-LIFETIME-NEAR either
SST_CLEAN_LIFETIME = pf.SST_LIFETIME_HALF_DAYS - pf.SST_NEAR_CAP_LEFT - 1


@dataclass
class Episode:
    client: Client
    program: str
    enrollment: Enrollment
    #: first and last day a service may fall on
    first: dt.date
    last: dt.date
    history: bool = False
    primary_id: str | None = None
    #: the second staff member: SST direct-care worker, ABA technician
    partner_id: str | None = None
    domains: list[str] = field(default_factory=list)
    goal_slots: dict[str, dict[str, str]] = field(default_factory=dict)
    #: SST: half-days to schedule in this episode, and whether the agency provides the ride
    half_days: int = 0
    transport: bool = False
    #: SST: "am" or "pm" half-day, as the plan's recommended schedule says
    session: str = "am"
    #: from this day on another staff member takes over the client (a new hire's caseload)
    handoff: tuple[dt.date, str] | None = None

    def staff_on(self, day: dt.date) -> str | None:
        if self.handoff is not None and day >= self.handoff[0]:
            return self.handoff[1]
        return self.primary_id


@dataclass
class Caseload:
    clients: list[Client] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    other_services: list[OtherService] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)

    def episodes_of(self, program: str) -> list[Episode]:
        return [e for e in self.episodes if e.program == program]


_FAMILY = {
    "aba": ("client's mother", "client's father", "client's grandmother"),
    "adult": ("client's mother", "client's sister", "client's husband", "client's wife"),
}


class _Builder:
    def __init__(self, ids: Ids, who: Identities, rng: random.Random, period: Period) -> None:
        self.ids = ids
        self.who = who
        self.rng = rng
        self.period = period
        self.out = Caseload()

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        span = max(0, (last - first).days)
        return next_business_day(first + dt.timedelta(days=self.rng.randint(0, span)))

    def client(self, programs: tuple[str, ...]) -> Client:
        rng = self.rng
        first, last, sex = self.who.person()
        if "aba" in programs:
            dob = self.who.birth_date(self.period.start, 6, 14)
        elif "sst" in programs:
            dob = self.who.birth_date(self.period.start, 23, 62)
        else:
            dob = self.who.birth_date(self.period.start, 19, 68)
        street, town, zip_code = self.who.address()
        family = rng.choice(_FAMILY["aba" if "aba" in programs else "adult"])
        if family == "client's husband" and sex == "M":
            family = "client's wife"
        elif family == "client's wife" and sex == "F":
            family = "client's husband"
        client = Client(
            client_id="",
            agency_id=AGENCY_ID,
            first_name=first,
            last_name=last,
            dob=dob,
            sex=sex,
            medicaid_id=self.who.medicaid_id(),
            address_line=street,
            city=town,
            state="MO",
            zip=zip_code,
            phone=self.who.phone(),
            has_other_transportation=rng.random() < 0.7,
            family_member=family,
        )
        return client

    def enroll(
        self,
        client: Client,
        program: str,
        start: dt.date,
        end: dt.date | None,
        funding: str,
        history: bool = False,
    ) -> Episode:
        enrollment = Enrollment(client.client_id, program, start, end, funding)
        self.out.enrollments.append(enrollment)
        first = start if history else max(start, self.period.start)
        last = end if end is not None else self.period.end
        if not history:
            last = min(last, self.period.end)
        episode = Episode(client, program, enrollment, first, last, history=history)
        self.out.episodes.append(episode)
        return episode

    def diagnose(self, client: Client, program: str, rank: int, before: dt.date) -> None:
        code = self.rng.choice(DIAGNOSES[program])
        since = before - dt.timedelta(days=self.rng.randint(10, 500))
        self.out.diagnoses.append(Diagnosis(client.client_id, code, rank, since, None))


def build_caseload(
    ids: Ids, who: Identities, rng: random.Random, period: Period, sizing: Sizing
) -> Caseload:
    b = _Builder(ids, who, rng, period)
    plan: list[tuple[str, ...]] = (
        [("aba",)] * sizing.aba
        + [("sst",)] * sizing.sst
        + [("cpr",)] * sizing.cpr_only
        + [("sud",)] * sizing.sud_only
        + [("cpr", "sud")] * sizing.dual
    )
    rng.shuffle(plan)
    days = (period.end - period.start).days
    aba_history_left = min(3, sizing.aba // 3)
    sud_seen = 0
    cpr_seen = 0
    adults = 0
    sst_prior_service_left = 1
    for programs in plan:
        client = b.client(programs)
        client.client_id = ids.new("C", 4)
        b.out.clients.append(client)
        # one CPR client in four, and one SUD-only client in four, is funded by DMH purchase of
        # service; the rest by MO HealthNet
        if "cpr" in programs:
            medicaid = cpr_seen % 4 != 1
        else:
            adults += "sud" in programs
            medicaid = adults % 4 != 1
        if not medicaid and "aba" not in programs:
            client.medicaid_id = ""
        funding = "mo_healthnet" if medicaid or "aba" in programs else "dmh_pos"
        end: dt.date | None
        if "cpr" in programs:
            # the first few are long-standing clients, so even a small agency has a full group
            settled = cpr_seen < SETTLED_CPR_CLIENTS
            cpr_seen += 1
            if settled or rng.random() < 0.7:
                start = period.start - dt.timedelta(days=rng.randint(60, 2000))
            else:
                start = b.day_between(
                    period.start, period.start + dt.timedelta(days=days * 7 // 10)
                )
            end = None
            if not settled and rng.random() < 0.1:
                end = b.day_between(max(start, period.start) + dt.timedelta(days=60), period.end)
                end = min(end, period.end)
            b.enroll(client, "cpr", start, end, funding)
            b.diagnose(client, "cpr", 1, start)
        if "sud" in programs:
            start, end = _sud_dates(b, period, sud_seen)
            sud_seen += 1
            b.enroll(client, "sud", start, end, funding)
            b.diagnose(client, "sud", 2 if "cpr" in programs else 1, start)
        if "sst" in programs:
            client.has_other_transportation = rng.random() < 0.6
            history = 0
            first_seen = period.start
            if rng.random() < 0.3:
                h_start = b.day_between(
                    add_months(period.start, -14), add_months(period.start, -11)
                )
                history = rng.randint(4, 8)
                h_end = h_start + dt.timedelta(days=7 * history + 10)
                h = b.enroll(client, "sst", h_start, h_end, "dhss", history=True)
                first_seen = h_start
                h.half_days = history
                h.transport = not client.has_other_transportation
            start = b.day_between(
                period.start, max(period.start, period.end - dt.timedelta(days=100))
            )
            weeks_left = max(4, (period.end - start).days // 7 - 1)
            count = min(SST_CLEAN_LIFETIME - history, rng.randint(8, 18), weeks_left)
            end = start + dt.timedelta(days=7 * count + 14)
            ep = b.enroll(client, "sst", start, None if end > period.end else end, "dhss")
            ep.half_days = count
            ep.transport = not client.has_other_transportation
            b.diagnose(client, "sst", 1, min(first_seen, start))
            if rng.random() < 0.4:
                b.out.diagnoses.append(
                    Diagnosis(
                        client.client_id, SST_SECONDARY, 2, start - dt.timedelta(days=90), None
                    )
                )
            if not history and sst_prior_service_left:
                # socialization training elsewhere that ended before this agency's started
                sst_prior_service_left -= 1
                b.out.other_services.append(
                    OtherService(
                        client.client_id,
                        "socialization_skills_training",
                        "state agency",
                        start - dt.timedelta(days=300),
                        start - dt.timedelta(days=40),
                    )
                )
            elif rng.random() < 0.25:
                service, through = rng.choice(
                    (
                        ("personal_care", "MO HealthNet program"),
                        ("vocational_rehabilitation", "state agency"),
                        ("adjustment_counseling", "another AHI service"),
                    )
                )
                b.out.other_services.append(
                    OtherService(
                        client.client_id, service, through, start - dt.timedelta(days=200), None
                    )
                )
        if "aba" in programs:
            if aba_history_left:
                # old enough to have been in services in 2018
                aba_history_left -= 1
                client.dob = who.birth_date(period.start, 11, 14)
                b.enroll(client, "aba", ABA_HISTORY[0], ABA_HISTORY[1], funding, history=True)
                b.diagnose(client, "aba", 1, ABA_HISTORY[0])
                start = period.start - dt.timedelta(days=rng.randint(30, 400))
            else:
                if rng.random() < 0.65:
                    start = period.start - dt.timedelta(days=rng.randint(30, 900))
                else:
                    start = b.day_between(
                        period.start, period.start + dt.timedelta(days=days * 6 // 10)
                    )
                b.diagnose(client, "aba", 1, start)
            b.enroll(client, "aba", start, None, funding)
        if "cpr" in programs and rng.random() < 0.1:
            b.out.other_services.append(
                OtherService(
                    client.client_id,
                    "supported_employment",
                    "Vocational Rehabilitation",
                    period.start - dt.timedelta(days=rng.randint(30, 400)),
                    None,
                )
            )
    for episode in b.out.episodes:
        choose_domains(episode, rng)
    return b.out


def _sud_dates(b: _Builder, period: Period, n: int) -> tuple[dt.date, dt.date | None]:
    """An SUD episode of three to nine months. The first few are placed so that even a small
    agency has admissions, a plan review and discharges inside the period."""
    rng = b.rng
    day = dt.timedelta(days=1)
    if n < 3:  # admitted during the first weeks
        start = b.day_between(period.start + 3 * day, period.start + 20 * day)
    elif n < 5:  # admitted two months before, discharged before the period ends
        start = b.day_between(period.start - 70 * day, period.start - 55 * day)
        return start, b.day_between(period.end - 30 * day, period.end - 14 * day)
    elif n < 6:  # plan review ninety days in, early in the period
        start = b.day_between(period.start - 85 * day, period.start - 75 * day)
    else:
        start = b.day_between(period.start - 120 * day, max(period.start, period.end - 45 * day))
    end: dt.date | None = start + rng.randint(90, 270) * day
    if end is not None and end > period.end:
        end = None
    return start, end


def choose_domains(episode: Episode, rng: random.Random) -> None:
    """The goal domains of the client's plans in this program, and their fixed slot values."""
    program = episode.program
    if program == "cpr":
        chosen = [d.name for d in cpr.CORE]
        chosen += [d.name for d in rng.sample(cpr.OPTIONAL, rng.randint(1, 2))]
        library = cpr.BY_NAME
    elif program == "sud":
        chosen = [d.name for d in sud.CORE]
        if rng.random() < 0.4:
            chosen.append("employment")
        chosen.append(rng.choice(sud.OPTIONAL).name)
        library = sud.BY_NAME
    elif program == "sst":
        chosen = [d.name for d in rng.sample(sst.CORE, 2)]
        if episode.transport:
            chosen.append("transit")
        library = sst.BY_NAME
    else:
        chosen = [d.name for d in aba.CORE]
        if rng.random() < 0.5:
            chosen.append(rng.choice(aba.OPTIONAL).name)
        library = aba.BY_NAME
    episode.domains = chosen
    episode.goal_slots = {name: library[name].draw_goal_slots(rng) for name in chosen}

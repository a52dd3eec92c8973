"""The demo agency's staff: who they are, their credentials and the trainings on file.

Roles (``Staff.role``):

- ``director``: clinical director (LCSW); supervises the CPR professionals, QHIPs and analysts.
- ``cpr``: LPC, LCSW, PLPC or PLCSW with specialized mental-health training, rendering
  psychosocial rehabilitation (seed 001, qualified staff), with the initial and six-month
  trainings of seed 001.
- ``sud_lead``: LPC supervising the community support workers and signing SUD treatment plans.
- ``csw``: community support worker (seed 002).
- ``qhip``: Qualified Head Injury Professional with a bachelor's degree in a field seed 000 names;
  leads didactic instruction, writes SST plans, supervises direct-care staff.
- ``direct_care``: SST direct-care worker: high school or equivalent, the six Primary Skills
  within six months of hire, continuing education every year (seed 000).
- ``bcba`` / ``rbt``: behavior analysts and registered behavior technicians for adaptive behavior
  treatment.

A few CPR hires are placed on purpose around the period, because the rules about them depend on
dates: one hired five months before the period (so the six-month training deadline falls inside
it), one hired during the period, and one whose six-month deadline falls just after the as-of date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from caseledger.demo import program_facts as pf
from caseledger.demo.agency import AGENCY_ID
from caseledger.demo.calendar import (
    ONE_DAY,
    Period,
    add_business_days,
    add_months,
    next_business_day,
)
from caseledger.demo.identities import Identities
from caseledger.demo.model import Credential, Staff, Training
from caseledger.demo.options import Ids
from caseledger.demo.sizing import Sizing

ROLES = ("director", "cpr", "sud_lead", "csw", "qhip", "direct_care", "bcba", "rbt")
#: days between the PSR trainings a staff member needs before serving and the first service
_CE_INTERVAL_DAYS = 90
_CE_HOURS = (Decimal("2.0"), Decimal("2.5"), Decimal("3.0"))


@dataclass
class Roster:
    staff: list[Staff] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    #: CPR hires placed on purpose (see the module docstring): "recent", "new", "due", "renewing"
    marked: dict[str, Staff] = field(default_factory=dict)

    def role(self, role: str) -> list[Staff]:
        return [s for s in self.staff if s.role == role]

    def by_id(self) -> dict[str, Staff]:
        return {s.staff_id: s for s in self.staff}


def active_on(staff: Staff, day: dt.date) -> bool:
    """Employed and past initial training on ``day``."""
    ready = staff.ready_on or staff.hire_date
    return ready <= day and (staff.end_date is None or day <= staff.end_date)


class _Builder:
    def __init__(
        self,
        ids: Ids,
        identities: Identities,
        rng: random.Random,
        period: Period,
        roster: Roster | None = None,
    ) -> None:
        self.ids = ids
        self.who = identities
        self.rng = rng
        self.period = period
        self.roster = roster if roster is not None else Roster()

    def person(
        self,
        role: str,
        hire: dt.date,
        education: str,
        degree: str | None,
        end: dt.date | None = None,
    ) -> Staff:
        first, last, _ = self.who.person()
        hire = next_business_day(hire)
        staff = Staff(
            staff_id=self.ids.new("S", 3),
            agency_id=AGENCY_ID,
            first_name=first,
            last_name=last,
            npi=self.who.npi(),
            hire_date=hire,
            end_date=end,
            education=education,
            degree_field=degree,
            supervisor_id=None,
            role=role,
            ready_on=add_business_days(hire, 5),
        )
        self.roster.staff.append(staff)
        return staff

    def credential(
        self, staff: Staff, kind: str, start: dt.date, end: dt.date | None, numbered: bool = True
    ) -> None:
        number = self.who.license_number(start.year) if numbered else None
        self.roster.credentials.append(
            Credential(staff.staff_id, kind, number, "MO" if numbered else None, start, end)
        )

    def train(self, staff: Staff, topic: str, hours: Decimal, on: dt.date) -> None:
        self.roster.trainings.append(Training(staff.staff_id, topic, hours, on))

    def random_day(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randrange(max(1, (last - first).days)))

    # --- CPR -----------------------------------------------------------------------------------

    def cpr_professional(self, hire: dt.date, license_kind: str, mark: str = "") -> Staff:
        degree = "Social Work" if license_kind in ("lcsw", "plcsw") else "Counseling"
        staff = self.person("cpr", hire, "master", degree)
        horizon = add_months(self.period.as_of, 30)
        licensed = staff.hire_date - dt.timedelta(days=self.rng.randrange(30, 900))
        if license_kind.startswith("p"):
            licensed = staff.hire_date - dt.timedelta(days=self.rng.randrange(10, 60))
        self.credential(staff, license_kind, licensed, horizon)
        self.credential(
            staff,
            "mh_specialized_training",
            staff.hire_date - dt.timedelta(days=self.rng.randrange(0, 400)),
            None,
            numbered=False,
        )
        self.cpr_trainings(staff, waive=not mark and self.rng.random() < 0.5)
        if mark:
            self.roster.marked[mark] = staff
        return staff

    def cpr_trainings(self, staff: Staff, waive: bool) -> None:
        """Initial trainings in the first days (seed 001: before serving), the ten six-month topics
        within about five months of hire, some waived on documented prior training."""
        hire = staff.hire_date
        orientation = add_business_days(hire, self.rng.randrange(1, 4))
        documentation = add_business_days(hire, self.rng.randrange(2, 6))
        self.train(staff, "cpr_orientation", Decimal(6), orientation)
        self.train(staff, "documentation_medicaid_compliance", Decimal(3), documentation)
        staff.ready_on = add_business_days(max(orientation, documentation), 1)
        waived = set(self.rng.sample(sorted(pf.PSR_SIX_MONTH_HOURS), 2)) if waive else set()
        for topic, hours in pf.PSR_SIX_MONTH_HOURS.items():
            if topic in waived:
                self.roster.trainings.append(
                    Training(
                        staff.staff_id,
                        topic,
                        hours,
                        add_business_days(hire, 1),
                        waived=True,
                        waiver_note=(
                            f"Prior training documented in the personnel file: {hours} h course "
                            f"with a previous employer in {hire.year - 1}."
                        ),
                    )
                )
                continue
            extra = Decimal("0.5") if self.rng.random() < 0.2 else Decimal(0)
            done = add_business_days(hire, self.rng.randrange(15, 105))
            self.train(staff, topic, hours + extra, done)

    # --- SST -----------------------------------------------------------------------------------

    def sst_trainings(self, staff: Staff, primary: bool) -> None:
        """Primary Skills within about four months of hire (seed 000 allows six) and continuing
        education every ~90 days, so any twelve months hold at least three sessions (>= 6 h)."""
        hire = staff.hire_date
        if primary:
            for topic in pf.SST_PRIMARY_SKILLS_TOPICS:
                hours = Decimal(self.rng.choice((2, 3, 4)))
                self.train(staff, topic, hours, add_business_days(hire, self.rng.randrange(5, 80)))
        last_day = min(self.period.as_of, staff.end_date or self.period.as_of)
        day = hire + dt.timedelta(days=45 + self.rng.randrange(20))
        while day <= last_day:
            self.train(staff, "continuing_education", self.rng.choice(_CE_HOURS), day)
            day += dt.timedelta(days=_CE_INTERVAL_DAYS + self.rng.randrange(-7, 8))


def build_roster(
    ids: Ids, identities: Identities, rng: random.Random, period: Period, sizing: Sizing
) -> Roster:
    b = _Builder(ids, identities, rng, period)
    start = period.start
    horizon = add_months(period.as_of, 30)

    director = b.person("director", dt.date(2012, 3, 5), "master", "Social Work")
    b.credential(director, "lcsw", dt.date(2008, 6, 1), horizon)
    b.credential(director, "mh_specialized_training", dt.date(2010, 9, 1), None, numbered=False)

    # CPR professionals: the three dated hires first, one renewing a provisional license
    cpr = [
        b.cpr_professional(add_months(start, -5), "plpc", "recent"),
        b.cpr_professional(add_months(start, max(1, period.months // 4)), "lcsw", "new"),
        b.cpr_professional(
            add_months(period.as_of + dt.timedelta(days=20), -pf.PSR_SIX_MONTH_LIMIT_MONTHS),
            "plcsw",
            "due",
        ),
    ]
    renewing = b.cpr_professional(add_months(start, -20), "plpc", "renewing")
    # the provisional license ends and the full license starts the next day, inside the period
    switch = add_months(start, max(1, period.months // 2))
    for cred in b.roster.credentials:
        if cred.staff_id == renewing.staff_id and cred.kind == "plpc":
            cred.end_date = switch - ONE_DAY
    b.credential(renewing, "lpc", switch, horizon)
    cpr.append(renewing)
    for _ in range(sizing.cpr_staff - len(cpr)):
        hire = b.random_day(add_months(start, -132), add_months(start, -14))
        cpr.append(b.cpr_professional(hire, rng.choice(("lpc", "lpc", "lcsw"))))
    for s in cpr:
        s.supervisor_id = director.staff_id

    lead = b.person("sud_lead", dt.date(2014, 8, 4), "master", "Counseling")
    lead.supervisor_id = director.staff_id
    b.credential(lead, "lpc", dt.date(2011, 5, 1), horizon)
    for i in range(sizing.csw_staff):
        hire = add_months(start, -1) if i == 0 else b.random_day(add_months(start, -108), start)
        if i != 0:
            hire = min(hire, add_months(start, -3))
        degree = rng.choice(("Psychology", "Human Services", "Sociology"))
        csw = b.person("csw", hire, "bachelor", degree)
        csw.supervisor_id = lead.staff_id
        b.credential(csw, "csw", csw.hire_date, None, numbered=False)

    qhips = []
    for i in range(sizing.qhips):
        # on the job well before any SST history the demo writes
        hire = b.random_day(add_months(start, -144), add_months(start, -60))
        level = "master" if i % 3 == 2 else "bachelor"
        q = b.person("qhip", hire, level, pf.QHIP_DEGREE_FIELDS[(i * 2 + 1) % 6])
        q.supervisor_id = director.staff_id
        b.credential(q, "qhip", q.hire_date - dt.timedelta(days=rng.randrange(0, 700)), None)
        b.sst_trainings(q, primary=False)
        qhips.append(q)
    for i in range(sizing.direct_care_staff):
        end = None
        if i == 0:  # leaves half-way through the period; replaced by i == 1
            hire = add_months(start, -69)
            end = add_months(start, max(1, period.months // 2))
        elif i == 1:
            hire = add_months(start, max(1, int(period.months * 0.4)))
        else:
            hire = b.random_day(add_months(start, -96), add_months(start, -16))
        education = rng.choice(("high_school", "high_school", "ged", "associate", "bachelor"))
        field_of_study = {"associate": "Human Services", "bachelor": "Communications"}
        dc = b.person("direct_care", hire, education, field_of_study.get(education), end)
        dc.supervisor_id = qhips[i % len(qhips)].staff_id
        b.sst_trainings(dc, primary=True)

    analysts = []
    for i in range(sizing.analysts):
        hire = (
            dt.date(2015, 6, 1)
            if i == 0
            else b.random_day(add_months(start, -72), add_months(start, -6))
        )
        a = b.person("bcba", hire, "master", "Applied Behavior Analysis")
        a.supervisor_id = director.staff_id
        b.credential(a, "bcba", a.hire_date - dt.timedelta(days=rng.randrange(30, 500)), None)
        analysts.append(a)
    history_end = dt.date(2020, 8, 31)
    for i in range(sizing.technicians + 2):
        if i < 2:  # technicians of the 2019 history, gone since
            hire, end = dt.date(2018, 6, 4), history_end
        else:
            hire, end = b.random_day(add_months(start, -48), add_months(start, -4)), None
        t = b.person("rbt", hire, rng.choice(("high_school", "bachelor")), None, end)
        if t.education == "bachelor":
            t.degree_field = "Psychology"
        t.supervisor_id = analysts[0 if i < 2 else i % len(analysts)].staff_id
        b.credential(t, "rbt", t.hire_date + dt.timedelta(days=10), end)
    return b.roster


def add_direct_care(
    roster: Roster,
    ids: Ids,
    rng: random.Random,
    period: Period,
    *,
    hire: dt.date,
    supervisor_id: str,
    education: str = "high_school",
    primary_skills: tuple[str, ...] = pf.SST_PRIMARY_SKILLS_TOPICS,
    continuing_education: bool = True,
) -> Staff:
    """One more SST direct-care worker on ``roster``, trained as told (used by planted
    violations that need a worker with a particular gap)."""
    b = _Builder(ids, Identities(rng), rng, period, roster)
    staff = b.person("direct_care", hire, education, None)
    staff.supervisor_id = supervisor_id
    for topic in primary_skills:
        b.train(staff, topic, Decimal(3), add_business_days(staff.hire_date, rng.randrange(5, 80)))
    if continuing_education:
        b.sst_trainings(staff, primary=False)
    return staff

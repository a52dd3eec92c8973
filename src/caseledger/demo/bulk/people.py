"""The benchmark agency's people and paperwork: staff with credentials and trainings (a few
thousand rows, built record by record), and the client-level tables (built column by column with
numpy, one row per client or per client and month)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from caseledger.demo import program_facts as pf
from caseledger.demo.agency import AGENCY_ID
from caseledger.demo.bulk import arrays
from caseledger.demo.bulk import words as w
from caseledger.demo.bulk.layout import Layout
from caseledger.demo.calendar import ONE_DAY, Period, add_business_days, add_months
from caseledger.demo.clients import DIAGNOSES
from caseledger.demo.identities import (
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    TOWNS,
    npi_with_check_digit,
)
from caseledger.demo.model import Credential, Staff, Training, rows
from caseledger.facts.arrow import to_arrow

ROLE_DEGREES = {
    "director": ("master", "Social Work"),
    "cpr": ("master", "Counseling"),
    "sud_lead": ("master", "Counseling"),
    "csw": ("bachelor", "Psychology"),
    "qhip": ("bachelor", "Psychology"),
    "direct_care": ("high_school", None),
    "bcba": ("master", "Applied Behavior Analysis"),
    "rbt": ("high_school", None),
}
_SURNAMES = ("Ashford", "Bramley", "Caldwick", "Dunmore", "Elmcrest", "Fenholt", "Garfield",
             "Holtby", "Ketley", "Lindmere", "Marworth", "Norcombe")  # fmt: skip
BATCH = 100_000


def staff_id(index: int) -> str:
    return f"S{index:06d}"


def client_ids(numbers: arrays.Int) -> Any:
    return arrays.ids("C", numbers, 7)


class Staffing:
    """Every staff member, hired at least 400 days before the period, fully trained."""

    def __init__(self, layout: Layout, period: Period) -> None:
        self.layout = layout
        self.period = period

    def hire_date(self, index: int) -> dt.date:
        return self.period.start - dt.timedelta(days=400 + (index * 37) % 1500)

    def roles(self) -> Iterator[tuple[int, str, str | None]]:
        """(index, role, supervisor id) for everyone."""
        yield 0, "director", None
        base = self.layout.staff_base
        lay = self.layout
        counts = {"cpr": lay.cpr_staff, "sud_lead": lay.leads, "csw": lay.csw_staff,
                  "qhip": lay.qhips, "direct_care": lay.direct_care, "bcba": lay.analysts,
                  "rbt": lay.technicians}  # fmt: skip
        boss = {
            "cpr": lambda i: staff_id(0),
            "sud_lead": lambda i: staff_id(0),
            "csw": lambda i: staff_id(base["sud_lead"] + i // 12),
            "qhip": lambda i: staff_id(0),
            "direct_care": lambda i: staff_id(base["qhip"] + i // 8),
            "bcba": lambda i: staff_id(0),
            "rbt": lambda i: staff_id(base["bcba"] + i // 8),
        }
        for role, count in counts.items():
            for i in range(count):
                yield base[role] + i, role, boss[role](i)

    def tables(self) -> Iterator[tuple[str, Any]]:
        staff: list[Staff] = []
        creds: list[Credential] = []
        trainings: list[Training] = []
        horizon = add_months(self.period.as_of, 24)
        for index, role, boss in self.roles():
            sid = staff_id(index)
            hire = self.hire_date(index)
            education, degree = ROLE_DEGREES[role]
            female = index % 2 == 0
            first = (FIRST_NAMES_F if female else FIRST_NAMES_M)[index % 30]
            staff.append(Staff(sid, AGENCY_ID, first, _SURNAMES[index % len(_SURNAMES)],
                               npi_with_check_digit(f"1{index:08d}"), hire, None, education,
                               degree, boss, role))  # fmt: skip
            number = f"{hire.year}{index:06d}"
            if role in ("director", "cpr", "sud_lead"):
                kind = "lcsw" if role == "director" else "lpc"
                creds.append(Credential(sid, kind, number, "MO", hire - 300 * ONE_DAY, horizon))
                creds.append(Credential(sid, "mh_specialized_training", None, None,
                                        hire - 30 * ONE_DAY, None))  # fmt: skip
            if role == "cpr":
                trainings.append(Training(sid, "cpr_orientation", Decimal(6),
                                          add_business_days(hire, 1)))  # fmt: skip
                trainings.append(Training(sid, "documentation_medicaid_compliance", Decimal(3),
                                          add_business_days(hire, 2)))  # fmt: skip
                for n, (topic, hours) in enumerate(pf.PSR_SIX_MONTH_HOURS.items()):
                    trainings.append(Training(sid, topic, hours,
                                              add_business_days(hire, 10 + 7 * n)))  # fmt: skip
            if role == "csw":
                creds.append(Credential(sid, "csw", None, None, hire, None))
            if role == "qhip":
                creds.append(Credential(sid, "qhip", number, "MO", hire - 200 * ONE_DAY, None))
            if role in ("bcba", "rbt"):
                creds.append(Credential(sid, role, number, None, hire, None))
            if role == "direct_care":
                for n, topic in enumerate(pf.SST_PRIMARY_SKILLS_TOPICS):
                    trainings.append(Training(sid, topic, Decimal(3),
                                              add_business_days(hire, 5 + 5 * n)))  # fmt: skip
            if role in ("direct_care", "qhip"):
                day = hire + 45 * ONE_DAY
                while day <= self.period.as_of:
                    trainings.append(Training(sid, "continuing_education", Decimal("2.5"), day))
                    day += 90 * ONE_DAY
        yield "staff", to_arrow("staff", rows("staff", staff))
        yield "staff_credentials", to_arrow("staff_credentials", rows("staff_credentials", creds))
        yield "staff_trainings", to_arrow("staff_trainings", rows("staff_trainings", trainings))


def program_of(layout: Layout, numbers: arrays.Int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """0 cpr, 1 sud, 2 sst, 3 aba for each client number."""
    base = layout.client_base
    edges = np.array([base["sud"], base["sst"], base["aba"]])
    return np.searchsorted(edges, numbers, side="right").astype(np.int64)


def medicaid(numbers: arrays.Int) -> arrays.Mask:
    """Three clients in four are MO HealthNet members; the rest are DMH purchase of service."""
    return np.asarray(((numbers * 2654435761) >> 7) % 4 != 0, dtype=bool)


PROGRAMS = ("cpr", "sud", "sst", "aba")


class Clients:
    """Client-level tables from per-client facts gathered while the encounters streamed."""

    def __init__(
        self,
        layout: Layout,
        period: Period,
        first_day: arrays.Int,
        last_day: arrays.Int,
        units: arrays.Int,
        sst_months: arrays.Int,
    ) -> None:
        self.layout = layout
        self.period = period
        self.first_day = first_day
        self.last_day = last_day
        self.units = units
        self.sst_months = sst_months
        self.start = arrays.epoch_days(period.start)
        self.end = arrays.epoch_days(period.end)

    def batches(self) -> Iterator[arrays.Int]:
        total = self.layout.clients
        for first in range(0, total, BATCH):
            yield np.arange(first, min(total, first + BATCH), dtype=np.int64)

    def window(self, n: arrays.Int) -> tuple[arrays.Int, arrays.Int, arrays.Mask]:
        """Enrollment start, end and whether the end is known: ongoing programs started before
        the period; an SST episode spans its sessions with a week either side."""
        program = program_of(self.layout, n)
        sst = program == 2
        start = self.start - 30 - (n * 7919) % 270
        start = np.where(sst, self.first_day[n] - 7, start)
        end = np.where(sst, self.last_day[n] + 7, 0)
        ended = sst & (end <= self.end)
        return start, end, ended

    def tables(self) -> Iterator[tuple[str, Any]]:
        for n in self.batches():
            program = program_of(self.layout, n)
            served = self.first_day[n] <= self.last_day[n]
            n, program = n[served], program[served]
            if not len(n):
                continue
            ids = client_ids(n)
            start, end, ended = self.window(n)
            yield "clients", self._clients(n, ids, program)
            yield "enrollments", self._enrollments(n, ids, program, start, end, ended)
            yield "diagnoses", pa.table({
                "client_id": ids,
                "icd10": arrays.pick(
                    [c for p in PROGRAMS for c in DIAGNOSES[p][:2]], program * 2 + n % 2
                ),
                "rank": pa.array(np.ones(len(n), dtype=np.int64)),
                "start_date": arrays.dates(start - 60),
                "end_date": arrays.nulls(pa.date32(), len(n)),
            })  # fmt: skip
            yield from self._plans(n, ids, program, start, end, ended)
            yield "authorizations", self._authorizations(n, ids, program, start, end)

    def _clients(self, n: arrays.Int, ids: Any, program: arrays.Int) -> Any:
        female = n % 2 == 0
        first = np.where(female, n % 30, 30 + n % 30)
        age_days = np.where(program == 3, 3000 + n % 2500, 8000 + n % 14000)
        town = n % len(TOWNS)
        return pa.table({
            "client_id": ids,
            "agency_id": arrays.pick([AGENCY_ID], np.zeros(len(n), dtype=np.int64)),
            "first_name": arrays.pick([*FIRST_NAMES_F, *FIRST_NAMES_M], first),
            "last_name": arrays.pick(list(_SURNAMES), (n // 7) % len(_SURNAMES)),
            "dob": arrays.dates(self.start - age_days),
            "sex": arrays.pick(["F", "M"], np.where(female, 0, 1)),
            "medicaid_id": arrays.ids("90", (n * 104729) % 10**6, 6),
            "address_line": arrays.ids("", 100 + n % 9800, 1),
            "city": arrays.pick([t for t, _ in TOWNS], town),
            "state": arrays.pick(["MO"], np.zeros(len(n), dtype=np.int64)),
            "zip": arrays.pick([z for _, z in TOWNS], town),
            "phone": arrays.ids("573-555-01", n % 100, 2),
            "has_other_transportation": arrays.booleans(np.ones(len(n), dtype=bool)),
        })  # fmt: skip

    def _enrollments(
        self, n: arrays.Int, ids: Any, program: arrays.Int, start: arrays.Int, end: arrays.Int,
        ended: arrays.Mask,
    ) -> Any:  # fmt: skip
        sst = program == 2
        funding = np.where(sst, 2, np.where(medicaid(n) | (program == 3), 0, 1))
        return pa.table({
            "client_id": ids,
            "program": arrays.pick(list(PROGRAMS), program),
            "start_date": arrays.dates(start),
            "end_date": arrays.dates(end, ended),
            "funding": arrays.pick(["mo_healthnet", "dmh_pos", "dhss"], funding),
            "referral_behaviors": arrays.pick([None, w.REFERRAL], sst.astype(np.int64)),
            "referral_interest": arrays.booleans(sst, sst),
            "referral_ability": arrays.booleans(sst, sst),
        })  # fmt: skip

    def _plans(
        self, n: arrays.Int, ids: Any, program: arrays.Int, start: arrays.Int, end: arrays.Int,
        ended: arrays.Mask,
    ) -> Iterator[tuple[str, Any]]:  # fmt: skip
        base = self.layout.staff_base
        lay = self.layout
        local = n - np.array([lay.client_base[p] for p in PROGRAMS])[program]
        signer = np.select(
            [program == 0, program == 1, program == 2],
            [base["cpr"] + local // 24, base["sud_lead"] + local // 24 // 12,
             base["qhip"] + local // (10 * lay.sst_generations) // 8],
            base["bcba"] + local // 5 // 8,
        )  # fmt: skip
        plan_ids = arrays.ids("P", n, 7)
        sst = program == 2
        table = {
            "plan_id": plan_ids,
            "client_id": ids,
            "program": arrays.pick(list(PROGRAMS), program),
            "kind": arrays.pick(
                ["rehabilitation", "treatment", "intervention", "treatment"], program
            ),
            "start_date": arrays.dates(start),
            "end_date": arrays.dates(end, ended),
            "signed_by": arrays.ids("S", signer, 6),
            "signed_on": arrays.dates(start),
        }
        for name, text in w.SST_PLAN.items():
            table[name] = arrays.pick([None, text], sst.astype(np.int64))
        considered = program != 3
        table["employment_considered"] = arrays.booleans(considered, considered)
        yield "plans", pa.table(table)
        for goal in (0, 1):
            texts = [w.GOALS[p][goal] for p in PROGRAMS]
            yield "plan_goals", pa.table({
                "plan_id": plan_ids,
                "goal_id": arrays.pick([f"G{goal + 1}"], np.zeros(len(n), dtype=np.int64)),
                "text": arrays.pick(texts, program),
            })  # fmt: skip

    def _authorizations(
        self, n: arrays.Int, ids: Any, program: arrays.Int, start: arrays.Int, end: arrays.Int
    ) -> Any:
        needs = program >= 2
        n, ids_needed = n[needs], ids.filter(pa.array(needs))
        program, start = program[needs], start[needs]
        sst = program == 2
        return pa.table({
            "authorization_id": arrays.ids("PA", n, 7),
            "client_id": ids_needed,
            "kind": arrays.pick(["service"], np.zeros(len(n), dtype=np.int64)),
            "service_code": arrays.pick(["SST", "97153"], np.where(sst, 0, 1)),
            "units": pa.array(self.units[n] + np.where(sst, 2, 12)),
            "start_date": arrays.dates(np.where(sst, start, self.start)),
            "end_date": arrays.dates(np.where(sst, self.last_day[n] + 7, self.end)),
            "number": arrays.ids("2025-", n, 7),
        })  # fmt: skip

    def reports(self) -> Iterator[tuple[str, Any]]:
        """One SST progress report per client and month of services, sent on the 6th of the
        following month (seed 000: by the end of the following month)."""
        keys = self.sst_months
        for first in range(0, len(keys), BATCH):
            part = keys[first : first + BATCH]
            client, month = part // 100_000, part % 100_000
            month_day = np.array([arrays.epoch_days(_month(m)) for m in month], dtype=np.int64)
            sent = np.array([arrays.epoch_days(add_months(_month(m), 1) + 5 * ONE_DAY)
                             for m in month], dtype=np.int64)  # fmt: skip
            table = {
                "report_id": arrays.ids("R", np.arange(first, first + len(part)), 8),
                "client_id": client_ids(client),
                "month": arrays.dates(month_day),
                "sent_on": arrays.dates(sent),
                "sent_to": arrays.pick(
                    ["AHI service coordinator, Central Region"], np.zeros(len(part), dtype=np.int64)
                ),
            }
            for name, text in w.SST_REPORT.items():
                table[name] = arrays.pick([text], np.zeros(len(part), dtype=np.int64))
            yield "progress_reports", pa.table(table)


def _month(index: int) -> dt.date:
    """The first day of month ``index`` (months since year 0)."""
    return dt.date(index // 12, index % 12 + 1, 1)

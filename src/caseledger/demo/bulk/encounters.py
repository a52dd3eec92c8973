"""Encounters of the benchmark agency, generated a block of days at a time with numpy.

Each block fills the slot grid of ``layout`` for its days: one row per (day, staff member, slot),
so a block's rows are made by broadcasting, never by a Python loop per row. Planted violations
(unless clean) change about 3% of the rows in place and are listed with the rule each breaks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caseledger.demo import program_facts as pf
from caseledger.demo.bulk import arrays
from caseledger.demo.bulk import words as w
from caseledger.demo.bulk.layout import (
    ABA_CLIENTS,
    CASELOAD,
    COHORT_SIZE,
    COHORTS,
    CPR_GROUP,
    CPR_SLOTS,
    CSW_SLOTS,
    GROUP_ATTENDANCE,
    HALF_DAYS,
    SST_POSITIONS,
    SST_WEEKS_PER_CLIENT,
    Layout,
)
from caseledger.demo.bulk.people import medicaid
from caseledger.demo.calendar import business_days
from caseledger.demo.plants.base import LATE_NOTE_BUSINESS_DAYS, SHORT_HALF_DAY_MINUTES

#: the service lines of the grid (and of the planted faults), by index
CODES: list[tuple[str, tuple[str, ...]]] = [
    ("H2017", ("HO",)),
    ("H2017", ("HO", "HQ")),
    ("H2017P", ()),
    ("H2017S", ()),
    ("CSW", ()),
    ("SST", ()),
    ("97153", ()),
    ("H2071", ("HO",)),
]
H2017HO, H2017HOHQ, H2017P, H2017S, CSW, SST, ABA, UNKNOWN = range(len(CODES))
RATE_CENTS = np.array([2036, 509, 1772, 443, -1, 6900, -1, 2036], dtype=np.int64)
PROGRAM_OF_CODE = ["cpr", "cpr", "cpr", "cpr", "sud", "sst", "aba", ""]
PLACES = ["facility", "community", "home", "telephone", "text"]
FACILITY, COMMUNITY, HOME, TELEPHONE, TEXT = range(len(PLACES))
ACTIVITIES: list[str | None] = [
    None, "arranging_services", "coordination", "life_skills_training", "community_practice",
    "transport_appointment", "orientation", "education",
]  # fmt: skip
(NO_ACTIVITY, ARRANGING, COORDINATION, LIFE_SKILLS, PRACTICE, TRANSPORT, ORIENTATION,
 EDUCATION) = range(len(ACTIVITIES))  # fmt: skip
GOALS: list[tuple[str, ...]] = [("G1",), ("G2",), ()]

# every note text the grid writes, by index
NOTES: list[str | None] = [None]
NOTE_INDEX: dict[tuple[str, str, int], list[int]] = {}
for _key, _texts in w.NOTES.items():
    NOTE_INDEX[_key] = list(range(len(NOTES), len(NOTES) + len(_texts)))
    NOTES.extend(_texts)
_PLANTED_NOTES = {}
for _name in ("DROVE", "TOUR", "VAGUE", "UNTIED", "TEXTED", "ARRANGED_FOR",
              "GENERAL_INFORMATION", "MIXED", "GENERIC"):  # fmt: skip
    _PLANTED_NOTES[_name] = len(NOTES)
    NOTES.append(getattr(w, _name))

#: planted faults: name -> (rules broken, detail)
PLANTS: list[tuple[str, tuple[str, ...], str]] = [
    ("units", ("GEN-UNITS-EXCEED-TIME",), "one unit more than the documented time supports"),
    ("rate", ("GEN-RATE",), "charged a superseded fee"),
    ("unsigned", ("GEN-NOTE-UNSIGNED",), "note never signed"),
    ("late", ("GEN-NOTE-LATE",), "note signed well past 5 business days after the service"),
    ("no_time", ("GEN-TIME-MISSING",), "no start or end time"),
    ("hq", ("GEN-MODIFIER-MISMATCH",), "individual session billed HO;HQ"),
    ("unknown", ("GEN-CODE-UNKNOWN",), "H2071: digits swapped in H2017"),
    ("goal_link", ("GEN-PLAN-GOAL-LINK",), "note names and addresses no goal"),
    ("no_note", ("GEN-NOTE-MISSING",), "billed without a note"),
    ("funding", ("GEN-FUNDING-CODE",), "MO HealthNet code for a purchase-of-service client"),
    ("vague", ("CSW-VAGUE-TERMS",), "assisted, advocated, accompanied"),
    ("texted", ("CSW-NOT-VERBAL",), "text message billed"),
    ("drove", ("CSW-NONBILLABLE",), "CSW drove client to a meeting"),
    ("arranged", ("CSW-SELF-RELIANCE",), "arranged for the client, no skill building"),
    ("general", ("CSW-GROUP-SUITABLE",), "general information better given in a group"),
    ("tour", ("CSW-EXCLUDED-SERVICE",), "tour and intake paperwork"),
    ("mixed", ("CSW-MIXED-NOTE", "CSW-NONBILLABLE"), "chart review in a billed note"),
    ("untied", ("CSW-GOAL-TIE", "GEN-PLAN-GOAL-LINK"), "coffee and a walk, tied to nothing"),
    ("short", ("SST-UNIT-HALF-DAY",), "too few minutes for a three-hour half-day"),
]
PLANT_INDEX = {name: i for i, (name, _, _) in enumerate(PLANTS)}
#: which faults each kind of line may carry
_APPLICABLE = {
    "mhd": ("units", "rate", "unsigned", "late", "no_time", "hq", "unknown", "goal_link",
            "no_note"),
    "pos": ("funding", "late", "unsigned"),
    "csw": ("vague", "texted", "drove", "arranged", "general", "tour", "mixed", "untied", "late",
            "unsigned"),
    "sst": ("short", "late"),
    "aba": ("late", "unsigned"),
}  # fmt: skip
PLANT_RATE = 0.03
OLD_FEE_CENTS = 1984
MISSED_RATE = 0.03
#: unanswered no-shows among the planted ones (CSW-MISSED-FOLLOWUP)
UNANSWERED_RATE = 0.05


class Calendar:
    """The period's business days as epoch-day numbers, with what the grid needs of each."""

    def __init__(self, first: dt.date, last: dt.date, as_of: dt.date) -> None:
        days = business_days(first, last)
        signing = business_days(first, as_of + dt.timedelta(days=30))
        self.days = np.array([arrays.epoch_days(d) for d in days], dtype=np.int64)
        self.signing = np.array([arrays.epoch_days(d) for d in signing], dtype=np.int64)
        self.weekday = np.array([d.weekday() for d in days], dtype=np.int64)
        monday = first - dt.timedelta(days=first.weekday())
        self.week = np.array([(d - monday).days // 7 for d in days], dtype=np.int64)
        self.month = np.array([d.year * 12 + d.month - 1 for d in days], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.days)


@dataclass
class Block:
    """The raw columns of a block's encounters (numpy), before ids and Arrow types."""

    day: list[Any] = field(default_factory=list)
    client: list[Any] = field(default_factory=list)
    staff: list[Any] = field(default_factory=list)
    code: list[Any] = field(default_factory=list)
    start: list[Any] = field(default_factory=list)
    end: list[Any] = field(default_factory=list)
    units: list[Any] = field(default_factory=list)
    place: list[Any] = field(default_factory=list)
    group: list[Any] = field(default_factory=list)
    activity: list[Any] = field(default_factory=list)
    goal: list[Any] = field(default_factory=list)
    note: list[Any] = field(default_factory=list)
    sign: list[Any] = field(default_factory=list)
    kind: list[Any] = field(default_factory=list)

    def add(self, **columns: Any) -> None:
        """Appends rows; a scalar stands for the same value on every row."""
        size = len(columns["client"])
        for name in self.__dataclass_fields__:
            value = columns[name]
            if np.isscalar(value):
                part = np.full(size, value, dtype=np.int64)
            else:
                part = np.asarray(value, dtype=np.int64)
            getattr(self, name).append(part)

    def columns(self) -> dict[str, arrays.Int]:
        return {
            name: np.concatenate(getattr(self, name)) if getattr(self, name)
            else np.zeros(0, dtype=np.int64)
            for name in self.__dataclass_fields__
        }  # fmt: skip


KINDS = ("mhd", "pos", "group", "csw", "sst", "aba")


@dataclass
class Aggregates:
    """Per-client facts the later tables need, gathered block by block."""

    first_day: arrays.Int
    last_day: arrays.Int
    units: arrays.Int
    sst_months: list[arrays.Int] = field(default_factory=list)

    @classmethod
    def for_clients(cls, clients: int) -> Aggregates:
        big = np.iinfo(np.int64).max
        return cls(
            np.full(clients, big, dtype=np.int64),
            np.full(clients, -big, dtype=np.int64),
            np.zeros(clients, dtype=np.int64),
        )

    def seen(self, client: arrays.Int, day: arrays.Int) -> None:
        np.minimum.at(self.first_day, client, day)
        np.maximum.at(self.last_day, client, day)


def _notes(rng: np.random.Generator, key: tuple[str, str, int], size: int) -> arrays.Int:
    options = np.array(NOTE_INDEX[key], dtype=np.int64)
    return options[rng.integers(0, len(options), size)]


class Grid:
    def __init__(self, layout: Layout, calendar: Calendar, seed: int, clean: bool) -> None:
        self.layout = layout
        self.calendar = calendar
        self.seed = seed
        self.clean = clean
        self.base = layout.client_base
        self.staff_base = layout.staff_base
        self.next_encounter = 0
        self.next_group = 0
        self.next_missed = 0

    def block(self, index: int, first: int, last: int, agg: Aggregates) -> dict[str, Any]:
        """Tables for business days ``first`` to ``last - 1`` of the period."""
        rng = np.random.default_rng([self.seed, index])
        b = Block()
        groups: dict[str, Any] = {}
        self._cpr(rng, b, first, last, groups)
        missed = self._csw(rng, b, first, last)
        self._sst(b, first, last, agg)
        self._aba(b, first, last)
        cols = b.columns()
        cal = self.calendar
        agg.seen(cols["client"], cal.days[cols["day"]])
        planted = np.full(len(cols["client"]), -1, dtype=np.int64)
        if not self.clean:
            planted = self._plant(rng, cols)
        return self._tables(rng, cols, planted, groups, missed, agg)

    # --- programs ------------------------------------------------------------------------------

    def _cpr(
        self, rng: np.random.Generator, b: Block, first: int, last: int, groups: dict[str, Any]
    ) -> None:
        lay = self.layout
        day, staff, slot = (a.ravel() for a in np.meshgrid(
            np.arange(first, last), np.arange(lay.cpr_staff), np.arange(len(CPR_SLOTS)),
            indexing="ij"))  # fmt: skip
        cohort = day % COHORTS
        client = self.base["cpr"] + staff * CASELOAD + cohort * COHORT_SIZE + slot
        mhd = medicaid(client)
        length = 45 + rng.integers(0, 16, len(day))
        start = np.array(CPR_SLOTS)[slot]
        goal = rng.integers(0, 2, len(day))
        note = np.where(goal == 0, _notes(rng, ("cpr", "individual", 0), len(day)),
                        _notes(rng, ("cpr", "individual", 1), len(day)))  # fmt: skip
        b.add(day=day, client=client, staff=self.staff_base["cpr"] + staff,
              code=np.where(mhd, H2017HO, H2017P), start=start, end=start + length,
              units=(length - pf.QUARTER_HOUR_MIN_FIRST_UNIT) // pf.QUARTER_HOUR_MINUTES + 1,
              place=np.where(rng.random(len(day)) < 0.25, COMMUNITY, FACILITY), group=-1,
              activity=NO_ACTIVITY, goal=goal, note=note,
              sign=rng.choice(3, len(day), p=(0.6, 0.3, 0.1)),
              kind=np.where(mhd, KINDS.index("mhd"), KINDS.index("pos")))  # fmt: skip
        # every other cohort day, the cohort meets as a group after the individual sessions
        days = np.arange(first, last)
        days = days[(days // COHORTS) % 2 == 0]
        cell_day, cell_staff = (a.ravel() for a in np.meshgrid(
            days, np.arange(lay.cpr_staff), indexing="ij"))  # fmt: skip
        present = rng.random((len(cell_day), COHORT_SIZE)) < GROUP_ATTENDANCE
        held = present.sum(axis=1) >= 2
        session = np.cumsum(held) - 1
        attends = present & held[:, None]
        row_cell, member = np.nonzero(attends)
        gday, gstaff = cell_day[row_cell], cell_staff[row_cell]
        client = self.base["cpr"] + gstaff * CASELOAD + (gday % COHORTS) * COHORT_SIZE + member
        mhd = medicaid(client)
        topic = (gday // COHORTS // 2) % 2
        b.add(day=gday, client=client, staff=self.staff_base["cpr"] + gstaff,
              code=np.where(mhd, H2017HOHQ, H2017S), start=CPR_GROUP[0], end=CPR_GROUP[1],
              units=4, place=FACILITY, group=self.next_group + session[row_cell],
              activity=NO_ACTIVITY, goal=topic,
              note=np.where(topic == 0, NOTE_INDEX[("cpr", "group", 0)][0],
                            NOTE_INDEX[("cpr", "group", 1)][0]),
              sign=0, kind=KINDS.index("group"))  # fmt: skip
        groups["group_id"] = self.next_group + np.arange(int(held.sum()))
        groups["day"] = cell_day[held]
        groups["staff"] = self.staff_base["cpr"] + cell_staff[held]
        self.next_group += int(held.sum())

    def _csw(self, rng: np.random.Generator, b: Block, first: int, last: int) -> dict[str, Any]:
        lay = self.layout
        day, staff, slot = (a.ravel() for a in np.meshgrid(
            np.arange(first, last), np.arange(lay.csw_staff), np.arange(len(CSW_SLOTS)),
            indexing="ij"))  # fmt: skip
        client = self.base["sud"] + staff * CASELOAD + (day % COHORTS) * COHORT_SIZE + slot
        start = np.array(CSW_SLOTS)[slot]
        worker = self.staff_base["csw"] + staff
        absent = rng.random(len(day)) < MISSED_RATE
        missed = {"day": day[absent], "client": client[absent], "staff": worker[absent],
                  "start": start[absent]}  # fmt: skip
        keep = ~absent
        day, client, start, worker = day[keep], client[keep], start[keep], worker[keep]
        activity = rng.choice([ARRANGING, COORDINATION, LIFE_SKILLS], len(day))
        units = np.where(activity == COORDINATION, rng.integers(1, 3, len(day)),
                         rng.integers(1, 5, len(day)))  # fmt: skip
        length = 15 * units + rng.integers(-4, 5, len(day))
        note = np.select(
            [activity == ARRANGING, activity == COORDINATION],
            [NOTE_INDEX[("sud", "arranging_services", 1)][0],
             NOTE_INDEX[("sud", "coordination", 1)][0]],
            NOTE_INDEX[("sud", "life_skills_training", 1)][0],
        )  # fmt: skip
        b.add(day=day, client=client, staff=worker, code=CSW, start=start, end=start + length,
              units=units, place=np.where(activity == COORDINATION, TELEPHONE, FACILITY),
              group=-1, activity=activity, goal=1, note=note,
              sign=rng.choice(3, len(day), p=(0.6, 0.3, 0.1)), kind=KINDS.index("csw"))  # fmt: skip
        return missed

    def _sst(self, b: Block, first: int, last: int, agg: Aggregates) -> None:
        lay = self.layout
        cal = self.calendar
        day, worker, half = (a.ravel() for a in np.meshgrid(
            np.arange(first, last), np.arange(lay.direct_care), np.arange(len(HALF_DAYS)),
            indexing="ij"))  # fmt: skip
        position = cal.weekday[day] * len(HALF_DAYS) + half
        generation = (cal.week[day] + 2 * position) // SST_WEEKS_PER_CLIENT
        client = (
            self.base["sst"]
            + (worker * SST_POSITIONS + position) * lay.sst_generations
            + generation
        )
        start = np.array([h[0] for h in HALF_DAYS])[half]
        goal = cal.week[day] % 2
        b.add(day=day, client=client, staff=self.staff_base["direct_care"] + worker, code=SST,
              start=start, end=start + pf.SST_HALF_DAY_MINUTES, units=1, place=COMMUNITY,
              group=-1, activity=PRACTICE, goal=goal,
              note=np.where(goal == 0, NOTE_INDEX[("sst", "community_practice", 0)][0],
                            NOTE_INDEX[("sst", "community_practice", 1)][0]),
              sign=0, kind=KINDS.index("sst"))  # fmt: skip
        agg.sst_months.append(np.unique(client * 100_000 + cal.month[day]))

    def _aba(self, b: Block, first: int, last: int) -> None:
        lay = self.layout
        cal = self.calendar
        day, tech, half = (a.ravel() for a in np.meshgrid(
            np.arange(first, last), np.arange(lay.technicians), np.arange(len(HALF_DAYS)),
            indexing="ij"))  # fmt: skip
        weekday = cal.weekday[day]
        rank = np.where(half == 0, weekday, (weekday - 2) % ABA_CLIENTS)
        client = self.base["aba"] + tech * ABA_CLIENTS + rank
        start = np.array([h[0] for h in HALF_DAYS])[half]
        goal = half
        b.add(day=day, client=client, staff=self.staff_base["rbt"] + tech, code=ABA,
              start=start, end=start + 180, units=12, place=HOME, group=-1,
              activity=NO_ACTIVITY, goal=goal,
              note=np.where(goal == 0, NOTE_INDEX[("aba", "97153", 0)][0],
                            NOTE_INDEX[("aba", "97153", 1)][0]),
              sign=0, kind=KINDS.index("aba"))  # fmt: skip

    # --- planted faults ------------------------------------------------------------------------

    def _plant(self, rng: np.random.Generator, c: dict[str, arrays.Int]) -> arrays.Int:
        planted = np.full(len(c["client"]), -1, dtype=np.int64)
        chosen = rng.random(len(planted)) < PLANT_RATE
        for kind, names in _APPLICABLE.items():
            picked = np.flatnonzero(chosen & (c["kind"] == KINDS.index(kind)))
            options = np.array([PLANT_INDEX[n] for n in names])
            planted[picked] = options[rng.integers(0, len(options), len(picked))]
        p = PLANT_INDEX

        def rows(name: str) -> arrays.Int:
            return np.flatnonzero(planted == p[name])

        r = rows("units")
        c["units"][r] += 1
        r = rows("rate")
        c["charge_override"] = np.full(len(planted), -1, dtype=np.int64)
        c["charge_override"][r] = OLD_FEE_CENTS * c["units"][r]
        c["sign"][rows("unsigned")] = -1
        c["sign"][rows("late")] = LATE_NOTE_BUSINESS_DAYS
        r = rows("no_time")
        c["start"][r] = c["end"][r] = -1
        c["code"][rows("hq")] = H2017HOHQ
        c["code"][rows("unknown")] = UNKNOWN
        r = rows("goal_link")
        c["goal"][r], c["note"][r] = 2, _PLANTED_NOTES["GENERIC"]
        r = rows("no_note")
        c["note"][r], c["sign"][r] = 0, -1
        c["code"][rows("funding")] = H2017HO
        for name, note, activity, goal in (
            ("vague", "VAGUE", COORDINATION, 1), ("drove", "DROVE", TRANSPORT, 1),
            ("arranged", "ARRANGED_FOR", ARRANGING, 1), ("general", "GENERAL_INFORMATION",
            EDUCATION, 1), ("tour", "TOUR", ORIENTATION, 0), ("mixed", "MIXED", ARRANGING, 1),
            ("untied", "UNTIED", LIFE_SKILLS, 2), ("texted", "TEXTED", COORDINATION, 1),
        ):  # fmt: skip
            r = rows(name)
            c["note"][r], c["activity"][r], c["goal"][r] = _PLANTED_NOTES[note], activity, goal
        r = rows("texted")
        c["place"][r], c["end"][r], c["units"][r] = TEXT, c["start"][r] + 10, 1
        c["place"][rows("drove")] = COMMUNITY
        r = rows("short")
        c["end"][r] = c["start"][r] + SHORT_HALF_DAY_MINUTES
        return planted

    # --- Arrow tables --------------------------------------------------------------------------

    def _tables(
        self,
        rng: np.random.Generator,
        c: dict[str, arrays.Int],
        planted: arrays.Int,
        groups: dict[str, Any],
        missed: dict[str, Any],
        agg: Aggregates,
    ) -> dict[str, Any]:
        cal = self.calendar
        order = np.lexsort((c["client"], np.maximum(c["start"], 0), c["day"]))
        c = {k: v[order] for k, v in c.items()}
        planted = planted[order]
        n = len(order)
        ids = arrays.ids("E", self.next_encounter + np.arange(n), 9)
        self.next_encounter += n
        code = c["code"]
        billed_units = c["units"]
        sst_or_aba = (code == SST) | (code == ABA)
        np.add.at(agg.units, c["client"][sst_or_aba], billed_units[sst_or_aba])
        override = c.get("charge_override", np.full(n, -1, dtype=np.int64))
        cents = np.where(override >= 0, override, RATE_CENTS[code] * billed_units)
        priced = RATE_CENTS[code] >= 0
        timed = c["start"] >= 0
        signed = c["sign"] >= 0
        day = c["day"]
        sign_day = cal.signing[np.where(signed, day + np.maximum(c["sign"], 0), 0)]
        auth = np.where(sst_or_aba, c["client"], -1)
        encounters = pa.table({
            "encounter_id": ids,
            "client_id": arrays.ids("C", c["client"], 7),
            "staff_id": arrays.ids("S", c["staff"], 6),
            "service_code": arrays.pick([x for x, _ in CODES], code),
            "modifiers": arrays.lists([m for _, m in CODES], code),
            "date": arrays.dates(cal.days[day]),
            "start_time": arrays.times(c["start"], timed),
            "end_time": arrays.times(c["end"], timed),
            "units": arrays.decimals(billed_units * 100),
            "charge": arrays.decimals(cents, priced),
            "place": arrays.pick(PLACES, c["place"]),
            "group_id": _optional_ids("GS", c["group"], 9),
            "activity": arrays.pick(ACTIVITIES, c["activity"]),
            "goal_ids": arrays.lists(GOALS, c["goal"]),
            "billable": arrays.booleans(np.ones(n, dtype=bool)),
            "meeting_id": arrays.nulls(pa.string(), n),
            "unusual_circumstances": arrays.nulls(pa.string(), n),
            "authorization_id": _optional_ids("PA", auth, 7),
            "note_text": arrays.pick(NOTES, c["note"]),
            "note_signed_by": _optional_ids("S", np.where(signed, c["staff"], -1), 6),
            "note_signed_on": arrays.dates(sign_day, signed),
        })  # fmt: skip
        out: dict[str, Any] = {"encounters": encounters}
        out["group_sessions"] = pa.table({
            "group_id": arrays.ids("GS", groups["group_id"], 9),
            "service_code": arrays.pick(["H2017"], np.zeros(len(groups["day"]), dtype=np.int64)),
            "date": arrays.dates(cal.days[groups["day"]]),
            "start_time": arrays.times(np.full(len(groups["day"]), CPR_GROUP[0])),
            "end_time": arrays.times(np.full(len(groups["day"]), CPR_GROUP[1])),
            "staff_ids": pa.ListArray.from_arrays(
                pa.array(np.arange(len(groups["day"]) + 1, dtype=np.int32)),
                arrays.ids("S", groups["staff"], 6)),
            "place": arrays.pick(["facility"], np.zeros(len(groups["day"]), dtype=np.int64)),
        })  # fmt: skip
        out.update(self._missed(rng, missed, agg))
        rows = np.flatnonzero(planted >= 0)
        rules, details, subjects = [], [], []
        for i in rows:
            _, broken, detail = PLANTS[planted[i]]
            for rule in broken:
                rules.append(rule)
                details.append(detail)
                subjects.append(i)
        out["planted"] = pa.table({
            "rule": pa.array(rules, pa.string()),
            "subject_type": pa.array(["encounter"] * len(rules), pa.string()),
            "subject_id": ids.take(pa.array(np.array(subjects, dtype=np.int64))),
            "detail": pa.array(details, pa.string()),
        })  # fmt: skip
        return out

    def _missed(
        self, rng: np.random.Generator, missed: dict[str, Any], agg: Aggregates
    ) -> dict[str, Any]:
        cal = self.calendar
        n = len(missed["day"])
        numbers = self.next_missed + np.arange(n)
        self.next_missed += n
        agg.seen(missed["client"], cal.days[missed["day"]])
        at = cal.days[missed["day"]] * 1440 + missed["start"]
        answered = np.ones(n, dtype=bool)
        if not self.clean:
            answered = rng.random(n) >= UNANSWERED_RATE
        missed_ids = arrays.ids("MA", numbers, 9)
        client_ids = arrays.ids("C", missed["client"], 7)
        out = {
            "missed_appointments": pa.table({
                "missed_id": missed_ids,
                "client_id": client_ids,
                "scheduled_at": arrays.timestamps(at),
                "service_code": arrays.pick(["CSW"], np.zeros(n, dtype=np.int64)),
                "excused": arrays.booleans(np.zeros(n, dtype=bool)),
            }),
            "contacts": pa.table({
                "contact_id": arrays.ids("CT", numbers[answered], 9),
                "client_id": client_ids.filter(pa.array(answered)),
                "staff_id": arrays.ids("S", missed["staff"][answered], 6),
                "at": arrays.timestamps(at[answered] + 60),
                "method": arrays.pick(["telephone"], np.zeros(int(answered.sum()), dtype=np.int64)),
                "missed_id": missed_ids.filter(pa.array(answered)),
                "note": arrays.pick([w.VOICEMAIL], np.zeros(int(answered.sum()), dtype=np.int64)),
            }),
        }  # fmt: skip
        lost = ~answered
        out["planted_missed"] = pa.table({
            "rule": pa.array(["CSW-MISSED-FOLLOWUP"] * int(lost.sum()), pa.string()),
            "subject_type": pa.array(["missed_appointment"] * int(lost.sum()), pa.string()),
            "subject_id": missed_ids.filter(pa.array(lost)),
            "detail": pa.array(["no contact effort"] * int(lost.sum()), pa.string()),
        })  # fmt: skip
        return out


def _optional_ids(prefix: str, numbers: arrays.Int, width: int) -> Any:
    present = numbers >= 0
    text = arrays.ids(prefix, np.maximum(numbers, 0), width)
    return pc.if_else(pa.array(present), text, pa.scalar(None, pa.string()))

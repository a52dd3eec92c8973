"""Planted violations: at least one of every rule in the catalog (rules.md) except
GEN-FACTS-MISSING, which depends on absent files; each is recorded with exactly the subject the
audit reports (see docs/demo.md for how each is planted).

Plants run on the finished clean agency and change as little as they can. They keep apart: a plant
claims the encounters it touches, and the client's program "aspect" it changes (counts and
authorizations, reports, plan, enrollment, diagnosis), so that no two plants interfere and no plant
causes a finding it does not record. Where one fault unavoidably breaks two rules (a duplicate is
also an overlap), both are recorded.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from caseledger.demo.context import Context, client_key, staff_key
from caseledger.demo.model import Encounter, Staff, clock
from caseledger.demo.plants.base import Planted
from caseledger.demo.reports import ReportChanges

T = TypeVar("T")


#: repeatable plants per billed service in the period, per unit of a plant's weight
REPEAT_RATE = 0.0008


class PlantError(RuntimeError):
    """No record fits a planted violation (the agency is too small for it)."""


#: aspects of a client's program that plants change; "count" (services added, authorizations)
#: also covers the months reports are written for
_CONFLICTS = {
    "count": {"count", "reports"},
    "reports": {"count", "reports"},
    "plan": {"plan"},
    "enrollment": {"enrollment"},
    "diagnosis": {"diagnosis"},
}


class Planting:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("plants")
        self.planted: list[Planted] = []
        self.reports = ReportChanges()
        self.granted: dict[str, int] = {}
        self.used: set[int] = set()
        self._order = [e for e in ctx.data.encounters if e.billable]
        self.rng.shuffle(self._order)
        self.claims: dict[tuple[str, str], set[str]] = {}
        self.staff_used: set[str] = set()
        #: how many times a repeatable plant runs per unit of weight: planted problems grow with
        #: the agency, at roughly 3% of the period's services
        start = ctx.period.start
        services = sum(1 for e in ctx.data.encounters if e.date >= start and e.billable)
        self.scale = services * REPEAT_RATE
        #: a certification gap planted by GEN-AGENCY-CERT: (program, first day, last day)
        self.lapse: tuple[str, dt.date, dt.date] | None = None
        #: report plants recorded once the reports exist: (client, month) -> detail
        self._report_details: dict[tuple[str, dt.date], str] = {}

    # --- bookkeeping ---------------------------------------------------------------------------

    def record(self, rule: str, subject_type: str, subject_id: str, detail: str) -> None:
        self.planted.append(Planted(rule, subject_type, subject_id, detail))

    def record_report(self, key: tuple[str, dt.date], detail: str) -> None:
        self._report_details[key] = detail

    def finish(self) -> list[Planted]:
        for key, detail in self._report_details.items():
            self.record("SST-REPORT-ELEMENTS", "report", self.reports.incomplete_ids[key], detail)
        return self.planted

    def claimable(self, client_id: str, program: str, aspect: str) -> bool:
        held = self.claims.get((client_id, program), set())
        return not (held & _CONFLICTS[aspect])

    def claim(self, client_id: str, program: str, aspect: str) -> None:
        self.claims.setdefault((client_id, program), set()).add(aspect)

    def take(self, *encounters: Encounter) -> None:
        self.used.update(id(e) for e in encounters)

    def free(self, e: Encounter) -> bool:
        return id(e) not in self.used

    def choose(self, items: Iterable[T], what: str) -> T:
        pool = list(items)
        if not pool:
            raise PlantError(f"no candidate for {what}; try more --clients or --months")
        return self.rng.choice(pool)

    def encounters(
        self, test: Callable[[Encounter], bool], *, period_only: bool = True
    ) -> Iterator[Encounter]:
        """Billed encounters no plant has touched that pass ``test``, lazily, in a random order
        fixed when planting starts (so a plant picks the first fit without scanning them all)."""
        start = self.ctx.period.start
        for e in self._order:
            if self.free(e) and (not period_only or e.date >= start) and test(e):
                yield e

    def pick(
        self, test: Callable[[Encounter], bool], what: str, *, period_only: bool = True
    ) -> Encounter:
        for e in self.encounters(test, period_only=period_only):
            return e
        raise PlantError(f"no candidate for {what}; try more --clients or --months")

    # --- changing encounters -------------------------------------------------------------------

    def copy_encounter(self, e: Encounter, **changes: object) -> Encounter:
        """A new encounter like ``e`` (next encounter id), booked, with ``changes`` applied."""
        new = copy.copy(e)
        new.encounter_id = self.ctx.ids.new("E", 7)
        for name, value in changes.items():
            setattr(new, name, value)
        self.ctx.data.encounters.append(new)
        self.hold(new)
        self.take(new)
        return new

    def hold(self, e: Encounter) -> None:
        if e.start_time is None or e.end_time is None:
            return
        book = self.ctx.book
        book.hold(client_key(e.client_id), e.date, e.start_minute, e.end_minute)
        if e.group_id is None:
            book.hold(staff_key(e.staff_id), e.date, e.start_minute, e.end_minute)

    def release(self, e: Encounter) -> None:
        book = self.ctx.book
        book.release(client_key(e.client_id), e.date, e.start_minute, e.end_minute)
        book.release(staff_key(e.staff_id), e.date, e.start_minute, e.end_minute)

    def retime(self, e: Encounter, start: int, end: int) -> None:
        self.release(e)
        e.start_time, e.end_time = clock(start), clock(end)
        self.hold(e)

    def reassign(self, e: Encounter, staff: Staff) -> None:
        """Hands ``e`` to ``staff`` (who signs the note), keeping its time."""
        book = self.ctx.book
        book.release(staff_key(e.staff_id), e.date, e.start_minute, e.end_minute)
        e.staff_id = staff.staff_id
        e.note_signed_by = staff.staff_id
        book.hold(staff_key(staff.staff_id), e.date, e.start_minute, e.end_minute)

    def repeat(self, step: Callable[[Planting], None], weight: float) -> None:
        """Runs ``step`` once, then more times as the agency is larger (``weight`` says how
        common the fault is), stopping early when no record is left that fits."""
        for n in range(max(1, round(self.scale * weight))):
            try:
                step(self)
            except PlantError:
                if n == 0:
                    raise
                return

    def plant_all(self) -> None:
        from caseledger.demo.plants import aba, cpr, general, sst, sud

        # the certification lapse first: it flags every service of one day, whatever they are
        general.agency_certification(self)
        for module in (sst, cpr, sud, aba, general):
            module.plant(self)

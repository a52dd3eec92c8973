"""What every part of the generator shares while it fills the agency with services: the records
built so far, a booking book that keeps people from being in two places at once, the plan and
authorization in force on a day, and the way an encounter is written, timed, priced and signed."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from caseledger.demo import program_facts as pf
from caseledger.demo.calendar import (
    ONE_DAY,
    Period,
    add_business_days,
    add_months,
    next_business_day,
)
from caseledger.demo.clients import Caseload, Episode
from caseledger.demo.model import (
    AgencyRecords,
    Authorization,
    Client,
    Contact,
    Encounter,
    MissedAppointment,
    Plan,
    Staff,
    clock,
)
from caseledger.demo.options import DemoOptions, Ids, stream
from caseledger.demo.staffing import Roster, active_on
from caseledger.demo.text import COMMON_NOTE_SLOTS, Domain, Slots, fill, pronouns

#: minutes kept free between two bookings of one person, so no audit reads them as overlapping
BOOKING_GAP = 5
#: months an authorization covers, by program (the agency's usual request)
AUTH_MONTHS = {"sst": 3, "aba": 6}


class Book:
    """Who is busy when: (person, day) -> [(start minute, end minute, group id)]."""

    def __init__(self) -> None:
        self._busy: dict[tuple[str, dt.date], list[tuple[int, int, str | None]]] = defaultdict(list)

    def free(self, who: str, day: dt.date, start: int, end: int, group: str | None = None) -> bool:
        for s, e, g in self._busy.get((who, day), ()):
            if group is not None and g == group:
                continue
            if start < e + BOOKING_GAP and s < end + BOOKING_GAP:
                return False
        return True

    def hold(self, who: str, day: dt.date, start: int, end: int, group: str | None = None) -> None:
        self._busy[(who, day)].append((start, end, group))

    def release(self, who: str, day: dt.date, start: int, end: int) -> None:
        slots = self._busy.get((who, day), [])
        for i, (s, e, _) in enumerate(slots):
            if s == start and e == end:
                del slots[i]
                return


def client_key(client_id: str) -> str:
    return f"client:{client_id}"


def staff_key(staff_id: str) -> str:
    return f"staff:{staff_id}"


@dataclass
class Context:
    options: DemoOptions
    ids: Ids
    data: AgencyRecords
    roster: Roster
    caseload: Caseload
    book: Book = field(default_factory=Book)
    plans: dict[tuple[str, str], list[Plan]] = field(default_factory=dict)
    #: (client, service code, kind) -> authorizations, in date order
    auths: dict[tuple[str, str, str], list[Authorization]] = field(default_factory=dict)
    #: authorization id -> units granted beyond those used (the agency asks for a margin)
    auth_margin: dict[str, int] = field(default_factory=dict)
    _streams: dict[str, random.Random] = field(default_factory=dict)

    @property
    def period(self) -> Period:
        return self.options.period

    def rng(self, name: str) -> random.Random:
        if name not in self._streams:
            self._streams[name] = stream(self.options.seed, name)
        return self._streams[name]

    @property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.staff_id: s for s in self.data.staff}

    @property
    def clients_by_id(self) -> dict[str, Client]:
        return {c.client_id: c for c in self.data.clients}

    def plan_on(self, client_id: str, program: str, day: dt.date) -> Plan | None:
        for plan in self.plans.get((client_id, program), ()):
            if plan.covers(day):
                return plan
        return None

    def authorization(
        self, episode: Episode, code: str, day: dt.date, kind: str = "service"
    ) -> Authorization:
        """The authorization covering ``day`` for ``code``, opened for the block of months the
        agency requests at a time (counted from the enrollment) if there is none yet."""
        key = (episode.client.client_id, code, kind)
        found = self.auths.setdefault(key, [])
        for auth in found:
            if auth.start_date <= day <= auth.end_date:
                return auth
        months = AUTH_MONTHS[episode.program]
        first = episode.enrollment.start_date
        while add_months(first, months) <= day:
            first = add_months(first, months)
        last = add_months(first, months) - ONE_DAY
        if episode.enrollment.end_date is not None:
            last = min(last, episode.enrollment.end_date)
        auth = Authorization(
            authorization_id=self.ids.new("PA", 5),
            client_id=episode.client.client_id,
            kind=kind,
            service_code=code,
            units=0,
            start_date=first,
            end_date=last,
            number=f"{first.year}-{self.rng('auth').randrange(10**6):06d}",
        )
        found.append(auth)
        self.data.authorizations.append(auth)
        self.auth_margin[auth.authorization_id] = self.rng("auth").randint(1, 4)
        return auth

    # --- encounters ----------------------------------------------------------------------------

    def encounter(
        self,
        *,
        episode: Episode,
        staff: Staff,
        service: pf.Service,
        day: dt.date,
        start: int,
        end: int,
        place: str,
        note: str | None,
        goal_ids: tuple[str, ...] = (),
        activity: str | None = None,
        group_id: str | None = None,
        authorization: Authorization | None = None,
        meeting_id: str | None = None,
        billable: bool = True,
        units: int | None = None,
    ) -> Encounter:
        """Adds a signed encounter and books the client's time (and the staff member's, unless
        the group session already holds it)."""
        if units is None:
            units = service.units_for(end - start)
        enc = Encounter(
            encounter_id=self.ids.new("tmp", 7),
            client_id=episode.client.client_id,
            staff_id=staff.staff_id,
            service_code=service.code,
            modifiers=service.modifiers,
            date=day,
            start_time=clock(start),
            end_time=clock(end),
            units=Decimal(units) if billable else None,
            charge=service.charge_for(units) if billable else None,
            place=place,
            group_id=group_id,
            activity=activity,
            goal_ids=goal_ids,
            billable=billable,
            meeting_id=meeting_id,
            authorization_id=authorization.authorization_id if authorization else None,
            note_text=note,
            program=episode.program,
        )
        self.sign(enc, staff)
        self.book.hold(client_key(enc.client_id), day, start, end)
        if group_id is None:
            self.book.hold(staff_key(staff.staff_id), day, start, end)
        self.data.encounters.append(enc)
        return enc

    def sign(self, enc: Encounter, staff: Staff) -> None:
        """Signed by the rendering staff member, now and then by their supervisor, within three
        business days (the MO HealthNet limit is five: public, 13.4.A)."""
        rng = self.rng("signing")
        signer = staff.staff_id
        if staff.supervisor_id and rng.random() < 0.1:
            boss = self.staff_by_id.get(staff.supervisor_id)
            if boss is not None and active_on(boss, enc.date):
                signer = boss.staff_id
        enc.note_signed_by = signer
        enc.note_signed_on = add_business_days(
            enc.date, rng.choices((0, 1, 2, 3), weights=(55, 30, 10, 5))[0]
        )

    def try_times(
        self,
        who: list[str],
        day: dt.date,
        length: int,
        starts: list[int],
    ) -> int | None:
        """The first of ``starts`` at which everyone in ``who`` is free for ``length`` minutes."""
        for start in starts:
            if all(self.book.free(w, day, start, start + length) for w in who):
                return start
        return None

    # --- missed appointments -------------------------------------------------------------------

    def missed(
        self,
        episode: Episode,
        staff: Staff,
        code: str,
        day: dt.date,
        start: int,
        reached_note: str | None = None,
    ) -> tuple[MissedAppointment, Contact | None]:
        """A no-show and, unless excused, the staff member's call within the 48 hours seed 002
        asks for (key function 3): the next business morning or the same afternoon."""
        rng = self.rng("attendance")
        scheduled = dt.datetime.combine(day, clock(start))
        excused = rng.random() < 0.3
        missed = MissedAppointment(
            self.ids.new("MA", 5), episode.client.client_id, scheduled, code, excused
        )
        self.data.missed.append(missed)
        if excused:
            return missed, None
        at = follow_up_time(scheduled, rng)
        contact = Contact(
            self.ids.new("CT", 5),
            episode.client.client_id,
            staff.staff_id,
            at,
            "telephone",
            missed.missed_id,
            reached_note
            or "Called client about the missed appointment; left a voicemail with "
            "the next session time and the program's number.",
        )
        self.data.contacts.append(contact)
        return missed, contact


def follow_up_time(scheduled: dt.datetime, rng: random.Random) -> dt.datetime:
    """When staff call after a no-show: the next business morning when that is well inside
    48 hours (seed 002, key function 3), otherwise later the same afternoon."""
    morning = dt.datetime.combine(
        next_business_day(scheduled.date() + ONE_DAY), clock(9 * 60 + 15 * rng.randint(0, 6))
    )
    margin = dt.timedelta(hours=pf.CSW_FOLLOWUP_HOURS - 4)
    if morning - scheduled <= margin and rng.random() < 0.5:
        return morning
    later = scheduled + dt.timedelta(minutes=45 + 5 * rng.randint(0, 9))
    return min(later, dt.datetime.combine(scheduled.date(), dt.time(17, 30)))


class NoteWriter:
    """Fills note templates for one client: pronouns, family member, the goal's own values and
    fresh per-note values, so two notes of the same template still differ."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def slots(self, client: Client, extra: Slots | None = None) -> Slots:
        rng = self.rng
        out = {name: rng.choice(values) for name, values in sorted(COMMON_NOTE_SLOTS.items())}
        out.update(pronouns(client.sex))
        out["family"] = client.family_member
        out["Family"] = client.family_member[:1].upper() + client.family_member[1:]
        if extra:
            out.update(extra)
        return out

    def write(
        self,
        domain: Domain,
        kind: str,
        client: Client,
        goal_slots: Slots,
        extra: Slots | None = None,
    ) -> str:
        template = self.rng.choice(domain.notes[kind])
        return fill(
            template, self.slots(client), domain.draw_note_slots(self.rng), goal_slots, extra or {}
        )

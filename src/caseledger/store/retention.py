"""How long records are kept, legal holds, and the purge.

An encounter is kept until the longest retention period that applies to it has passed, counted
from its date of service: the period of the pack its service belongs to (SST 3 years, CPR and
CSTAR 7) and MO HealthNet's (6 years), each as the packs give it with its citation
(``retention_years``). When the service is unknown to the packs, the longest period of any pack
applies, so an unknown code is never purged early. A client under a legal hold keeps every record,
whatever its age. The purge removes encounters (with their note amendments) past keep-until and
not held; it shows what it would do first, and logs what it did.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from caseledger.policy import Policy, PolicyLookupError
from caseledger.store.access_log import AccessEntry
from caseledger.store.errors import StoreError
from caseledger.store.tables import legal_holds, note_amendments, table
from caseledger.store.unit_of_work import UnitOfWork

RETENTION = "retention_years"
#: the pack whose period applies to every record billed to Missouri Medicaid
MEDICAID_PACK = "mo_healthnet"


def retention_years(policy: Policy, code: str, modifiers: Iterable[str], on: dt.date) -> int:
    service = policy.service(code, tuple(modifiers), on)
    packs = {MEDICAID_PACK, service.pack} if service is not None else set(policy.packs)
    years = []
    for pack in packs:
        try:
            found = policy.find_param(pack, RETENTION, on)
        except PolicyLookupError:  # a pack without a period of its own (ABA: Medicaid's)
            continue
        if found is not None:
            years.append(int(found.value))
    if not years:
        raise StoreError(f"no retention period in force on {on}; check the policy packs")
    return max(years)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus ``years`` (29 February becomes 1 March, the later of the two readings)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def keep_until(policy: Policy, code: str, modifiers: Iterable[str], day: dt.date) -> dt.date:
    """The last day the record must be kept."""
    return add_years(day, retention_years(policy, code, modifiers, day))


def purgeable(day: dt.date, keep: dt.date, held: bool, *, before: dt.date, as_of: dt.date) -> bool:
    """Whether a record of ``day`` may go: its keep-until date has passed, nothing holds it,
    and it is before the cut-off asked for."""
    return not held and keep < as_of and day < before


# ------------------------------------------------------------------------------ legal holds


@dataclass(frozen=True)
class Hold:
    number: int
    client_id: str
    reason: str
    placed_by: str
    placed_at: dt.datetime


def _now(uow: UnitOfWork) -> dt.datetime:
    return uow.access.clock.now().astimezone(dt.UTC).replace(tzinfo=None)


def place_hold(uow: UnitOfWork, client_id: str, reason: str) -> int:
    if not reason.strip():
        raise StoreError("a legal hold needs a reason")
    if uow.repo("clients").owner(client_id) is None:
        raise StoreError(f"no client {client_id} in the store")
    result = uow.connection.execute(
        legal_holds.insert().values(
            client_id=client_id, reason=reason, placed_by=uow.actor, placed_at=_now(uow)
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def release_hold(uow: UnitOfWork, number: int) -> None:
    done = uow.connection.execute(
        legal_holds.update()
        .where((legal_holds.c.id == number) & legal_holds.c.released_at.is_(None))
        .values(released_at=_now(uow), released_by=uow.actor)
    ).rowcount
    if not done:
        raise StoreError(f"no legal hold {number} in force")


def hold_client(uow: UnitOfWork, number: int) -> str | None:
    """The client a hold in force is on."""
    found = uow.connection.execute(
        sa.select(legal_holds.c.client_id).where(
            (legal_holds.c.id == number) & legal_holds.c.released_at.is_(None)
        )
    ).scalar_one_or_none()
    return None if found is None else str(found)


def holds(uow: UnitOfWork) -> list[Hold]:
    rows = uow.connection.execute(
        sa.select(legal_holds).where(legal_holds.c.released_at.is_(None)).order_by(legal_holds.c.id)
    )
    return [Hold(r.id, r.client_id, r.reason, r.placed_by, r.placed_at) for r in rows]


# ---------------------------------------------------------------------------------- purging


@dataclass(frozen=True)
class Candidate:
    encounter_id: str
    client_id: str
    date: dt.date
    keep_until: dt.date
    held: bool


@dataclass(frozen=True)
class PurgePlan:
    before: dt.date
    as_of: dt.date
    #: every encounter dated before the cut-off, with its verdict's inputs
    considered: Sequence[Candidate]

    @property
    def removable(self) -> list[Candidate]:
        return [
            c
            for c in self.considered
            if purgeable(c.date, c.keep_until, c.held, before=self.before, as_of=self.as_of)
        ]

    @property
    def kept_for_holds(self) -> int:
        return sum(1 for c in self.considered if c.held and c.keep_until < self.as_of)

    @property
    def kept_for_retention(self) -> int:
        return sum(1 for c in self.considered if c.keep_until >= self.as_of)


def plan_purge(
    uow: UnitOfWork,
    policy: Policy,
    *,
    before: dt.date,
    as_of: dt.date,
    agency_id: str | None = None,
) -> PurgePlan:
    """What a purge would remove (of one agency's clients, when ``agency_id`` is given). Reads
    ids, dates and codes only (no note text)."""
    enc = table("encounters").c
    held = {h.client_id for h in holds(uow)}
    query = sa.select(enc.encounter_id, enc.client_id, enc.date, enc.service_code, enc.modifiers)
    if agency_id is not None:
        clients = table("clients").c
        query = query.where(
            enc.client_id.in_(sa.select(clients.client_id).where(clients.agency_id == agency_id))
        )
    rows = uow.connection.execute(
        query.where(enc.date < before).order_by(enc.date, enc.encounter_id)
    )
    considered = [
        Candidate(
            r.encounter_id,
            r.client_id,
            r.date,
            keep_until(policy, r.service_code or "", r.modifiers or (), r.date),
            r.client_id in held,
        )
        for r in rows
    ]
    return PurgePlan(before, as_of, considered)


def purge(uow: UnitOfWork, plan: PurgePlan) -> int:
    """Removes what ``plan`` found removable (checked again against the holds in force now);
    returns how many encounters went. One ``delete`` entry per client in the access log."""
    held = {h.client_id for h in holds(uow)}
    doomed = [c for c in plan.removable if c.client_id not in held]
    enc = table("encounters")
    per_client: Counter[str] = Counter()
    for start in range(0, len(doomed), 500):
        ids = [c.encounter_id for c in doomed[start : start + 500]]
        uow.connection.execute(
            note_amendments.delete().where(note_amendments.c.encounter_id.in_(ids))
        )
        uow.connection.execute(enc.delete().where(enc.c.encounter_id.in_(ids)))
    for c in doomed:
        per_client[c.client_id] += 1
    uow.access.record_many(
        AccessEntry(
            "delete",
            client_id=client,
            record_type="encounters",
            detail=f"purged {count} encounter(s) past their retention period",
        )
        for client, count in sorted(per_client.items())
    )
    return len(doomed)

"""What the store holds, in counts: rows per table, encounters per program, the dates covered.

Only counts and dates are read (no PHI), so a summary makes no access-log entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from caseledger.facts import schema
from caseledger.store import tables
from caseledger.store.unit_of_work import Store

#: Service-code families of each program, as the dataset contract names the codes: H2017 and its
#: DMH purchase-of-service variants are CPR psychosocial rehabilitation, CSW is SUD community
#: support, SST and SST-TRANSPORT are brain-injury socialization skills training, and 0372T with
#: its 2019 replacements (0362T, 0373T, 97151-97158) are adaptive behavior treatment.
_CODE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("SST", "sst"),
    ("CSW", "sud"),
    ("H2017", "cpr"),
    ("0372T", "aba"),
    ("0362T", "aba"),
    ("0373T", "aba"),
    ("9715", "aba"),
)
UNKNOWN_PROGRAM = "other"


def program_of(service_code: str) -> str:
    code = service_code.strip().upper()
    for prefix, program in _CODE_PREFIXES:
        if code.startswith(prefix):
            return program
    return UNKNOWN_PROGRAM


@dataclass
class ProgramSummary:
    program: str
    encounters: int = 0
    clients: int = 0
    first: dt.date | None = None
    last: dt.date | None = None


@dataclass
class StoreSummary:
    #: rows per dataset table, in load order
    rows: dict[str, int]
    programs: list[ProgramSummary] = field(default_factory=list)
    first_encounter: dt.date | None = None
    last_encounter: dt.date | None = None
    clients_with_encounters: int = 0
    staff_with_encounters: int = 0
    access_log_entries: int = 0

    @property
    def clients(self) -> int:
        return self.rows.get("clients", 0)

    @property
    def staff(self) -> int:
        return self.rows.get("staff", 0)

    @property
    def encounters(self) -> int:
        return self.rows.get("encounters", 0)


def summarize(store: Store) -> StoreSummary:
    with store.unit_of_work(snapshot=True) as uow:
        conn = uow.connection
        rows = {t.name: uow.repo(t.name).count() for t in schema.load_order()}
        log_count = conn.execute(sa.select(sa.func.count()).select_from(tables.access_log))
        summary = StoreSummary(rows=rows, access_log_entries=int(log_count.scalar_one()))
        enc = tables.table("encounters")
        span = conn.execute(
            sa.select(
                sa.func.min(enc.c.date),
                sa.func.max(enc.c.date),
                sa.func.count(sa.distinct(enc.c.client_id)),
                sa.func.count(sa.distinct(enc.c.staff_id)),
            )
        ).one()
        summary.first_encounter, summary.last_encounter = span[0], span[1]
        summary.clients_with_encounters, summary.staff_with_encounters = span[2], span[3]
        # Grouped in the database by code and client, so a large store sends back only a few
        # thousand rows; the code-to-program mapping is applied here.
        by_code = conn.execute(
            sa.select(
                enc.c.service_code,
                enc.c.client_id,
                sa.func.count(),
                sa.func.min(enc.c.date),
                sa.func.max(enc.c.date),
            ).group_by(enc.c.service_code, enc.c.client_id)
        )
        programs: dict[str, ProgramSummary] = {}
        clients: dict[str, set[str]] = {}
        for code, client, count, first, last in by_code:
            program = program_of(code)
            entry = programs.setdefault(program, ProgramSummary(program))
            entry.encounters += count
            clients.setdefault(program, set()).add(client)
            entry.first = first if entry.first is None else min(entry.first, first)
            entry.last = last if entry.last is None else max(entry.last, last)
        order = {p: i for i, p in enumerate((*schema.PROGRAMS, UNKNOWN_PROGRAM))}
        for program, entry in programs.items():
            entry.clients = len(clients[program])
        summary.programs = sorted(programs.values(), key=lambda e: order.get(e.program, len(order)))
    return summary

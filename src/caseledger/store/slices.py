"""The slice of the store one encounter touches, for the single-encounter check.

Everything a rule could read about that encounter, and nothing else: its client's whole record
(history counts for lifetime caps and authorizations), its staff member's day (overlaps) and
credentials, the supervisor and the supervisor's team (SST supervision), its group session and the
group's other lines (group size), the authorization it names (even another client's), and the
agency with its certifications. Reads go through the repositories, so the access log records them
in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from caseledger.facts.dataset import Dataset, Row
from caseledger.store.unit_of_work import UnitOfWork


class EncounterNotFound(LookupError):
    pass


def _unique(rows: Iterable[Row], key: str) -> list[Row]:
    seen: dict[Any, Row] = {}
    for row in rows:
        seen.setdefault(row[key], row)
    return list(seen.values())


def encounter_slice(uow: UnitOfWork, encounter: Row | str) -> tuple[Dataset, Row]:
    """The facts one encounter touches, with that encounter as given (a new or edited row
    replaces the stored one). Returns the dataset and the encounter row."""
    with uow.access.batched():
        return _encounter_slice(uow, encounter)


def _encounter_slice(uow: UnitOfWork, encounter: Row | str) -> tuple[Dataset, Row]:
    if isinstance(encounter, str):
        stored = uow.encounters.get(encounter)
        if stored is None:
            raise EncounterNotFound(f"no encounter {encounter} in the store")
        row: Row = stored
    else:
        row = dict(encounter)
    eid, client_id, staff_id = row["encounter_id"], row["client_id"], row.get("staff_id")
    day, group_id = row["date"], row.get("group_id")
    assert isinstance(day, dt.date)

    # The client's history first, as the store keeps it (``Dataset.history``), then the rows
    # it does not hold, then the encounter as given.
    history = uow.client_history(str(client_id))
    others: list[Row] = []
    if staff_id:
        others += uow.encounters.for_staff(str(staff_id), day, day)
    if group_id:
        others += uow.encounters.for_group(str(group_id))
    # the history holds each of its lines once; only the other reads can repeat them
    others = [e for e in _unique(others, "encounter_id") if e["encounter_id"] not in history.ids]
    encounters = [e for e in [*history.rows, *others] if e["encounter_id"] != eid]
    encounters.append(row)

    client = uow.repo("clients").get(str(client_id))
    tables: dict[str, list[Row]] = {"encounters": encounters}
    tables["clients"] = [client] if client else []
    for name in ("enrollments", "diagnoses", "other_services"):
        tables[name] = uow.repo(name).list_by_parent(str(client_id))
    for name in ("authorizations", "plans", "missed_appointments", "contacts", "progress_reports"):
        tables[name] = uow.repo(name).list_where(client_id=client_id)
    named = row.get("authorization_id")
    if named and all(a["authorization_id"] != named for a in tables["authorizations"]):
        # A line may name another client's authorization (GEN-AUTH-MISMATCH says whose).
        other = uow.repo("authorizations").get(str(named))
        if other is not None:
            tables["authorizations"].append(other)
    plan_ids = [str(p["plan_id"]) for p in tables["plans"]]
    tables["plan_goals"] = uow.repo("plan_goals").where_in("plan_id", plan_ids)
    groups = []
    if group_id:
        found = uow.repo("group_sessions").get(str(group_id))
        groups = [found] if found else []
    tables["group_sessions"] = groups

    staff_repo = uow.repo("staff")
    wanted = {staff_id, row.get("note_signed_by")}
    for g in groups:
        leaders = g.get("staff_ids")
        wanted.update(leaders if isinstance(leaders, tuple) else ())
    staff = staff_repo.where_in("staff_id", sorted(str(s) for s in wanted if s))
    supervisors = sorted({str(s["supervisor_id"]) for s in staff if s.get("supervisor_id")})
    bosses = staff_repo.where_in("staff_id", supervisors)
    if bosses:
        heads = [str(b["staff_id"]) for b in bosses]
        staff += bosses + staff_repo.where_in("supervisor_id", heads)
    staff = _unique(staff, "staff_id")
    tables["staff"] = staff
    staff_ids = [str(s["staff_id"]) for s in staff]
    for name in ("staff_credentials", "staff_trainings"):
        tables[name] = uow.repo(name).where_in("staff_id", staff_ids)

    agency_id = (client or {}).get("agency_id")
    agency = uow.repo("agency").get(str(agency_id)) if agency_id else None
    tables["agency"] = [agency] if agency else []
    tables["agency_certifications"] = (
        uow.repo("agency_certifications").list_by_parent(str(agency_id)) if agency_id else []
    )
    return Dataset(tables, history=history), row


def agency_dataset(uow: UnitOfWork, agency_id: str) -> Dataset:
    """Every record of one agency: its staff, its clients and everything of theirs (an audit
    run from the web app sees the signed-in person's agency and nothing else)."""
    tables: dict[str, list[Row]] = {}
    agency = uow.repo("agency").get(agency_id)
    tables["agency"] = [agency] if agency else []
    tables["agency_certifications"] = uow.repo("agency_certifications").list_by_parent(agency_id)
    staff = uow.repo("staff").list_where(agency_id=agency_id)
    tables["staff"] = staff
    staff_ids = [s["staff_id"] for s in staff]
    for name in ("staff_credentials", "staff_trainings"):
        tables[name] = uow.repo(name).where_in("staff_id", staff_ids)
    clients = uow.repo("clients").list_where(agency_id=agency_id)
    tables["clients"] = clients
    client_ids = [c["client_id"] for c in clients]
    for name in (
        "enrollments",
        "diagnoses",
        "other_services",
        "authorizations",
        "plans",
        "encounters",
        "missed_appointments",
        "contacts",
        "progress_reports",
    ):
        tables[name] = uow.repo(name).where_in("client_id", client_ids)
    plan_ids = [p["plan_id"] for p in tables["plans"]]
    tables["plan_goals"] = uow.repo("plan_goals").where_in("plan_id", plan_ids)
    groups = {e["group_id"] for e in tables["encounters"] if e.get("group_id")}
    tables["group_sessions"] = uow.repo("group_sessions").where_in("group_id", groups)
    return Dataset(tables)

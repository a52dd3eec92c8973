"""The permission matrix, enforced: every role, action and record type, in the person's own
agency and in another; each answer must come from a decision the guard recorded."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from caseledger.security.accounts import Principal
from caseledger.security.permissions import (
    ACTIONS,
    RECORD_TYPES,
    TABLE_RECORD_TYPES,
    Decision,
    Denied,
    Guard,
    NotFound,
    allowed,
    matrix,
)
from caseledger.security.records import Records
from caseledger.store import Store
from caseledger.store.tables import ROLES
from tests.security.conftest import RECORDS

AGENCIES = ("A1", "A2")


def _principal(role: str) -> Principal:
    return Principal(f"u-{role}", role, "A1", role, emergency=role == "emergency")


def test_the_matrix_names_only_known_roles_types_and_actions() -> None:
    table = matrix()
    assert set(table) == set(ROLES)
    for by_type in table.values():
        assert set(by_type) <= set(RECORD_TYPES)
        for actions in by_type.values():
            assert actions <= set(ACTIONS)


def test_denied_by_default() -> None:
    assert not allowed("direct_care", "delete", "client")
    assert not allowed("administrator", "read", "client")  # accounts, not clinical records
    assert not allowed("nobody", "read", "client")


@pytest.mark.parametrize("role", ROLES)
def test_every_action_on_every_record_type_in_both_agencies(role: str) -> None:
    guard = Guard()
    who = _principal(role)
    for action, record_type, agency in itertools.product(ACTIONS, RECORD_TYPES, AGENCIES):
        before = len(guard.decisions)
        try:
            guard.check(who, action, record_type, record_agency=agency)
            outcome = "allowed"
        except NotFound:
            outcome = "not found"
        except Denied:
            outcome = "denied"
        assert guard.decisions[before:] == [
            Decision(who.user_id, action, record_type, agency == "A1", outcome == "allowed")
        ]
        if agency != "A1":
            assert outcome == "not found"  # never "forbidden": the record's existence stays hidden
        else:
            assert (outcome == "allowed") == allowed(role, action, record_type)


def _attempt(records: Records, action: str, table: str, key: str, record_id: str) -> str:
    try:
        if action == "read":
            records.get(table, record_id)
        elif action == "query":
            client = record_id if table == "clients" else None
            if client is None:
                return "skip"
            records.for_client("encounters", client)
        elif action in ("create", "update"):
            stored = records.uow.repo(table).get(record_id)  # the test's own setup, unchecked
            assert stored is not None
            row: dict[str, Any] = copy.deepcopy(dict(stored))
            if action == "create":
                row[key] = record_id + "-new"
            records.save(table, row)
        elif action == "delete":
            records.delete(table, record_id)
        return "allowed"
    except NotFound:
        return "not found"
    except Denied:
        return "denied"


@pytest.mark.parametrize("role", ROLES)
def test_records_service_asks_the_guard_for_each_read_and_change(store: Store, role: str) -> None:
    """Through the service every path (web, CLI, API) takes: what comes back, and that the
    guard decided it."""
    who = _principal(role)
    for (table, key, mine, theirs), action in itertools.product(
        RECORDS, ("read", "query", "create", "update", "delete")
    ):
        record_type = TABLE_RECORD_TYPES[table]
        for record_id, same in ((mine, True), (theirs, False)):
            with store.unit_of_work(actor=who.username) as uow:
                records = Records(uow, who)
                outcome = _attempt(records, action, table, key, record_id)
                uow.discard()  # every attempt starts from the same records
            if outcome == "skip":
                continue
            checked = "query" if action == "query" else action
            kinds = {(d.action, d.record_type) for d in records.guard.decisions}
            assert (checked, "encounter" if action == "query" else record_type) in kinds
            if not same:
                assert outcome == "not found", (role, action, table)
            else:
                expected = allowed(role, checked, "encounter" if action == "query" else record_type)
                assert (outcome == "allowed") == expected, (role, action, table, outcome)


def test_a_refusal_reads_nothing_and_logs_no_access(store: Store) -> None:
    from caseledger.store.access_log import entries

    clinician, admin = _principal("clinician"), _principal("administrator")
    with store.unit_of_work(actor="dana") as uow:
        before = len(entries(uow.connection))
        records = Records(uow, clinician)
        assert records.get("clients", "C-CPR")["client_id"] == "C-CPR"
        with pytest.raises(NotFound, match="no such client"):
            records.get("clients", "C-B")
        with pytest.raises(NotFound, match="no such client"):
            records.get("clients", "C-NOBODY")
        with pytest.raises(Denied, match="may not delete encounter"):
            records.delete("encounters", "E-A")
        with pytest.raises(Denied, match="administrator"):
            Records(uow, admin).get("clients", "C-CPR")
        logged = entries(uow.connection)[before:]
    assert [(e.action, e.client_id) for e in logged] == [("read", "C-CPR")]


def test_the_permissions_page_is_up_to_date() -> None:
    from pathlib import Path

    from caseledger.security.docs import render

    page = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
    assert page.read_text(encoding="utf-8") == render(), "run: make docs"


def test_amending_a_note_goes_through_the_guard(store: Store) -> None:
    with store.unit_of_work(actor="dana") as uow:
        clinician = Records(uow, _principal("clinician"))
        clinician.amend_note("E-A", "Corrected.", "wrong time")
        assert clinician.note_history("E-A").current == "Corrected."
        assert ("amend", "note") in {(d.action, d.record_type) for d in clinician.guard.decisions}
        with pytest.raises(NotFound):
            clinician.amend_note("E-B", "Corrected.", "wrong time")
        with pytest.raises(Denied):
            Records(uow, _principal("billing")).amend_note("E-A", "x", "y")

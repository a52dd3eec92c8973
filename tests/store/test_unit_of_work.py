"""One unit of work is one transaction: all of it lands, or none of it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseledger.store import Store
from caseledger.store.access_log import entries

from .conftest import START, table_contents

AGENCY = {"agency_id": "A1", "name": "Agency"}
CLIENT = {"client_id": "C1", "agency_id": "A1", "first_name": "Ada", "dob": dt.date(1970, 1, 1)}


class Boom(Exception):
    pass


def test_changes_commit_when_the_block_ends(store: Store) -> None:
    with store.unit_of_work(actor="tester") as uow:
        uow.repo("agency").sync([AGENCY])
        uow.repo("clients").sync([CLIENT])
    with store.unit_of_work(actor="tester") as uow:
        assert uow.repo("clients").count() == 1


def test_an_exception_rolls_everything_back_access_log_included(store: Store) -> None:
    before = table_contents(store)
    with pytest.raises(Boom), store.unit_of_work(actor="tester") as uow:
        uow.repo("agency").sync([AGENCY])
        uow.repo("clients").sync([CLIENT])  # logs a "create" entry for C1
        assert len(entries(uow.connection)) == 1
        raise Boom
    assert table_contents(store) == before


def test_discard_rolls_back_a_dry_run(store: Store) -> None:
    before = table_contents(store)
    with store.unit_of_work(actor="tester") as uow:
        uow.repo("agency").sync([AGENCY])
        uow.discard()
    assert table_contents(store) == before


def test_a_broken_reference_fails_at_commit_and_writes_nothing(store: Store) -> None:
    # Foreign keys are checked when the transaction commits (rows of one import may come in
    # any order); a reference that is still broken then fails the whole unit of work.
    before = table_contents(store)
    with (
        pytest.raises(sa.exc.IntegrityError, match=r"(?i)foreign key"),
        store.unit_of_work(actor="tester") as uow,
    ):
        uow.repo("clients").sync([{"client_id": "C1", "agency_id": "nowhere"}])
    assert table_contents(store) == before


def test_rows_may_refer_forward_within_a_unit_of_work(store: Store) -> None:
    with store.unit_of_work(actor="tester") as uow:
        uow.repo("agency").sync([AGENCY])
        staff = [
            {"staff_id": "S2", "agency_id": "A1", "supervisor_id": "S1"},
            {"staff_id": "S1", "agency_id": "A1"},
        ]
        assert uow.repo("staff").sync(staff).added == 2
    with store.unit_of_work(actor="tester") as uow:
        row = uow.repo("staff").get("S2")
    assert row is not None and row["supervisor_id"] == "S1"


def test_every_access_entry_carries_the_actor_and_the_clock_time(store: Store) -> None:
    with store.unit_of_work(actor="dana") as uow:
        uow.repo("agency").sync([AGENCY])
        uow.repo("clients").sync([CLIENT])
        uow.repo("clients").get("C1")
        logged = entries(uow.connection)
    assert [(e.actor, e.action, e.client_id) for e in logged] == [
        ("dana", "create", "C1"),
        ("dana", "read", "C1"),
    ]
    # The fixed clock starts at START and steps one second per reading.
    assert logged[0].at == START.replace(tzinfo=None)
    assert logged[1].at == START.replace(tzinfo=None) + dt.timedelta(seconds=1)


def test_the_actor_defaults_to_the_operating_system_user(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "os-user")
    monkeypatch.setenv("USER", "os-user")
    with store.unit_of_work() as uow:
        assert uow.actor == "os-user"


def test_reads_in_a_batch_are_logged_together_as_it_ends(store: Store) -> None:
    """A batch writes its entries when it ends, with one clock reading, and none is lost when
    it ends in an error the caller then handles."""
    with store.unit_of_work(actor="dana") as uow:
        uow.repo("agency").sync([AGENCY])
        uow.repo("clients").sync([CLIENT])
        with uow.access.batched():
            uow.repo("clients").get("C1")
            uow.repo("enrollments").list_by_parent("C1")
            uow.repo("clients").get("C1")
            assert [e.action for e in entries(uow.connection)] == ["create"]
        reads = [e for e in entries(uow.connection) if e.action == "read"]
        assert [e.client_id for e in reads] == ["C1", "C1"]  # the empty read logs nothing
        assert reads[0].at == reads[1].at == START.replace(tzinfo=None) + dt.timedelta(seconds=1)
        with pytest.raises(Boom), uow.access.batched():
            uow.repo("clients").get("C1")
            raise Boom
        assert len([e for e in entries(uow.connection) if e.action == "read"]) == 3

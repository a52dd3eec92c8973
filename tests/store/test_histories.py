"""Client histories kept between reads: given again only while the client's encounters are
unchanged, whatever wrote to them, and every read still in the access log."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from caseledger.store import Store
from caseledger.store.access_log import entries
from caseledger.store.histories import Histories
from caseledger.store.slices import encounter_slice
from caseledger.store.tables import client_revisions
from tests.store.test_repositories import encounter

CLIENTS = [{"client_id": c, "agency_id": "A1"} for c in ("C1", "C2")]


@pytest.fixture
def seeded(store: Store) -> Store:
    with store.unit_of_work(actor="seed") as uow:
        uow.repo("agency").sync([{"agency_id": "A1", "name": "Agency"}])
        uow.repo("staff").sync([{"staff_id": "S1", "agency_id": "A1"}])
        uow.repo("clients").sync(CLIENTS)
        uow.encounters.sync(
            [encounter("E1", "C1", 1), encounter("E2", "C1", 2), encounter("E3", "C2", 2)]
        )
    return store


def _revision(store: Store, client_id: str) -> int:
    with store.engine.connect() as conn:
        found = conn.execute(
            sa.select(client_revisions.c.revision).where(client_revisions.c.client_id == client_id)
        ).scalar_one_or_none()
    return int(found or 0)


def _history(store: Store, client_id: str = "C1") -> Any:
    with store.unit_of_work(actor="reader") as uow:
        return uow.client_history(client_id)


def test_every_write_to_a_client_encounters_moves_its_count(seeded: Store) -> None:
    """Inserts, updates (moving a line to another client counts for both) and deletes, through
    the repositories or in plain SQL."""
    counts = [(_revision(seeded, "C1"), _revision(seeded, "C2"))]
    with seeded.unit_of_work(actor="t") as uow:
        uow.encounters.upsert_many([encounter("E4", "C1", 3)])
    counts.append((_revision(seeded, "C1"), _revision(seeded, "C2")))
    with seeded.engine.begin() as conn:
        conn.execute(sa.text("UPDATE encounters SET units = 2 WHERE encounter_id = 'E1'"))
    counts.append((_revision(seeded, "C1"), _revision(seeded, "C2")))
    with seeded.engine.begin() as conn:
        conn.execute(sa.text("UPDATE encounters SET client_id = 'C2' WHERE encounter_id = 'E2'"))
    counts.append((_revision(seeded, "C1"), _revision(seeded, "C2")))
    with seeded.unit_of_work(actor="t") as uow:
        uow.encounters.delete("E3")
    counts.append((_revision(seeded, "C1"), _revision(seeded, "C2")))
    c1 = [c[0] for c in counts]
    c2 = [c[1] for c in counts]
    assert c1[1] > c1[0] and c1[2] > c1[1] and c1[3] > c1[2] and c1[4] == c1[3]
    assert c2[1] == c2[0] and c2[2] == c2[1] and c2[3] > c2[2] and c2[4] > c2[3]


def test_a_history_is_given_again_while_unchanged_and_read_anew_after_a_write(
    seeded: Store,
) -> None:
    first = _history(seeded)
    again = _history(seeded)
    assert again is first and again.key is not None
    assert [r["encounter_id"] for r in first.rows] == ["E1", "E2"]
    # a write another program makes, in plain SQL, is seen
    with seeded.engine.begin() as conn:
        conn.execute(sa.text("UPDATE encounters SET units = 3 WHERE encounter_id = 'E2'"))
    after = _history(seeded)
    assert after.key != first.key
    assert [r["units"] for r in after.rows][1] == 3
    # another client's write leaves it kept
    with seeded.unit_of_work(actor="t") as uow:
        uow.encounters.upsert_many([encounter("E5", "C2", 9)])
    assert _history(seeded) is after


def test_a_history_read_in_a_rolled_back_transaction_is_not_kept(seeded: Store) -> None:
    kept = _history(seeded)
    with pytest.raises(RuntimeError), seeded.unit_of_work(actor="t") as uow:
        uow.encounters.upsert_many([encounter("E9", "C1", 9)])
        inside = uow.client_history("C1")
        assert "E9" in {r["encounter_id"] for r in inside.rows}
        raise RuntimeError("abandon")
    after = _history(seeded)
    assert after is kept
    assert "E9" not in {r["encounter_id"] for r in after.rows}
    # a later write of the same count, with other rows, is read afresh
    with seeded.unit_of_work(actor="t") as uow:
        uow.encounters.upsert_many([encounter("E8", "C1", 8)])
    assert [r["encounter_id"] for r in _history(seeded).rows] == ["E1", "E2", "E8"]


def test_a_kept_history_is_still_in_the_access_log(seeded: Store) -> None:
    _history(seeded)
    _history(seeded)
    with seeded.engine.connect() as conn:
        reads = [
            e
            for e in entries(conn)
            if e.action == "read" and e.record_type == "encounters" and e.client_id == "C1"
        ]
    assert [(e.actor, e.record_id, e.detail) for e in reads] == [("reader", None, "2 row(s)")] * 2


def test_nothing_is_kept_when_asked_to_keep_nothing(seeded: Store) -> None:
    seeded.histories = Histories(capacity=0)
    assert _history(seeded) is not _history(seeded)


def test_the_slice_begins_with_the_client_history_less_the_encounter(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        dataset, _ = encounter_slice(uow, "E1")
    assert dataset.history is not None
    rows = dataset.rows("encounters")
    assert [r["encounter_id"] for r in dataset.history.rows] == ["E1", "E2"]
    assert rows[0] is dataset.history.rows[1]
    assert rows[-1]["encounter_id"] == "E1"

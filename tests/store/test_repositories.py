"""Repositories: values come back exactly as they went in, writes report what they did, and
every read or change of a client's rows is in the access log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.store import Store
from caseledger.store.access_log import entries

AGENCY = {"agency_id": "A1", "name": "Agency"}
STAFF = [{"staff_id": "S1", "agency_id": "A1"}, {"staff_id": "S2", "agency_id": "A1"}]
CLIENTS = [
    {"client_id": "C1", "agency_id": "A1", "first_name": "Zoë"},
    {"client_id": "C2", "agency_id": "A1", "first_name": "Li"},
]


def encounter(encounter_id: str, client_id: str, day: int, **values: Any) -> dict[str, Any]:
    return {
        "encounter_id": encounter_id,
        "client_id": client_id,
        "service_code": "H2017",
        "date": dt.date(2024, 3, day),
        **values,
    }


@pytest.fixture
def seeded(store: Store) -> Store:
    with store.unit_of_work(actor="seed") as uow:
        uow.repo("agency").sync([AGENCY])
        uow.repo("staff").sync(STAFF)
        uow.repo("clients").sync(CLIENTS)
        uow.repo("group_sessions").sync([{"group_id": "G1", "date": dt.date(2024, 3, 2)}])
        uow.encounters.sync(
            [
                encounter("E1", "C1", 1, staff_id="S1"),
                encounter("E2", "C1", 2, staff_id="S2", group_id="G1"),
                encounter("E3", "C2", 2, staff_id="S2", group_id="G1"),
                encounter("E4", "C2", 31, staff_id="S1"),
            ]
        )
    return store


def test_every_kind_of_value_comes_back_exactly(store: Store) -> None:
    row = encounter(
        "E1",
        "C1",
        5,
        modifiers=("HO", "HQ"),
        start_time=dt.time(9, 5),
        end_time=dt.time(23, 59),
        units=Decimal("2.5"),
        charge=Decimal("20.36"),
        place="community",
        activity="crisis",
        goal_ids=("G1", "G2"),
        billable=False,
        note_text='He said "no, thanks",\nthen left — café ✓',
        note_signed_on=dt.date(2024, 3, 6),
    )
    with store.unit_of_work(actor="t") as uow:
        uow.repo("agency").sync([AGENCY])
        uow.repo("clients").sync(CLIENTS)
        uow.encounters.sync([row])
        uow.repo("missed_appointments").sync(
            [
                {
                    "missed_id": "M1",
                    "client_id": "C1",
                    "scheduled_at": dt.datetime(2024, 3, 7, 13, 30),
                }
            ]
        )
        uow.repo("progress_reports").sync(
            [{"report_id": "R1", "client_id": "C1", "month": dt.date(2024, 2, 1)}]
        )
    with store.unit_of_work(actor="t") as uow:
        got = uow.encounters.get("E1")
        missed = uow.repo("missed_appointments").get("M1")
        report = uow.repo("progress_reports").get("R1")
    assert got is not None and missed is not None and report is not None
    for name, value in row.items():
        assert got[name] == value, name
        assert type(got[name]) is type(value), name
    assert str(got["charge"]) == "20.36" and str(got["units"]) == "2.5"
    assert missed["scheduled_at"] == dt.datetime(2024, 3, 7, 13, 30)
    assert report["month"] == dt.date(2024, 2, 1)
    assert got["staff_id"] is None and got["modifiers"] == ("HO", "HQ")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: abs(d.adjusted()) < 300
    )
)
def test_decimals_round_trip_exactly(store: Store, value: Decimal) -> None:
    with store.unit_of_work(actor="t") as uow:
        uow.repo("agency").sync([AGENCY])
        uow.repo("staff").sync(STAFF)
        uow.repo("staff_trainings").sync([{"staff_id": "S1", "topic": "cbt", "hours": value}])
        (stored,) = uow.repo("staff_trainings").list_by_parent("S1")
        uow.discard()
    assert stored["hours"] == value
    assert isinstance(stored["hours"], Decimal)


def test_extra_columns_are_kept_and_returned_after_the_contract_columns(store: Store) -> None:
    with store.unit_of_work(actor="t") as uow:
        uow.repo("agency").sync([{**AGENCY, "region": "north", "ehr_key": ""}])
        row = uow.repo("agency").get("A1")
    assert row is not None
    assert list(row)[-2:] == ["region", "ehr_key"]
    assert (row["region"], row["ehr_key"]) == ("north", "")


def test_sync_counts_added_changed_and_unchanged_by_value(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        changes = uow.repo("clients").sync(
            [
                {"client_id": "C1", "agency_id": "A1", "first_name": "Zoë"},  # same
                {"client_id": "C2", "agency_id": "A1", "first_name": "Lee"},  # changed
                {"client_id": "C3", "agency_id": "A1"},  # new
            ]
        )
        assert (changes.added, changes.changed, changes.unchanged, changes.removed) == (1, 1, 1, 0)
        row = uow.repo("clients").get("C2")
    assert row is not None and row["first_name"] == "Lee"


def test_child_rows_given_for_a_parent_replace_its_stored_rows(seeded: Store) -> None:
    old = [
        {"client_id": "C1", "icd10": "F33.1", "rank": 1, "start_date": None},
        {"client_id": "C1", "icd10": "F41.1", "rank": 2, "start_date": None},
        {"client_id": "C2", "icd10": "F10.20", "rank": 1, "start_date": None},
    ]
    new = [
        {"client_id": "C1", "icd10": "F33.1", "rank": 1, "start_date": None},  # unchanged
        {"client_id": "C1", "icd10": "F43.10", "rank": 2, "start_date": None},  # added
    ]
    with seeded.unit_of_work(actor="t") as uow:
        diagnoses = uow.repo("diagnoses")
        assert diagnoses.sync(old).added == 3
        changes = diagnoses.sync(new)
        assert (changes.added, changes.changed, changes.unchanged, changes.removed) == (1, 0, 1, 1)
        assert {r["icd10"] for r in diagnoses.list_by_parent("C1")} == {"F33.1", "F43.10"}
        # C2 was not in the rows given, so its diagnosis stays.
        assert [r["icd10"] for r in diagnoses.list_by_parent("C2")] == ["F10.20"]
        # A changed value under the same natural key is a change, not a remove and an add.
        changed = diagnoses.sync([{**new[0], "rank": 3}, new[1]])
        assert (changed.changed, changed.unchanged, changed.removed) == (1, 1, 0)


def test_upsert_many_never_removes_children(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        goals = [
            {"client_id": "C1", "program": "sst", "start_date": dt.date(2024, 1, 1)},
            {"client_id": "C1", "program": "cpr", "start_date": dt.date(2024, 1, 1)},
        ]
        uow.repo("enrollments").sync(goals)
        changes = uow.repo("enrollments").upsert_many(goals[:1])
        assert changes.removed == 0
        assert uow.repo("enrollments").count() == 2


def test_delete_children_removes_one_parents_rows_and_logs_it(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        uow.repo("enrollments").sync(
            [
                {"client_id": "C1", "program": "sst", "start_date": dt.date(2024, 1, 1)},
                {"client_id": "C2", "program": "cpr", "start_date": dt.date(2024, 1, 1)},
            ]
        )
        assert uow.repo("enrollments").delete_children("C1") == 1
        assert uow.repo("enrollments").count() == 1
        last = entries(uow.connection)[-1]
    assert (last.action, last.client_id, last.record_type) == ("delete", "C1", "enrollments")


def test_encounter_lookups(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        enc = uow.encounters
        assert [r["encounter_id"] for r in enc.for_client("C1")] == ["E1", "E2"]
        assert [r["encounter_id"] for r in enc.for_staff("S2")] == ["E2", "E3"]
        assert [r["encounter_id"] for r in enc.for_group("G1")] == ["E2", "E3"]
        march_2 = dt.date(2024, 3, 2)
        assert [r["encounter_id"] for r in enc.for_client("C2", march_2, march_2)] == ["E3"]
        assert [r["encounter_id"] for r in enc.for_staff("S1", start=march_2)] == ["E4"]


def test_rows_for_a_period_by_date_by_span_and_undated(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        uow.repo("authorizations").sync(
            [
                {"authorization_id": "AU1", "client_id": "C1", "kind": "service",
                 "start_date": dt.date(2024, 1, 1), "end_date": dt.date(2024, 2, 29)},
                {"authorization_id": "AU2", "client_id": "C1", "kind": "service",
                 "start_date": dt.date(2024, 3, 1), "end_date": None},
                {"authorization_id": "AU3", "client_id": "C1", "kind": "service",
                 "start_date": None, "end_date": dt.date(2024, 3, 2)},
            ]
        )  # fmt: skip
        uow.repo("contacts").sync(
            [
                {"contact_id": "K1", "client_id": "C1", "at": dt.datetime(2024, 3, 31, 23, 59)},
                {"contact_id": "K2", "client_id": "C1", "at": dt.datetime(2024, 4, 1, 0, 0)},
            ]
        )
        march = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
        assert [r["encounter_id"] for r in uow.encounters.for_period(*march)] == [
            "E1", "E2", "E3", "E4",
        ]  # fmt: skip
        assert [r["encounter_id"] for r in uow.encounters.for_period(march[0], march[0])] == ["E1"]
        assert [r["authorization_id"] for r in uow.repo("authorizations").for_period(*march)] == [
            "AU2", "AU3",
        ]  # fmt: skip
        assert [r["contact_id"] for r in uow.repo("contacts").for_period(*march)] == ["K1"]
        assert len(uow.repo("clients").for_period(*march)) == 2  # clients are not dated
        with pytest.raises(ValueError):
            uow.encounters.for_period(march[1], march[0])


def test_reads_are_logged_once_per_client_per_call(seeded: Store) -> None:
    with seeded.unit_of_work(actor="reader") as uow:
        before = len(entries(uow.connection))
        uow.encounters.all()
        new = entries(uow.connection)[before:]
    assert sorted((e.action, e.client_id, e.record_type, e.detail) for e in new) == [
        ("read", "C1", "encounters", "2 row(s)"),
        ("read", "C2", "encounters", "2 row(s)"),
    ]
    assert {e.actor for e in new} == {"reader"}


def test_reads_of_rows_tied_to_a_client_through_their_parent_are_logged(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        uow.repo("plans").sync(
            [{"plan_id": "P1", "client_id": "C2", "program": "cpr", "kind": "treatment"}]
        )
        uow.repo("plan_goals").sync([{"plan_id": "P1", "goal_id": "G1", "text": "Budget"}])
        before = len(entries(uow.connection))
        assert len(uow.repo("plan_goals").list_by_parent("P1")) == 1
        (entry,) = entries(uow.connection)[before:]
    assert (entry.action, entry.client_id, entry.record_type) == ("read", "C2", "plan_goals")


def test_reads_of_tables_without_client_data_are_not_logged(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        before = len(entries(uow.connection))
        uow.repo("staff").all()
        uow.repo("clients").ids()
        uow.repo("encounters").count()
        assert len(entries(uow.connection)) == before


def test_moving_an_encounter_to_another_client_logs_both(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        before = len(entries(uow.connection))
        uow.encounters.upsert_many([encounter("E1", "C2", 1, staff_id="S1")])
        touched = {(e.action, e.client_id) for e in entries(uow.connection)[before:]}
    assert touched == {("update", "C1"), ("update", "C2")}


def test_misuse_is_refused(seeded: Store) -> None:
    with seeded.unit_of_work(actor="t") as uow:
        with pytest.raises(TypeError):
            uow.repo("enrollments").get("C1")
        with pytest.raises(TypeError):
            uow.repo("clients").list_by_parent("A1")
        with pytest.raises(KeyError):
            uow.repo("clients").list_where(nickname="x")
        with pytest.raises(ValueError, match="given twice"):
            uow.repo("clients").sync([CLIENTS[0], CLIENTS[0]])
        assert [r["client_id"] for r in uow.repo("clients").list_where(first_name="Li")] == ["C2"]


def test_updates_store_every_kind_of_value_exactly(seeded: Store) -> None:
    changed = encounter(
        "E1",
        "C1",
        1,
        staff_id="S1",
        units=Decimal("0.25"),
        charge=Decimal("5.09"),
        modifiers=("HQ",),
        goal_ids=("G9",),
        start_time=dt.time(7, 45),
        legacy="kept",
    )
    with seeded.unit_of_work(actor="t") as uow:
        assert uow.encounters.sync([changed]).changed == 1
        uow.repo("diagnoses").sync([{"client_id": "C1", "icd10": "F33.1", "rank": 1}])
        assert uow.repo("diagnoses").sync([{"client_id": "C1", "icd10": "F33.1", "rank": 2,
                                            "note": "x"}]).changed == 1  # fmt: skip
    with seeded.unit_of_work(actor="t") as uow:
        row = uow.encounters.get("E1")
        (diagnosis,) = uow.repo("diagnoses").list_by_parent("C1")
    assert row is not None
    assert (row["units"], row["charge"]) == (Decimal("0.25"), Decimal("5.09"))
    assert (row["modifiers"], row["goal_ids"]) == (("HQ",), ("G9",))
    assert (row["start_time"], row["legacy"]) == (dt.time(7, 45), "kept")
    assert (diagnosis["rank"], diagnosis["note"]) == (2, "x")

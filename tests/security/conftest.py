"""A store with two agencies, each with a client, an encounter, a plan and an authorization, and
a clock the tests move by hand."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from caseledger.facts.dataset import write_dataset
from caseledger.security.accounts import Accounts
from caseledger.security.passwords import fast_hasher
from caseledger.store import Store
from caseledger.store.importer import import_dataset
from tests.rules.scenario import Scenario

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"
#: one record of each kind per agency: (table, id column, agency A1's id, agency A2's id)
RECORDS = (
    ("clients", "client_id", "C-CPR", "C-B"),
    ("encounters", "encounter_id", "E-A", "E-B"),
    ("plans", "plan_id", "P-CPR", "P-B"),
    ("authorizations", "authorization_id", "AU-A", "AU-B"),
    ("staff", "staff_id", "S-LPC", "S-B"),
    ("agency", "agency_id", "A1", "A2"),
)


class HandClock:
    """A clock that stands still until moved."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


def _one(s: Scenario, table: str, **match: Any) -> dict[str, Any]:
    return s.row(table, **match)


def two_agencies() -> Scenario:
    s = Scenario()
    s.encounter("cpr", encounter_id="E-A")
    s.add(
        "authorizations",
        authorization_id="AU-A",
        client_id="C-CPR",
        kind="service",
        service_code="H2017",
        number="PA-1",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
        units=None,
    )
    agency = copy.deepcopy(_one(s, "agency", agency_id="A1"))
    s.add("agency", **{**agency, "agency_id": "A2", "npi": "1245319599"})
    staff = copy.deepcopy(_one(s, "staff", staff_id="S-LPC"))
    s.add("staff", **{**staff, "staff_id": "S-B", "agency_id": "A2"})
    client = copy.deepcopy(_one(s, "clients", client_id="C-CPR"))
    s.add("clients", **{**client, "client_id": "C-B", "agency_id": "A2"})
    plan = copy.deepcopy(_one(s, "plans", plan_id="P-CPR"))
    s.add("plans", **{**plan, "plan_id": "P-B", "client_id": "C-B", "signed_by": "S-B"})
    s.add("authorizations", **{**copy.deepcopy(_one(s, "authorizations", authorization_id="AU-A")),
                               "authorization_id": "AU-B", "client_id": "C-B"})  # fmt: skip
    s.encounter("cpr", encounter_id="E-B", client_id="C-B", staff_id="S-B", note_signed_by="S-B")
    return s


@pytest.fixture
def clock() -> HandClock:
    return HandClock(START)


@pytest.fixture
def store(tmp_path: Path, clock: HandClock) -> Iterator[Store]:
    write_dataset(two_agencies().dataset(), tmp_path / "data")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store.open(url, clock=clock) as opened:
        report = import_dataset(opened, tmp_path / "data", actor="setup")
        assert report.committed, [str(p) for p in report.problems[:5]]
        yield opened


def accounts(uow: Any) -> Accounts:
    return Accounts(uow, hasher=fast_hasher())

"""The web app on a store with two agencies, and accounts in both."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from caseledger.facts.dataset import write_dataset
from caseledger.security import mfa
from caseledger.security.passwords import fast_hasher
from caseledger.store import Store
from caseledger.store.importer import import_dataset
from caseledger.web.app import WebSettings, create_app
from tests.rules.scenario import Scenario
from tests.security.conftest import PASSWORD, START, HandClock, accounts, two_agencies

USERS = {  # user name: (agency, role, the staff member they are)
    "cleo": ("A1", "clinician", "S-LPC"),
    "bill": ("A1", "billing", None),
    "bea": ("A2", "clinician", "S-B"),
    "carl": ("A1", "clinician", "S-CSW"),
    "sue": ("A1", "supervisor", "S-LPC2"),
    "ada": ("A1", "administrator", None),
    "cora": ("A1", "compliance", None),
}


#: the clients of agency A1 a group session can take (C-CPR and eight more like it)
GROUP_CLIENTS = ("C-CPR", *(f"C-P{n}" for n in range(2, 10)))


def web_agencies() -> Scenario:
    """Two agencies, with nine CPR clients and a second licensed professional in A1."""
    s = two_agencies()
    client = copy.deepcopy(s.row("clients", client_id="C-CPR"))
    for other in GROUP_CLIENTS[1:]:
        s.add("clients", **{**client, "client_id": other})
    staff = copy.deepcopy(s.row("staff", staff_id="S-LPC"))
    s.add("staff", **{**staff, "staff_id": "S-LPC2", "first_name": "Second"})
    s.encounter(
        "cpr",
        dt.date(2025, 2, 20),
        encounter_id="E-DRAFT",
        note_signed_by=None,
        note_signed_on=None,
        note_text="Reviewed the bus plan; two stops practised.",
    )
    s.encounter("sst", dt.date(2025, 1, 10))  # one half-day toward the SST lifetime cap
    # Something for January's audit to find: a code no pack knows.
    s.encounter(
        "cpr", dt.date(2025, 1, 20), encounter_id="E-BADCODE", service_code="H9999", modifiers=()
    )
    return s


@pytest.fixture
def clock() -> HandClock:
    return HandClock(START)


@pytest.fixture
def web_store(tmp_path: Path, clock: HandClock) -> tuple[str, dict[str, str]]:
    """The store's URL and each user's authenticator secret."""
    write_dataset(web_agencies().dataset(), tmp_path / "data")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    secrets = {}
    with Store.open(url, clock=clock) as store:
        assert import_dataset(store, tmp_path / "data", actor="setup").committed
        with store.unit_of_work(actor="admin") as uow:
            for name, (agency, role, staff) in USERS.items():
                _, enrollment = accounts(uow).add(
                    name, name.title(), agency, role, PASSWORD, staff_id=staff
                )
                secrets[name] = enrollment.secret
    return url, secrets


@pytest.fixture
def client(web_store: tuple[str, dict[str, str]], clock: HandClock) -> Iterator[TestClient]:
    url, _ = web_store
    settings = WebSettings(hasher=fast_hasher(), warm_checker=False)
    app = create_app(url, clock=clock, settings=settings)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def code_for(secret: str, clock: HandClock) -> str:
    clock.advance(seconds=30)  # each sign-in uses the next code: a code is good once
    return mfa.code_at(secret, clock.now())

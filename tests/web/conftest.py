"""The web app on a store with two agencies, and accounts in both."""

from __future__ import annotations

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
from tests.security.conftest import PASSWORD, START, HandClock, accounts, two_agencies

USERS = {  # user name: (agency, role)
    "cleo": ("A1", "clinician"),
    "bill": ("A1", "billing"),
    "bea": ("A2", "clinician"),
}


@pytest.fixture
def clock() -> HandClock:
    return HandClock(START)


@pytest.fixture
def web_store(tmp_path: Path, clock: HandClock) -> tuple[str, dict[str, str]]:
    """The store's URL and each user's authenticator secret."""
    write_dataset(two_agencies().dataset(), tmp_path / "data")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    secrets = {}
    with Store.open(url, clock=clock) as store:
        assert import_dataset(store, tmp_path / "data", actor="setup").committed
        with store.unit_of_work(actor="admin") as uow:
            for name, (agency, role) in USERS.items():
                _, enrollment = accounts(uow).add(name, name.title(), agency, role, PASSWORD)
                secrets[name] = enrollment.secret
    return url, secrets


@pytest.fixture
def client(web_store: tuple[str, dict[str, str]], clock: HandClock) -> Iterator[TestClient]:
    url, _ = web_store
    app = create_app(url, clock=clock, settings=WebSettings(hasher=fast_hasher()))
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def code_for(secret: str, clock: HandClock) -> str:
    clock.advance(seconds=30)  # each sign-in uses the next code: a code is good once
    return mfa.code_at(secret, clock.now())

"""Administration (accounts, emergency access, the access log) and the policy pages."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.security.conftest import PASSWORD, HandClock
from tests.web.test_sign_in import _csrf, signed_in_as


def test_the_code_history_is_looked_up_by_date(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    signed_in_as(client, web_store, clock, "cleo")
    before = client.get("/policy", params={"code": "0372T", "on": "2018-12-31"}).text
    after = client.get("/policy", params={"code": "0372T", "on": "2019-01-01"}).text
    assert "In force" in before
    assert "Not in force" in after and "2018-12-31" in after and "97153" in after
    assert "PSR-GROUP-SIZE" in before


def test_an_administrator_manages_the_agencys_accounts(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = signed_in_as(client, web_store, clock, "ada")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "cleo" in page.text and "bea" not in page.text
    added = client.post(
        "/admin/users",
        data={"username": "nina", "name": "Nina N", "role": "direct_care",
              "password": PASSWORD, "csrf": token},
    )  # fmt: skip
    assert added.status_code == 201 and "nina added" in added.text
    assert "recovery codes" in added.text
    weak = client.post(
        "/admin/users",
        data={"username": "nora", "name": "Nora", "role": "billing", "password": "short",
              "csrf": token},
    )  # fmt: skip
    assert weak.status_code == 422 and "shorter than 12" in weak.text
    assert client.post("/admin/users/bea/disable", data={"csrf": token}).status_code == 404
    client.post("/admin/users/nina/disable", data={"csrf": token})
    assert "disabled" in client.get("/admin/users").text


def test_only_administrators_see_accounts_and_the_log_shows_only_the_agency(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    signed_in_as(client, web_store, clock, "cleo")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/access-log").status_code == 403
    client.post("/sign-out", data={"csrf": _csrf(client, "/")})
    signed_in_as(client, web_store, clock, "cora")
    log = client.get("/admin/access-log", params={"day": "2025-03-03"})
    assert log.status_code == 200 and "The access log is intact" in log.text
    assert "C-CPR" in log.text and "C-B" not in log.text


def test_my_day_lists_my_notes_to_sign_and_authorizations_ending(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    signed_in_as(client, web_store, clock, "cleo")  # S-LPC, whose E-DRAFT note is unsigned
    page = client.get("/").text
    assert "Notes to write and sign (1)" in page and "/encounters/E-DRAFT" in page
    assert "Authorizations ending within 30 days (0)" in page
    clock.advance(days=300)  # AU-A ends 2025-12-31
    signed_in_as(client, web_store, clock, "cleo")
    later = client.get("/").text
    assert 'href="/clients/C-CPR">C-CPR</a>: H2017' in later and "ends 2025-12-31" in later
    assert "C-B" not in later  # agency A2's authorization ends then too


def test_a_clients_page_shows_plans_authorizations_and_the_lifetime_cap(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    signed_in_as(client, web_store, clock, "cleo")
    cpr = client.get("/clients/C-CPR").text
    assert "Enrolled in cpr" in cpr and "F33.1" in cpr
    assert "Plans" in cpr and "Use coping skills" in cpr
    assert "PA-1" in cpr and "unit(s) drawn" in cpr
    sst = client.get("/clients/C-SST").text
    assert "lifetime half-days" in sst and "<progress" in sst
    assert "1 of 26 lifetime half-days" in sst


def test_ready_says_when_the_rules_are_prepared(
    web_store: tuple[str, dict[str, str]], monkeypatch: Any
) -> None:
    from caseledger.security.passwords import fast_hasher
    from caseledger.web.app import WebSettings, create_app
    from caseledger.web.site import Site

    url, _ = web_store
    cold = create_app(url, settings=WebSettings(hasher=fast_hasher(), warm_checker=False))
    with TestClient(cold, base_url="https://testserver") as c:
        assert c.get("/ready").status_code == 200  # nothing to prepare ahead
    monkeypatch.setattr(Site, "warm_up", lambda self: None)  # preparing never finishes
    warming = create_app(url, settings=WebSettings(hasher=fast_hasher()))
    with TestClient(warming, base_url="https://testserver") as c:
        assert c.get("/ready").status_code == 503
        warming.state.site.ready.set()
        assert c.get("/ready").status_code == 200

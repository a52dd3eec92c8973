"""Signing in to the web app, and what every page promises: no caching, CSRF on every form,
another agency's client not found, a role that may not read is refused."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.security.conftest import PASSWORD, HandClock
from tests.web.conftest import code_for


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def sign_in(client: TestClient, name: str, secret: str, clock: HandClock) -> None:
    token = _csrf(client, "/sign-in")
    first = client.post("/sign-in", data={"username": name, "password": PASSWORD, "csrf": token},
                        follow_redirects=False)  # fmt: skip
    assert first.status_code == 303 and first.headers["location"] == "/sign-in/code"
    token = _csrf(client, "/sign-in/code")
    done = client.post("/sign-in/code", data={"code": code_for(secret, clock), "csrf": token},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/", done.text


def signed_in_as(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock, name: str
) -> str:
    """Signs ``name`` in (password and code) and returns a CSRF token for their forms."""
    sign_in(client, name, web_store[1][name], clock)
    return _csrf(client, "/")


def test_pages_need_a_session_and_a_second_factor(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    _, secrets = web_store
    assert client.get("/clients", follow_redirects=False).headers["location"] == "/sign-in"
    token = _csrf(client, "/sign-in")
    client.post("/sign-in", data={"username": "cleo", "password": PASSWORD, "csrf": token})
    # Password alone: the enrollment page shows the key, and pages stay closed.
    page = client.get("/sign-in/code")
    assert secrets["cleo"] in page.text
    assert client.get("/clients", follow_redirects=False).status_code == 303
    token = _csrf(client, "/sign-in/code")
    wrong = client.post("/sign-in/code", data={"code": "000000", "csrf": token})
    assert wrong.status_code == 401 and "not right" in wrong.text
    code = code_for(secrets["cleo"], clock)
    right = client.post("/sign-in/code", data={"code": code, "csrf": token})
    assert right.status_code == 200 and "My day" in right.text


def test_every_response_is_uncached_and_forms_need_their_token(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    _, secrets = web_store
    assert client.get("/sign-in").headers["cache-control"] == "no-store"
    refused = client.post("/sign-in", data={"username": "cleo", "password": PASSWORD,
                                            "csrf": "forged"})  # fmt: skip
    assert refused.status_code == 403 and "expired" in refused.text
    sign_in(client, "cleo", secrets["cleo"], clock)
    page = client.get("/clients/C-CPR")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "E-A" not in page.url.path  # the page's own address carries no record detail


def test_another_agencys_client_is_not_found(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    _, secrets = web_store
    sign_in(client, "bea", secrets["bea"], clock)  # agency A2
    assert client.get("/clients/C-B").status_code == 200
    other = client.get("/clients/C-CPR")
    nobody = client.get("/clients/C-NOBODY")
    assert other.status_code == nobody.status_code == 404
    assert "no such client" in other.text
    assert "C-CPR" not in client.get("/clients").text


def test_sessions_end_after_idle_time(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    _, secrets = web_store
    sign_in(client, "cleo", secrets["cleo"], clock)
    assert client.get("/clients").status_code == 200
    clock.advance(minutes=16)
    assert client.get("/clients", follow_redirects=False).headers["location"] == "/sign-in"


def test_signing_out_ends_the_session(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    _, secrets = web_store
    sign_in(client, "cleo", secrets["cleo"], clock)
    cookie = client.cookies.get("caseledger_session")
    assert cookie
    client.post("/sign-out", data={"csrf": _csrf(client, "/")})
    # The old cookie, kept by someone, is refused: the session is revoked on the server.
    client.cookies.set("caseledger_session", cookie, domain="testserver")
    assert client.get("/clients", follow_redirects=False).headers["location"] == "/sign-in"

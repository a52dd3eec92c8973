"""My day's deadlines: loaded after the page, within the agency."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.security.conftest import HandClock
from tests.web.test_sign_in import sign_in


def test_my_day_loads_the_deadlines(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    sign_in(client, "sue", web_store[1]["sue"], clock)
    home = client.get("/")
    assert 'hx-get="/due"' in home.text
    due = client.get("/due")
    assert due.status_code == 200 and 'id="due-heading"' in due.text
    assert "C-B" not in due.text  # agency A2's client never shows


def test_the_deadlines_need_a_session(client: TestClient) -> None:
    assert client.get("/due", follow_redirects=False).status_code in (303, 401)

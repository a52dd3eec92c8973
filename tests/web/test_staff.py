"""Staff and their compliance: the list with credentials and trainings, and the matrix."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.security.conftest import HandClock
from tests.web.test_sign_in import sign_in


def test_a_supervisor_sees_staff_and_the_compliance_matrix(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    sign_in(client, "sue", web_store[1]["sue"], clock)
    page = client.get("/staff")
    assert page.status_code == 200 and 'id="staff"' in page.text and "S-LPC" in page.text
    assert "S-B " not in page.text  # agency A2's staff member never shows
    matrix = client.get("/staff/matrix")
    assert matrix.status_code == 200 and 'id="compliance"' in matrix.text
    assert "CPR licence" in matrix.text and ">met" in matrix.text


def test_a_clinician_may_not_open_staff(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    sign_in(client, "cleo", web_store[1]["cleo"], clock)
    assert client.get("/staff").status_code == 403
    assert client.get("/staff/matrix").status_code == 403


def test_an_administrator_sees_staff_but_not_the_lines_behind_the_matrix(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    sign_in(client, "ada", web_store[1]["ada"], clock)
    assert client.get("/staff").status_code == 200
    matrix = client.get("/staff/matrix")
    assert matrix.status_code == 200 and 'id="compliance"' not in matrix.text

"""Recording encounters: the findings panel as the form is filled in, a group session of nine,
a community-support note about a drive to probation, and saving only what may be billed."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.security.conftest import HandClock
from tests.web.conftest import GROUP_CLIENTS
from tests.web.test_sign_in import _csrf, sign_in

CPR = {
    "client_id": "C-CPR",
    "staff_id": "S-LPC",
    "service_code": "H2017",
    "modifiers": "HO",
    "date": "2025-03-03",
    "start_time": "10:00",
    "end_time": "10:30",
    "place": "facility",
    "goal_ids": "G1",
    "note_text": "Practiced coping skills for the bus ride to work; rated anxiety 4 of 10.",
    "billable": "on",
    "sign": "on",
}


def _rules(html: str) -> set[str]:
    return set(re.findall(r'data-rule="([A-Z0-9-]+)"', html))


def _signed_in(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock, name: str = "cleo"
) -> str:
    _, secrets = web_store
    sign_in(client, name, secrets[name], clock)
    return _csrf(client, "/encounters/new")


def _check(client: TestClient, token: str, fields: dict[str, Any]) -> str:
    response = client.post("/encounters/check", data={**fields, "csrf": token})
    assert response.status_code == 200, response.text
    return response.text


def test_the_panel_shows_the_findings_of_what_is_typed(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = _signed_in(client, web_store, clock)
    page = client.get("/encounters/new")
    assert 'hx-post="/encounters/check"' in page.text and "htmx-2.0.11.min.js" in page.text
    assert "No findings so far" in _check(client, token, CPR)
    assert "GEN-CODE-UNKNOWN" in _rules(_check(client, token, {**CPR, "service_code": "H9998"}))
    bad_time = _check(client, token, {**CPR, "start_time": "25:00"})
    assert "start time" in bad_time and "not a time of day" in bad_time


def test_a_psr_group_of_nine_needs_a_second_professional(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = _signed_in(client, web_store, clock)
    group = {k: v for k, v in CPR.items() if k != "client_id"}
    group.update(modifiers="HO HQ", attendees=list(GROUP_CLIENTS))
    assert "PSR-GROUP-SIZE" in _rules(_check(client, token, group))
    assert "PSR-GROUP-SIZE" not in _rules(
        _check(client, token, {**group, "second_staff_id": "S-LPC2"})
    )


def test_a_drive_to_probation_is_not_community_support(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = _signed_in(client, web_store, clock, "carl")
    sud = {
        **CPR,
        "client_id": "C-SUD",
        "staff_id": "S-CSW",
        "service_code": "CSW",
        "modifiers": "",
        "start_time": "13:00",
        "end_time": "13:30",
        "place": "community",
        "activity": "",
    }
    drive = {**sud, "note_text": "Drove client to his probation appointment"}
    assert "CSW-NONBILLABLE" in _rules(_check(client, token, drive))


def test_errors_block_billing_unless_not_billable_or_suppressed(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = _signed_in(client, web_store, clock)
    bad = {**CPR, "service_code": "H9998", "modifiers": ""}
    blocked = client.post("/encounters", data={**bad, "csrf": token})
    assert blocked.status_code == 422 and "Errors stand in the way" in blocked.text
    unbilled = {k: v for k, v in bad.items() if k != "billable"}
    saved = client.post("/encounters", data={**unbilled, "csrf": token}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[-600:]
    assert saved.headers["location"] == "/clients/C-CPR"
    suppressing = {**bad, "suppress_reason": "payer confirmed the local code"}
    # A clinician may not suppress findings (the matrix), and nothing of the attempt is kept.
    refused = client.post("/encounters", data={**suppressing, "csrf": token})
    assert refused.status_code == 403 and "may not suppress" in refused.text
    assert client.get("/clients/C-CPR").text.count("H9998") == 1
    client.post("/sign-out", data={"csrf": token})
    token = _signed_in(client, web_store, clock, "sue")
    kept = client.post("/encounters", data={**suppressing, "csrf": token}, follow_redirects=False)
    assert kept.status_code == 303
    assert client.get("/clients/C-CPR").text.count("H9998") == 2


def test_the_live_check_logs_the_records_it_reads(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    import sqlalchemy as sa

    from caseledger.store import Store
    from caseledger.store.tables import access_log

    def reads() -> int:
        with Store.open(web_store[0]) as store, store.unit_of_work() as uow:
            query = sa.select(sa.func.count()).where(
                access_log.c.action == "read", access_log.c.client_id == "C-CPR"
            )
            return int(uow.connection.execute(query).scalar_one())

    token = _signed_in(client, web_store, clock)
    before = reads()
    _check(client, token, CPR)
    assert reads() > before  # the client's records were read for the check, and that is on record

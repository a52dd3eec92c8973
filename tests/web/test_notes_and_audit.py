"""Notes from the web (edit, sign, then only amend) and the audit (run a month, download CSV);
who may do which."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.security.conftest import HandClock
from tests.web.test_sign_in import signed_in_as


def test_a_signed_note_takes_amendments_not_edits(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = signed_in_as(client, web_store, clock, "cleo")
    assert "Not signed yet" in client.get("/encounters/E-DRAFT").text
    edited = client.post("/encounters/E-DRAFT/note", data={"text": "Draft, corrected.",
                                                           "csrf": token})  # fmt: skip
    assert edited.status_code == 200 and "Draft, corrected." in edited.text
    signed = client.post("/encounters/E-DRAFT/sign", data={"csrf": token})
    assert "Signed by S-LPC on 2025-03-03" in signed.text
    refused = client.post("/encounters/E-DRAFT/note", data={"text": "Rewritten.", "csrf": token})
    assert refused.status_code == 409 and "as an amendment" in refused.text
    amended = client.post(
        "/encounters/E-DRAFT/amend",
        data={"text": "Three stops practised.", "reason": "miscounted", "csrf": token},
    )
    page = amended.text
    assert "Amendment 1 by cleo" in page and "Reason: miscounted" in page
    assert "Draft, corrected." in page and "Three stops practised." in page


def test_billing_cannot_open_a_clinical_note(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    signed_in_as(client, web_store, clock, "bill")
    page = client.get("/encounters/E-A")
    assert page.status_code == 403 and "may not read note" in page.text
    assert "coping" not in page.text.lower()


def test_run_the_audit_for_a_month_and_download_the_csv(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = signed_in_as(client, web_store, clock, "sue")
    period = {"from": "2025-01-01", "to": "2025-01-31", "csrf": token}
    shown = client.post("/audit", data=period)
    assert shown.status_code == 200 and 'id="summary"' in shown.text
    download = client.post("/audit/download", data={**period, "format": "csv"})
    assert download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert rows and {"rule", "severity", "citation"} <= set(rows[0])
    assert all("2025-01-01" <= r["date"] <= "2025-01-31" for r in rows if r["date"])
    # Agency A1's audit holds nothing of agency A2.
    assert not any(r["client_id"] == "C-B" for r in rows)


def test_a_clinician_does_not_run_audits(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    signed_in_as(client, web_store, clock, "cleo")
    assert client.get("/audit").status_code == 403

"""Billing from the web: clean and held lines, the 837P download, the 835 upload and what it
posted; only billing (and compliance, to read) may come here, within their own agency."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from caseledger.claims.profile import load_profile
from caseledger.claims.simulator import simulate
from caseledger.policy import load_policy
from tests.security.conftest import HandClock
from tests.web.test_sign_in import signed_in_as

PERIOD = {"from": "2025-01-01", "to": "2025-02-28"}


def test_billing_sees_held_lines_with_reasons_builds_the_837_and_posts_the_835(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = signed_in_as(client, web_store, clock, "bill")
    assert client.get("/billing").status_code == 200
    shown = client.post("/billing", data={**PERIOD, "payer": "mo_healthnet", "csrf": token})
    assert shown.status_code == 200 and 'id="billing-summary"' in shown.text
    assert "E-BADCODE" in shown.text and "GEN-CODE-UNKNOWN" in shown.text
    assert "E-B" not in shown.text.replace("E-BADCODE", "")  # agency A2's line never shows

    built = client.post("/billing/837", data={**PERIOD, "payer": "mo_healthnet", "csrf": token})
    assert built.headers["content-disposition"].startswith("attachment;")
    text = built.text
    assert text.startswith("ISA*") and "~CLM*" in text and "E-BADCODE" not in text

    again = client.post("/billing/837", data={**PERIOD, "payer": "mo_healthnet", "csrf": token})
    assert "Nothing new to bill" in again.text

    broken = client.post(
        "/billing/835", data={"csrf": token}, files={"file": ("bad.835", b"ISA*00*nonsense~")}
    )
    assert "nothing was posted" in broken.text

    answer = simulate(
        text, load_policy(), load_profile(), {}, paid_on=dt.date(2025, 3, 20), control_number=5
    )
    posted = client.post(
        "/billing/835", data={"csrf": token}, files={"file": ("jan.835", answer.encode())}
    )
    assert "Posted" in posted.text
    twice = client.post(
        "/billing/835", data={"csrf": token}, files={"file": ("jan.835", answer.encode())}
    )
    assert "loaded before" in twice.text
    report = client.get("/billing/remittances")
    assert report.status_code == 200 and 'id="totals"' in report.text


def test_a_clinician_may_not_bill(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = signed_in_as(client, web_store, clock, "cleo")
    assert client.get("/billing").status_code == 403
    refused = client.post("/billing/837", data={**PERIOD, "csrf": token})
    assert refused.status_code == 403 and "ISA*" not in refused.text

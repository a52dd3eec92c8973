"""Documents from the web: the SST monthly report drafted, completed and sent as a PDF; a plan as
PDF; the evidence package; each only for the roles that may."""

from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient

from tests.security.conftest import HandClock
from tests.web.test_sign_in import _csrf, signed_in_as


def test_a_supervisor_drafts_completes_and_sends_the_monthly_report(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = signed_in_as(client, web_store, clock, "sue")
    form = client.get("/clients/C-SST/monthly-report?month=2025-01")
    assert form.status_code == 200 and "<textarea" in form.text and "1 session(s)" in form.text
    fields = {
        name: f"Supervisor's words for {name}."
        for name in (
            "barriers",
            "progress",
            "family_education",
            "family_response",
            "effective_techniques",
            "next_priorities",
            "expected_duration",
            "expected_outcome",
        )
    }
    gap = client.post(
        "/clients/C-SST/monthly-report",
        data={**fields, "family_response": "", "month": "2025-01", "csrf": token},
    )
    assert gap.status_code == 422 and "fill in before sending" in gap.text
    sent = client.post(
        "/clients/C-SST/monthly-report", data={**fields, "month": "2025-01", "csrf": token}
    )
    assert sent.headers["content-type"] == "application/pdf"
    assert sent.content.startswith(b"%PDF-")


def test_plan_pdf_and_who_may_print_it(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    signed_in_as(client, web_store, clock, "sue")
    page = client.get("/clients/C-SST")
    assert "Plan as PDF" in page.text and "Monthly progress report" in page.text
    href = page.text.split('href="/plans/')[1].split('"')[0]
    done = client.get(f"/plans/{href}")
    assert done.status_code == 200 and done.content.startswith(b"%PDF-")
    client.post("/sign-out", data={"csrf": _csrf(client, "/")})
    signed_in_as(client, web_store, clock, "bill")
    assert client.get(f"/plans/{href}").status_code == 403


def test_compliance_downloads_an_evidence_package(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = signed_in_as(client, web_store, clock, "cora")
    assert "Evidence package" in client.get("/clients/C-CPR").text
    done = client.post(
        "/clients/C-CPR/evidence", data={"from": "2025-01-01", "to": "2025-03-31", "csrf": token}
    )
    assert done.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(done.content)).namelist()
    assert "manifest.json" in names and "encounters.csv" in names
    bad = client.post("/clients/C-CPR/evidence", data={"from": "", "to": "", "csrf": token})
    assert bad.status_code == 422


def test_a_refused_report_still_logs_the_records_it_read(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    import sqlalchemy as sa

    from caseledger.store import Store
    from caseledger.store.tables import access_log, table

    def logged_reads() -> int:
        with Store.open(web_store[0]) as store, store.unit_of_work() as uow:
            query = sa.select(sa.func.count()).where(
                access_log.c.action == "read", access_log.c.client_id == "C-SST"
            )
            return int(uow.connection.execute(query).scalar_one())

    def reports() -> int:
        with Store.open(web_store[0]) as store, store.unit_of_work() as uow:
            query = sa.select(sa.func.count()).select_from(table("progress_reports"))
            return int(uow.connection.execute(query).scalar_one())

    token = signed_in_as(client, web_store, clock, "sue")
    before, saved = logged_reads(), reports()
    refused = client.post("/clients/C-SST/monthly-report", data={"month": "2025-01", "csrf": token})
    assert refused.status_code == 422 and "fill in before sending" in refused.text
    assert reports() == saved  # nothing was saved
    assert logged_reads() > before  # but the client's records were read, and that is on record

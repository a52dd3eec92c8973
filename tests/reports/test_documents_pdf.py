"""The SST monthly progress report and plan documents: drafted from the record, sent, rendered as
PDF, and read back with pdftotext; no required element or signature block may be missing."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from caseledger.audit.engine import run_audit
from caseledger.claims.billing import read_dataset
from caseledger.demo import DemoOptions, generate
from caseledger.documents.monthly_report import (
    ReportError,
    client_records,
    document,
    draft,
    missing,
    pdf,
    send,
)
from caseledger.documents.plans import SIGNATURES, plan_pdf
from caseledger.facts.columnar import facts_from_dataset
from caseledger.policy import Policy, load_policy
from caseledger.store import Store
from caseledger.store.importer import import_dataset

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is missing")


def text_of(data: bytes, tmp: Path) -> str:
    """The PDF's text as pdftotext reads it, whitespace folded (labels may wrap)."""
    path = tmp / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"\s+", " ", out)


@dataclass
class Agency:
    store: Store
    policy: Policy
    as_of: dt.date
    client: str
    month: str


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agency]:
    folder = tmp_path_factory.mktemp("reports")
    made = generate(folder / "demo", DemoOptions(clients=40, months=3))
    store = Store.open(f"sqlite:///{folder / 'store.db'}")
    assert import_dataset(store, folder / "demo", actor="test").committed
    policy = load_policy()
    as_of = dt.date.fromisoformat(made.as_of)
    # an SST client and a month of service that has no report yet
    with store.unit_of_work() as uow:
        dataset = read_dataset(uow)
    result = run_audit(
        facts_from_dataset(dataset), policy, as_of=as_of, only=["SST-MONTHLY-REPORT"]
    )
    late = next(f for f in result.findings if "was not sent" in f.message)
    assert late.client_id and late.date
    # the finding is dated on the deadline, the last day of the month after the month of service
    named = (late.date.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    yield Agency(store, policy, as_of, late.client_id, named)
    store.close()


def test_a_monthly_report_is_drafted_completed_sent_and_rendered(
    agency: Agency, tmp_path: Path
) -> None:
    policy = agency.policy
    with agency.store.unit_of_work() as uow:
        records = client_records(uow, agency.client)
        report = draft(records, policy, agency.client, agency.month)
    assert report.sessions and str(len(report.sessions)) in report.fields["progress"]
    gaps = missing(report, policy)
    assert gaps  # the family's response is the supervisor's to write
    with agency.store.unit_of_work() as uow, pytest.raises(ReportError, match="fill in"):
        send(uow, report, policy, sent_on=agency.as_of)
    for key in report.fields:
        report.fields[key] = report.fields[key] or f"Written by the supervisor for {key}."
    with agency.store.unit_of_work() as uow:
        send(uow, report, policy, sent_on=agency.as_of)
        data = pdf(report, client_records(uow, agency.client), policy)
    text = text_of(data, tmp_path)
    for element in document(policy, agency.month).elements:
        assert element.label in text, element.label
    assert "Supervisor (signature)" in text and "(not filled in)" not in text
    assert agency.client in text and agency.month in text
    # the rule now sees the report, sent on the audit's day
    with agency.store.unit_of_work() as uow:
        dataset = read_dataset(uow)
    after = run_audit(
        facts_from_dataset(dataset), policy, as_of=agency.as_of, only=["SST-MONTHLY-REPORT"]
    )
    assert all(
        not (f.client_id == agency.client and "was not sent" in f.message) for f in after.findings
    )


def test_an_unsent_draft_shows_its_gaps(agency: Agency, tmp_path: Path) -> None:
    with agency.store.unit_of_work() as uow:
        records = client_records(uow, agency.client)
    report = draft(records, agency.policy, agency.client, agency.month)
    report.fields["barriers"] = ""
    text = text_of(pdf(report, records, agency.policy), tmp_path)
    assert "(not filled in)" in text and "not sent yet" in text


def test_every_plan_renders_with_its_elements_goals_and_signature_blocks(
    agency: Agency, tmp_path: Path
) -> None:
    with agency.store.unit_of_work() as uow:
        dataset = read_dataset(uow)
    plans = dataset.rows("plans")
    kinds = {(p["program"], p["kind"]) for p in plans}
    assert ("sst", "intervention") in kinds and len(kinds) >= 2
    seen: set[tuple[object, object]] = set()
    for plan in plans:
        key = (plan["program"], plan["kind"])
        if key in seen:
            continue
        seen.add(key)
        text = text_of(plan_pdf(dataset, agency.policy, str(plan["plan_id"])), tmp_path)
        for who in SIGNATURES[str(plan["kind"])]:
            assert f"{who} (signature)" in text, (key, who)
        goals = [g for g in dataset.rows("plan_goals") if g["plan_id"] == plan["plan_id"]]
        for g in goals:
            assert str(g["goal_id"]) in text
        if key == ("sst", "intervention"):
            for name in ("intervention_plan", "initial_plan_schedule"):
                doc = agency.policy.document("sst", name, plan["start_date"])
                assert doc is not None
                for element in doc.elements:
                    assert element.label in text, element.label

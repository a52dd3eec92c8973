"""The SST monthly progress report (seed 000, Service product): a report for each month of
service, sent to the client's service coordinator.

Drafting fills in what the record already says: the month's sessions and their notes, the
intervention plan's barriers, strategies, goals, expected duration and outcome. The supervisor
completes it, then sends it. Sending saves a ``progress_reports`` row, which is what
SST-MONTHLY-REPORT and SST-REPORT-ELEMENTS read, and writes the PDF. The elements and their
labels come from the pack's ``monthly_report`` document, not from here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from caseledger.documents.pdf import Document, Section, render
from caseledger.facts.dataset import Dataset, Row
from caseledger.facts.periods import overlaps
from caseledger.facts.services import service_of
from caseledger.policy import Policy
from caseledger.policy.defs import DocumentDef
from caseledger.store.unit_of_work import UnitOfWork

PACK = "sst"
DOCUMENT = "monthly_report"


class ReportError(ValueError):
    """A report that cannot be drafted or sent as asked; the message says why."""


@dataclass
class Session:
    date: dt.date
    code: str
    staff_id: str | None
    activity: str | None
    excerpt: str


@dataclass
class MonthlyReport:
    report_id: str
    client_id: str
    month: str
    sessions: list[Session]
    #: the report's text, by the ``progress_reports`` column each element names
    fields: dict[str, str] = field(default_factory=dict)
    sent_on: dt.date | None = None
    sent_to: str | None = None


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        raise ReportError(f"the month is written YYYY-MM, got {month!r}")
    first = dt.date.fromisoformat(f"{month}-01")
    after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, after - dt.timedelta(days=1)


def document(policy: Policy, month: str) -> DocumentDef:
    first, _ = _month_bounds(month)
    found = policy.document(PACK, DOCUMENT, first)
    if found is None:
        raise ReportError(f"the packs define no monthly report in force in {month}")
    return found


def _first_sentence(text: str | None, limit: int = 160) -> str:
    if not text:
        return "(no note)"
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _sst_sessions(
    dataset: Dataset, policy: Policy, client_id: str, first: dt.date, last: dt.date
) -> list[Row]:
    out = []
    for e in dataset.rows("encounters"):
        day = e.get("date")
        if e.get("client_id") != client_id or not isinstance(day, dt.date):
            continue
        if not first <= day <= last or e.get("billable") is False:
            continue
        service = service_of(policy, e)
        if service is not None and service.program == PACK and service.unit_minutes:
            out.append(e)
    return sorted(out, key=lambda e: (e["date"], str(e["encounter_id"])))


def _plan(dataset: Dataset, client_id: str, first: dt.date, last: dt.date) -> Row | None:
    """The SST intervention plan in force during the month (the latest to start)."""
    found = [
        p
        for p in dataset.rows("plans")
        if p.get("client_id") == client_id
        and p.get("program") == PACK
        and p.get("kind") == "intervention"
        and overlaps(p, first, last)
    ]
    return max(found, key=lambda p: str(p.get("start_date") or ""), default=None)


def _day(row: Row) -> dt.date:
    day = row["date"]
    assert isinstance(day, dt.date)  # _sst_sessions keeps dated rows only
    return day


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def draft(dataset: Dataset, policy: Policy, client_id: str, month: str) -> MonthlyReport:
    """The report for ``month`` filled in from the record, for the supervisor to complete."""
    first, last = _month_bounds(month)
    rows = _sst_sessions(dataset, policy, client_id, first, last)
    if not rows:
        raise ReportError(f"client {client_id} has no SST session in {month}: no report is due")
    sessions = [
        Session(
            _day(e),
            str(e["service_code"]),
            _str(e.get("staff_id")),
            _str(e.get("activity")),
            _first_sentence(_str(e.get("note_text"))),
        )
        for e in rows
    ]
    plan = _plan(dataset, client_id, first, last) or {}
    goals = [
        str(g.get("text") or g.get("goal_id"))
        for g in dataset.rows("plan_goals")
        if plan and g.get("plan_id") == plan.get("plan_id")
    ]
    dates = ", ".join(s.date.strftime("%b %d").replace(" 0", " ") for s in sessions)
    progress = f"{len(sessions)} session(s) in {month}: {dates}.\n" + "\n".join(
        f"{s.date}: {s.excerpt}" for s in sessions
    )
    family = [s for s in sessions if s.activity == "family_training"]
    fields = {
        "barriers": str(plan.get("barriers") or ""),
        "progress": progress,
        "family_education": "\n".join(f"{s.date}: {s.excerpt}" for s in family),
        "family_response": "",
        "effective_techniques": str(plan.get("strategies") or ""),
        "next_priorities": "\n".join(f"- {g}" for g in goals),
        "expected_duration": str(plan.get("frequency_duration") or ""),
        "expected_outcome": str(plan.get("expected_achievement") or ""),
    }
    wanted = {e.column for e in document(policy, month).elements}
    return MonthlyReport(
        report_id=f"PR-{client_id}-{month}",
        client_id=client_id,
        month=month,
        sessions=sessions,
        fields={k: v for k, v in fields.items() if k in wanted},
    )


def missing(report: MonthlyReport, policy: Policy) -> list[str]:
    """The labels of the required elements the report leaves empty."""
    doc = document(policy, report.month)
    return [e.label for e in doc.elements if not (report.fields.get(e.column) or "").strip()]


def send(
    uow: UnitOfWork,
    report: MonthlyReport,
    policy: Policy,
    *,
    sent_on: dt.date,
    sent_to: str | None = None,
) -> None:
    """Records the report as sent (every element must be filled in)."""
    gaps = missing(report, policy)
    if gaps:
        raise ReportError("fill in before sending: " + "; ".join(gaps))
    recipient = sent_to or str(policy.param(PACK, "report_recipient", sent_on).value)
    row: Row = {
        "report_id": report.report_id,
        "client_id": report.client_id,
        "month": _month_bounds(report.month)[0],  # a month is held as its first day
        "sent_on": sent_on,
        "sent_to": recipient,
        **report.fields,
    }
    uow.repo("progress_reports").upsert_many([row])
    report.sent_on, report.sent_to = sent_on, recipient


def pdf(report: MonthlyReport, dataset: Dataset, policy: Policy) -> bytes:
    """The report as PDF: every element of the pack's document under its label, the sessions
    of the month, and the supervisor's signature block."""
    doc = document(policy, report.month)
    agencies = dataset.rows("agency")
    agency = str(agencies[0].get("name") or "") if agencies else ""
    recipient = report.sent_to or str(
        policy.param(PACK, "report_recipient", _month_bounds(report.month)[1]).value
    )
    sections = [Section(e.label, report.fields.get(e.column)) for e in doc.elements]
    sessions = "\n".join(
        f"{s.date}  {s.code}  staff {s.staff_id or '-'}  {s.excerpt}" for s in report.sessions
    )
    return render(
        Document(
            title=f"{doc.label}: {report.month}",
            agency=agency,
            facts=[
                ("Client", report.client_id),
                ("Month of service", report.month),
                ("To", recipient),
                ("Sent on", str(report.sent_on) if report.sent_on else "not sent yet"),
            ],
            sections=[*sections, Section("Sessions this month", sessions)],
            signatures=["Supervisor"],
        )
    )


def client_records(uow: UnitOfWork, client_id: str) -> Dataset:
    """What a client's documents draw on: the client, their encounters, plans and goals, and
    their agency (the reads are access-logged)."""
    client = uow.repo("clients").get(client_id)
    if client is None:
        raise ReportError(f"no client {client_id}")
    plans = uow.repo("plans").list_where(client_id=client_id)
    agency = uow.repo("agency").get(str(client["agency_id"]))
    return Dataset(
        {
            "clients": [client],
            "encounters": uow.encounters.for_client(client_id),
            "plans": plans,
            "plan_goals": uow.repo("plan_goals").where_in("plan_id", [p["plan_id"] for p in plans]),
            "agency": [agency] if agency else [],
        }
    )


def complete_and_send(
    uow: UnitOfWork,
    policy: Policy,
    client_id: str,
    month: str,
    fields: Mapping[str, str],
    *,
    sent_on: dt.date,
    sent_to: str | None = None,
) -> tuple[MonthlyReport, bytes]:
    """Drafts the report, fills in ``fields`` (by column; others keep the draft's text), sends
    it and prints it: the report and its PDF. Printing is access-logged with the sending."""
    records = client_records(uow, client_id)
    report = draft(records, policy, client_id, month)
    for key in report.fields:
        if key in fields:
            report.fields[key] = fields[key]
    send(uow, report, policy, sent_on=sent_on, sent_to=sent_to)
    data = pdf(report, records, policy)
    uow.access.record(
        "print",
        client_id=client_id,
        record_type="progress_reports",
        record_id=report.report_id,
        detail="monthly report PDF",
    )
    return report, data

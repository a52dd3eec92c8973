"""``caseledger report`` and ``caseledger plan``: the SST monthly progress report and plan
documents, as PDF."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.markup import escape

from caseledger.cli.common import (
    console,
    fail,
    parse_date,
    refusals_of,
    state,
    store_errors,
    write_atomically,
)

report_app = typer.Typer(
    help="The SST monthly progress report: draft it from the record, complete it, send it.",
    no_args_is_help=True,
)
plan_app = typer.Typer(help="Plan documents.", no_args_is_help=True)


@report_app.command("draft")
def report_draft(
    ctx: typer.Context,
    client: str = typer.Option(..., "--client", help="The client's id."),
    month: str = typer.Option(..., "--month", help="The month of service, YYYY-MM."),
    out: Path = typer.Option(..., "--out", help="The draft to complete: a JSON file."),
) -> None:
    """Draft the month's report from the sessions and the intervention plan. Complete the empty
    elements in the JSON file, then send it with caseledger report send."""
    from caseledger.documents.monthly_report import ReportError, client_records, draft, missing
    from caseledger.policy import load_policy
    from caseledger.store import Store

    url, policy = state(ctx).db_url, load_policy()
    with (
        store_errors(url),
        refusals_of(ReportError),
        Store.open(url) as store,
        store.unit_of_work() as uow,
    ):
        report = draft(client_records(uow, client), policy, client, month)
    body = {"report_id": report.report_id, "client_id": client, "month": month, **report.fields}
    write_atomically(out, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    gaps = missing(report, policy)
    console.print(f"Draft written to {escape(str(out))} ({len(report.sessions)} sessions).")
    if gaps:
        console.print("Still to fill in: " + escape("; ".join(gaps)))


@report_app.command("send")
def report_send(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The completed draft."),
    pdf_out: Path = typer.Option(..., "--pdf", help="Where to write the report as PDF."),
    sent_on: str | None = typer.Option(None, "--sent-on", help="Date sent; default: today."),
    sent_to: str | None = typer.Option(
        None, "--sent-to", help="Recipient; default: the pack's (the service coordinator)."
    ),
) -> None:
    """Record the completed report as sent (SST-MONTHLY-REPORT sees it) and write its PDF.
    Every element must be filled in."""
    from caseledger.documents.monthly_report import ReportError, complete_and_send
    from caseledger.policy import load_policy
    from caseledger.store import Store

    try:
        body = json.loads(file.read_text(encoding="utf-8"))
        client, month = str(body["client_id"]), str(body["month"])
    except (ValueError, KeyError) as error:
        raise fail(f"{escape(file.name)} is not a report draft ({escape(str(error))})") from None
    url, policy = state(ctx).db_url, load_policy()
    day = parse_date(sent_on, "--sent-on") or dt.date.today()
    with (
        store_errors(url),
        refusals_of(ReportError),
        Store.open(url) as store,
        store.unit_of_work() as uow,
    ):
        filled = {k: v for k, v in body.items() if isinstance(v, str)}
        report, data = complete_and_send(
            uow, policy, client, month, filled, sent_on=day, sent_to=sent_to
        )
    write_atomically(pdf_out, data)
    console.print(
        f"Report {escape(report.report_id)} recorded as sent on {day} to "
        f"{escape(report.sent_to or '')}; PDF written to {escape(str(pdf_out))}."
    )


@plan_app.command("pdf")
def plan_pdf_command(
    ctx: typer.Context,
    plan_id: str = typer.Argument(..., help="The plan's id."),
    out: Path = typer.Option(..., "--out", help="The PDF file to write."),
) -> None:
    """Write a plan as PDF with its required elements, goals and signature blocks."""
    from caseledger.documents.monthly_report import ReportError
    from caseledger.documents.plans import PlanNotFound, print_plan
    from caseledger.policy import load_policy
    from caseledger.store import Store

    url = state(ctx).db_url
    with (
        store_errors(url),
        refusals_of(ReportError),
        Store.open(url) as store,
        store.unit_of_work() as uow,
    ):
        plan = uow.repo("plans").get(plan_id)
        if plan is None:
            raise fail(f"no plan {escape(plan_id)}")
        try:
            data = print_plan(uow, load_policy(), plan_id, str(plan["client_id"]))
        except PlanNotFound as error:
            raise fail(escape(str(error))) from None
    write_atomically(out, data)
    console.print(f"Plan {escape(plan_id)} written to {escape(str(out))}.")

"""Documents from the web: a client's SST monthly progress report (draft, complete, send, PDF),
plan PDFs, and the evidence package for an auditor. Ids travel in the path (they are not
personal data); everything else in form bodies."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.documents.evidence import EvidenceError, Scope, build_package
from caseledger.documents.monthly_report import (
    ReportError,
    client_records,
    complete_and_send,
    document,
    draft,
)
from caseledger.documents.plans import PlanNotFound, print_plan
from caseledger.security.records import Records
from caseledger.web.site import Site, read_form


def _attachment(data: bytes, media: str, name: str) -> Response:
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def register(app: FastAPI, site: Site) -> None:
    def last_month() -> str:
        first = site.store.clock.now().date().replace(day=1)
        return (first - dt.timedelta(days=1)).strftime("%Y-%m")

    @app.get("/clients/{client_id}/monthly-report", response_class=HTMLResponse)
    def report_form(request: Request, client_id: str, month: str = "") -> Response:
        chosen = month or last_month()
        error = None
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_client("update", "plan", client_id)
            try:
                report = draft(client_records(uow, client_id), site.policy, client_id, chosen)
                labels = [(e.column, e.label) for e in document(site.policy, chosen).elements]
            except ReportError as exc:
                report, labels, error = None, [], str(exc)
        return site.render(
            request,
            "monthly_report.html",
            title="Monthly progress report",
            who=who,
            client_id=client_id,
            month=chosen,
            report=report,
            labels=labels,
            error=error,
        )

    @app.post("/clients/{client_id}/monthly-report", response_class=HTMLResponse)
    def report_send(request: Request, client_id: str) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        month = str(form.get("month") or "")
        with site.signed_in(request) as (uow, who):
            records = Records(uow, who)
            records.check_client("update", "plan", client_id)
            records.check_client("print", "plan", client_id)
            try:
                # every element comes from the form: one left blank is blank, not the draft's
                fields = {
                    e.column: str(form.get(e.column) or "")
                    for e in document(site.policy, month).elements
                }
                report, data = complete_and_send(
                    uow,
                    site.policy,
                    client_id,
                    month,
                    fields,
                    sent_on=site.store.clock.now().date(),
                )
            except ReportError as exc:
                # nothing was saved; the reads stay in the access log
                labels = [(e.column, e.label) for e in document(site.policy, month).elements]
                failed = site.render(
                    request,
                    "monthly_report.html",
                    title="Monthly progress report",
                    who=who,
                    client_id=client_id,
                    month=month,
                    report=None,
                    labels=labels,
                    error=str(exc),
                    values=form,
                    status=422,
                )
                return failed
        return _attachment(data, "application/pdf", f"{report.report_id}.pdf")

    @app.get("/plans/{plan_id}/pdf")
    def plan_document(request: Request, plan_id: str) -> Response:
        with site.signed_in(request) as (uow, who):
            records = Records(uow, who)
            plan = records.get("plans", plan_id)
            client_id = str(plan["client_id"])
            records.check_client("print", "plan", client_id)
            try:
                data = print_plan(uow, site.policy, plan_id, client_id)
            except (PlanNotFound, ReportError) as exc:
                return site.render(
                    request, "error.html", title="Plan", who=who, message=str(exc), status=404
                )
        return _attachment(data, "application/pdf", f"plan-{plan_id}.pdf")

    @app.post("/clients/{client_id}/evidence")
    def evidence(request: Request, client_id: str) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        start: dt.date | None
        end: dt.date | None
        try:
            start = dt.date.fromisoformat(str(form.get("from") or ""))
            end = dt.date.fromisoformat(str(form.get("to") or ""))
        except ValueError:
            start = end = None
        with site.signed_in(request) as (uow, who):
            records = Records(uow, who)
            for kind in ("client", "encounter", "finding"):
                records.check_client("export", kind, client_id)
            if start is None or end is None:
                return site.render(
                    request,
                    "error.html",
                    title="Evidence package",
                    who=who,
                    message="Give the period: two dates.",
                    status=422,
                )
            try:
                package = build_package(
                    uow,
                    site.policy,
                    Scope(client_id, start, end),
                    as_of=site.store.clock.now().date(),
                )
            except EvidenceError as exc:
                # nothing was exported; whatever was read stays in the access log
                return site.render(
                    request,
                    "error.html",
                    title="Evidence package",
                    who=who,
                    message=str(exc),
                    status=422,
                )
        name = f"evidence-{client_id}-{start}-{end}.zip"
        return _attachment(package.zip_bytes(), "application/zip", name)

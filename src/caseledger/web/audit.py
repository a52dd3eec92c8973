"""The audit from the web: pick a period, run every rule over the agency's records, filter the
findings, and download them (JSON, CSV or the HTML report). Filters travel in the form's body,
never in the address, since client ids are among them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from caseledger.audit.engine import AuditResult, run_audit
from caseledger.audit.findings import SEVERITY_RANK
from caseledger.audit.html import all_charts, render_html
from caseledger.audit.report import to_csv, to_json
from caseledger.audit.suppressions import apply_suppressions
from caseledger.audit.utilization import ReportExtras, report_extras
from caseledger.facts.columnar import facts_from_dataset
from caseledger.security.records import Records
from caseledger.store.slices import agency_dataset
from caseledger.store.suppressions import active
from caseledger.web.site import Site, read_form

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "html": ("text/html; charset=utf-8", "html"),
}


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def register(app: FastAPI, site: Site) -> None:
    def run(request: Request, form: Any) -> tuple[Any, AuditResult, dict[str, str], ReportExtras]:
        start, end = _day(str(form.get("from") or "")), _day(str(form.get("to") or ""))
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("run", "finding")
            dataset = agency_dataset(uow, who.agency_id)
            facts = facts_from_dataset(dataset)
            today = site.store.clock.now().date()
            result = run_audit(facts, site.policy, as_of=today, start=start, end=end)
            apply_suppressions(result, active(uow))
            extras = report_extras(facts, site.policy, today, result.findings)
            facts.engine.close()
        chosen = {k: str(form.get(k) or "") for k in ("rule", "severity", "staff", "client")}
        return who, result, chosen, extras

    def filtered(result: AuditResult, chosen: dict[str, str]) -> list[Any]:
        out = []
        for f in result.findings:
            if chosen["rule"] and f.rule != chosen["rule"]:
                continue
            if chosen["severity"] and f.severity != chosen["severity"]:
                continue
            if chosen["staff"] and f.staff_id != chosen["staff"]:
                continue
            if chosen["client"] and f.client_id != chosen["client"]:
                continue
            out.append(f)
        return out

    @app.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request) -> Response:
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("run", "finding")
            today = site.store.clock.now().date()
            first = today.replace(day=1)
            values = {"from": first.isoformat(), "to": today.isoformat()}
            return site.render(request, "audit.html", title="Audit", who=who, values=values)

    @app.post("/audit", response_class=HTMLResponse)
    def audit_run(request: Request) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        who, result, chosen, extras = run(request, form)
        shown = filtered(result, chosen)
        return site.render(
            request,
            "audit.html",
            title="Audit",
            who=who,
            values=form,
            result=result,
            summary=result.summary(),
            findings=shown,
            rules=sorted({f.rule for f in result.findings}),
            severities=sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__),
            charts=[Markup(c) for c in all_charts(result, extras)],
        )

    @app.post("/audit/download")
    def download(request: Request) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        fmt = str(form.get("format") or "csv")
        media, extension = FORMATS.get(fmt, FORMATS["csv"])
        _, result, chosen, extras = run(request, form)
        result.findings = filtered(result, chosen)
        if extension == "csv":
            body = to_csv(result)
        elif extension == "json":
            body = to_json(result)
        else:
            body = render_html(result, extras=extras)
        name = f"caseledger-audit-{result.as_of.isoformat()}.{extension}"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

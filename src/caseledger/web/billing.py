"""Billing from the web: see what is clean and what is held (and why), build the 837P, upload
the payer's 835, and see what was paid and denied, each denial traced to its rule.

Everything stays within the signed-in person's agency. Periods and files travel in form bodies,
never in the address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from caseledger.claims.billing import build_in, sorted_lines, traced_denials
from caseledger.claims.posting import post_in
from caseledger.claims.profile import load_profile, shipped
from caseledger.claims.reconcile import summary
from caseledger.claims.x12 import X12Error
from caseledger.security.records import Records
from caseledger.web.site import Site, read_form


def _day(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def register(app: FastAPI, site: Site) -> None:
    def today() -> dt.date:
        return site.store.clock.now().date()

    def page(request: Request, who: Any, **extra: Any) -> Response:
        values = extra.pop("values", None) or {
            "from": today().replace(day=1).isoformat(),
            "to": today().isoformat(),
        }
        return site.render(
            request,
            "billing.html",
            title="Billing",
            who=who,
            values=values,
            payers=shipped(),
            **extra,
        )

    @app.get("/billing", response_class=HTMLResponse)
    def billing_page(request: Request) -> Response:
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("query", "claim")
        return page(request, who)

    @app.post("/billing", response_class=HTMLResponse)
    def billing_lines(request: Request) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        start, end = _day(form.get("from")), _day(form.get("to"))
        profile = load_profile(str(form.get("payer") or "mo_healthnet"))
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("query", "claim")
            _, _, billing = sorted_lines(
                uow, site.policy, as_of=today(), start=start, end=end, agency_id=who.agency_id
            )
        mine = billing.clean_for(profile.funding)
        held = [h for h in billing.held if h.line.funding in (*profile.funding, None)]
        return page(
            request,
            who,
            values=form,
            profile=profile,
            clean=mine,
            held=held,
            clean_total=sum((ln.charge for ln in mine), 0),
        )

    @app.post("/billing/837")
    def billing_837(request: Request) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        profile = load_profile(str(form.get("payer") or "mo_healthnet"))
        with site.signed_in(request) as (uow, who):
            records = Records(uow, who)
            records.check_own("create", "claim")
            records.check_own("export", "claim")
            result = build_in(
                uow,
                site.policy,
                profile,
                as_of=today(),
                start=_day(form.get("from")),
                end=_day(form.get("to")),
                agency_id=who.agency_id,
            )
        if result.text is None:
            return page(request, who, values=form, message="Nothing new to bill: no file made.")
        name = f"caseledger-{profile.id}-{result.control_number:09d}.837"
        return Response(
            result.text,
            media_type="application/edi-x12",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.post("/billing/835", response_class=HTMLResponse)
    def billing_835(request: Request) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        upload = form.get("file")
        data = upload.file.read() if isinstance(upload, UploadFile) else b""
        error = None
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("import", "claim")
            try:
                posted = post_in(uow, data, agency_id=who.agency_id) if data else None
            except X12Error as exc:
                posted, error = None, f"The file was not loaded, nothing was posted: {exc}"
        if posted is None and error is None:
            error = "Choose an 835 file to upload."
        if posted is not None and posted.duplicate:
            message = "That file was loaded before; nothing was posted again."
        elif posted is not None:
            message = (
                f"Posted {posted.claims} claims and {posted.lines} lines, ${posted.paid:,.2f} paid."
            )
        else:
            message = None
        return page(request, who, error=error, message=message)

    @app.get("/billing/remittances", response_class=HTMLResponse)
    def remittances_page(request: Request) -> Response:
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("read", "claim")
            totals = summary(uow.connection)
            traces = traced_denials(uow, site.policy, as_of=today(), agency_id=who.agency_id)
        return site.render(
            request,
            "remittances.html",
            title="Remittances",
            who=who,
            totals=totals,
            traces=traces,
        )

"""My day, the clients of the agency, and one client's record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.audit.due import AHEAD_DAYS, due_items
from caseledger.facts.services import service_of
from caseledger.security.permissions import allowed
from caseledger.security.records import Records
from caseledger.store.repositories import Row
from caseledger.store.slices import agency_dataset
from caseledger.web.site import Site

#: how far ahead the due list warns of an authorization ending
AUTHORIZATION_WARNING_DAYS = 30


def register(app: FastAPI, site: Site) -> None:
    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        with site.signed_in(request) as (uow, who):
            records = Records(uow, who)
            today = site.store.clock.now().date()
            notes = (
                records.unsigned_notes()
                if allowed(who.role, "query", "encounter") and who.staff_id
                else []
            )
            ending = (
                records.authorizations_ending(today, AUTHORIZATION_WARNING_DAYS)
                if allowed(who.role, "query", "authorization")
                else []
            )
            return site.render(
                request,
                "home.html",
                title="My day",
                who=who,
                notes=notes,
                ending=ending,
                within=AUTHORIZATION_WARNING_DAYS,
            )

    @app.get("/due", response_class=HTMLResponse)
    def due(request: Request) -> Response:
        """The rest of the due list, loaded after the page (it runs the deadline rules)."""
        with site.signed_in(request) as (uow, who):
            records = Records(uow, who)
            records.check_own("query", "client")
            today = site.store.clock.now().date()
            items = due_items(agency_dataset(uow, who.agency_id), site.policy, today)
            sees_staff = allowed(who.role, "read", "staff")
            shown = [
                i
                for i in items
                if i.subject_type != "staff" or sees_staff or i.staff_id == who.staff_id
            ]
        return site.render(request, "due.html", items=shown, ahead=AHEAD_DAYS, who=who)

    @app.get("/clients", response_class=HTMLResponse)
    def clients(request: Request) -> Response:
        with site.signed_in(request) as (uow, who):
            found = Records(uow, who).clients()
            return site.render(request, "clients.html", title="Clients", who=who, clients=found)

    @app.get("/clients/{client_id}", response_class=HTMLResponse)
    def client(request: Request, client_id: str) -> Response:
        with site.signed_in(request) as (uow, who):
            records = Records(uow, who)
            profile = records.get("clients", client_id)
            history = sorted(
                records.for_client("encounters", client_id),
                key=lambda e: (str(e["date"]), str(e["encounter_id"])),
                reverse=True,
            )
            today = site.store.clock.now().date()
            extra: dict[str, Any] = {
                "enrollments": records.for_client("enrollments", client_id),
                "diagnoses": records.for_client("diagnoses", client_id),
            }
            if allowed(who.role, "query", "plan"):
                plans = records.for_client("plans", client_id)
                goals = uow.repo("plan_goals").where_in("plan_id", [p["plan_id"] for p in plans])
                extra["plans"] = [
                    {**p, "goals": [g for g in goals if g["plan_id"] == p["plan_id"]]}
                    for p in plans
                ]
            if allowed(who.role, "query", "authorization"):
                extra["authorizations"] = _authorization_use(
                    records.for_client("authorizations", client_id), history
                )
            extra["cap"] = _lifetime_cap(site, history, today)
            extra["can_export"] = all(
                allowed(who.role, "export", kind) for kind in ("client", "encounter", "finding")
            )
            return site.render(
                request,
                "client.html",
                title="Client",
                who=who,
                client=profile,
                encounters=history,
                **extra,
            )


def _authorization_use(
    authorizations: Sequence[Row], history: Sequence[Row]
) -> list[dict[str, Any]]:
    """Each authorization with the units its billable lines have drawn."""
    out = []
    for a in authorizations:
        used = sum(
            (
                Decimal(str(e.get("units") or 0))
                for e in history
                if e.get("authorization_id") == a["authorization_id"] and e.get("billable", True)
            ),
            Decimal(0),
        )
        limit = a.get("units")
        share = min(100, int(used * 100 / limit)) if isinstance(limit, int) and limit else None
        out.append({**a, "used": used, "share": share})
    return out


def _lifetime_cap(site: Site, history: Sequence[Row], today: dt.date) -> dict[str, Any] | None:
    """The SST lifetime count: half-days billed against the pack's cap (None for a client with
    no SST half-day)."""
    count = 0
    for e in history:
        if not e.get("billable", True):
            continue
        service = service_of(site.policy, e)
        if service is not None and service.pack == "sst" and service.unit_minutes:
            count += 1
    if not count:
        return None
    cap = int(site.policy.param("sst", "lifetime_half_days", today).value)
    return {"used": count, "cap": cap, "share": min(100, count * 100 // cap)}

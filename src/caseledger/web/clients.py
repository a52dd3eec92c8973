"""My day, the clients of the agency, and one client's record."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.security.permissions import allowed
from caseledger.security.records import Records
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
            return site.render(
                request, "client.html", title="Client", who=who, client=profile, encounters=history
            )

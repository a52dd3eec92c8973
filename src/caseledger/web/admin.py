"""Administration: the agency's accounts (add, disable, emergency access) and the access log
(verify the chain, report who did what). Each action asks the guard like every other page."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.security.accounts import AccountError
from caseledger.security.records import Records
from caseledger.store.access_chain import verify
from caseledger.store.access_log import entries
from caseledger.store.tables import ROLES
from caseledger.web.site import Site


def register(app: FastAPI, site: Site) -> None:
    def users_page(request: Request, status: int = 200, **extra: object) -> Response:
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("query", "user")
            found = site.accounts(uow).list(who.agency_id)
            return site.render(
                request,
                "users.html",
                status,
                title="Users",
                who=who,
                users=found,
                roles=ROLES,
                **extra,
            )

    @app.get("/admin/users", response_class=HTMLResponse)
    def users(request: Request) -> Response:
        return users_page(request)

    @app.post("/admin/users")
    def add_user(
        request: Request,
        username: str = Form(...),
        name: str = Form(...),
        role: str = Form(...),
        password: str = Form(...),
        staff_id: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        site.check_csrf(request, csrf)
        try:
            with site.signed_in(request) as (uow, who):
                Records(uow, who).check_own("create", "user")
                _, enrollment = site.accounts(uow).add(
                    username, name, who.agency_id, role, password, staff_id=staff_id or None
                )
        except AccountError as error:
            return users_page(request, 422, error=str(error))
        return users_page(request, 201, added=username, enrollment=enrollment)

    @app.post("/admin/users/{username}/disable")
    def disable(request: Request, username: str, csrf: str = Form("")) -> Response:
        site.check_csrf(request, csrf)
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("update", "user")
            accounts = site.accounts(uow)
            account = accounts.by_username(username)
            found = account is not None and account.agency_id == who.agency_id
            if account is not None and found:
                accounts.disable(account.user_id)
        if not found:  # another agency's account reads as one that does not exist
            return users_page(request, 404, error=f"no user named {username}")
        return site.redirect("/admin/users")

    @app.post("/admin/users/{username}/emergency")
    def emergency(
        request: Request,
        username: str,
        reason: str = Form(""),
        minutes: int = Form(60),
        csrf: str = Form(""),
    ) -> Response:
        site.check_csrf(request, csrf)
        try:
            with site.signed_in(request) as (uow, who):
                Records(uow, who).check_own("update", "user")
                accounts = site.accounts(uow)
                account = accounts.by_username(username)
                if account is None or account.agency_id != who.agency_id:
                    raise AccountError(f"no user named {username}")
                accounts.turn_on_emergency(account.user_id, minutes, reason)
        except AccountError as error:
            return users_page(request, 422, error=str(error))
        return site.redirect("/admin/users")

    @app.get("/admin/access-log", response_class=HTMLResponse)
    def access_log(request: Request, day: str = "") -> Response:
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("read", "access_log")
            try:
                first = dt.date.fromisoformat(day) if day else site.store.clock.now().date()
            except ValueError:
                first = site.store.clock.now().date()
            start = dt.datetime.combine(first, dt.time())
            found = entries(
                uow.connection,
                agency_id=who.agency_id,
                start=start,
                end=start + dt.timedelta(days=1),
            )
            uow.access.record(
                "query", record_type="access_log", detail=f"access-log page: {len(found)} entries"
            )
            verdict = verify(uow.connection, site.store.secrets)
            return site.render(
                request,
                "access_log.html",
                title="Access log",
                who=who,
                entries=found,
                day=first,
                verdict=verdict,
            )

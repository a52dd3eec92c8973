"""The FastAPI application: ``create_app(url)`` serves the store at ``url``.

Every page is rendered on the server. Every request that reads or changes records runs in one
unit of work as the signed-in person, through the records service and its guard, so the web app
is held to the same permission matrix and access log as every other way in. Responses are never
cached (``Cache-Control: no-store``), and every form carries a CSRF token checked on submission.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from caseledger import __version__
from caseledger.security.accounts import Accounts, AuthSettings, Principal, SignIn
from caseledger.security.passwords import Hasher
from caseledger.security.permissions import Denied, NotFound
from caseledger.security.records import Records
from caseledger.store import Clock, Store, UnitOfWork

SESSION_COOKIE = "caseledger_session"
CSRF_COOKIE = "caseledger_csrf"
CSRF_FIELD = "csrf"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


class SignInRequired(Exception):
    """The request has no good session: to the sign-in page."""


@dataclass
class WebSettings:
    #: cookies only over HTTPS (browsers also send them to http://localhost)
    secure_cookies: bool = True
    hasher: Hasher = field(default_factory=Hasher)
    auth: AuthSettings = field(default_factory=AuthSettings.from_env)


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("caseledger.web").joinpath(name)))


def create_app(
    url: str, *, clock: Clock | None = None, settings: WebSettings | None = None
) -> FastAPI:
    settings = settings or WebSettings()
    store = Store.open(url, clock=clock)
    app = FastAPI(title="caseledger", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None)  # fmt: skip
    app.state.store = store
    templates = Jinja2Templates(directory=str(_package_dir("templates")))
    app.mount("/static", StaticFiles(directory=str(_package_dir("static"))), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    # ------------------------------------------------------------------------------ helpers

    def accounts(uow: UnitOfWork) -> Accounts:
        return Accounts(uow, hasher=settings.hasher, settings=settings.auth)

    def csrf_token(request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)

    def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        token = csrf_token(request)
        response = templates.TemplateResponse(
            request, template, {"csrf": token, **context}, status_code=status
        )
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=settings.secure_cookies)  # fmt: skip
        return response

    def check_csrf(request: Request, sent: str) -> None:
        expected = request.cookies.get(CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(expected, sent):
            raise Denied("the form has expired; load the page again and resubmit")

    @contextmanager
    def signed_in(request: Request) -> Iterator[tuple[UnitOfWork, Principal]]:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            raise SignInRequired
        with store.unit_of_work(actor="web") as uow:
            who = accounts(uow).session(token)
        if who is None:
            raise SignInRequired
        with store.unit_of_work(actor=who.username) as uow:
            yield uow, who

    def redirect(to: str) -> RedirectResponse:
        return RedirectResponse(to, status_code=303)

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, _: SignInRequired) -> Response:
        # The cookie stays: a sign-in waiting for its code goes on after a stray page.
        return redirect("/sign-in")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound) -> Response:
        return render(request, "error.html", 404, title="Not found", message=str(error))

    @app.exception_handler(Denied)
    async def denied(request: Request, error: Denied) -> Response:
        return render(request, "error.html", 403, title="Not allowed", message=str(error))

    # ------------------------------------------------------------------------------ sign-in

    @app.get("/sign-in", response_class=HTMLResponse)
    def sign_in_page(request: Request) -> Response:
        return render(request, "sign_in.html", title="Sign in")

    @app.post("/sign-in")
    def sign_in(
        request: Request,
        username: str = Form(...),
        password: str = Form(...),
        csrf: str = Form(""),
    ) -> Response:
        check_csrf(request, csrf)
        with store.unit_of_work(actor=username.strip().lower() or "web") as uow:
            outcome = accounts(uow).sign_in(username, password)
        if not isinstance(outcome, SignIn):
            return render(request, "sign_in.html", 401, title="Sign in", error=outcome.reason,
                          username=username)  # fmt: skip
        response = redirect("/sign-in/code")
        response.set_cookie(SESSION_COOKIE, outcome.token, httponly=True, samesite="strict",
                            secure=settings.secure_cookies)  # fmt: skip
        return response

    @app.get("/sign-in/code", response_class=HTMLResponse)
    def code_page(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return redirect("/sign-in")
        with store.unit_of_work(actor="web") as uow:
            enrollment = accounts(uow).enrollment_for(token)
        return render(request, "code.html", title="Your code", enrollment=enrollment)

    @app.post("/sign-in/code")
    def code(request: Request, code: str = Form(...), csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return redirect("/sign-in")
        with store.unit_of_work(actor="web") as uow:
            a = accounts(uow)
            outcome = a.pass_second_factor(token, code)
            if not isinstance(outcome, Principal) and "-" in code:
                outcome = a.use_recovery_code(token, code)
            enrollment = a.enrollment_for(token)
        if isinstance(outcome, Principal):
            return redirect("/")
        return render(request, "code.html", 401, title="Your code", error=outcome.reason,
                      enrollment=enrollment)  # fmt: skip

    @app.post("/sign-out")
    def sign_out(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            with store.unit_of_work(actor="web") as uow:
                accounts(uow).sign_out(token)
        response = redirect("/sign-in")
        response.delete_cookie(SESSION_COOKIE)
        return response

    # -------------------------------------------------------------------------------- pages

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        with signed_in(request) as (_, who):
            return render(request, "home.html", title="My day", who=who)

    @app.get("/clients", response_class=HTMLResponse)
    def clients(request: Request) -> Response:
        with signed_in(request) as (uow, who):
            found = Records(uow, who).clients()
            return render(request, "clients.html", title="Clients", who=who, clients=found)

    @app.get("/clients/{client_id}", response_class=HTMLResponse)
    def client(request: Request, client_id: str) -> Response:
        with signed_in(request) as (uow, who):
            records = Records(uow, who)
            profile = records.get("clients", client_id)
            encounters = sorted(
                records.for_client("encounters", client_id),
                key=lambda e: (str(e["date"]), str(e["encounter_id"])),
                reverse=True,
            )
            return render(request, "client.html", title="Client", who=who, client=profile,
                          encounters=encounters)  # fmt: skip

    return app

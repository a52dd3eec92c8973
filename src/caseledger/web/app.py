"""The FastAPI application: ``create_app(url)`` serves the store at ``url``.

Every page is rendered on the server. Every request that reads or changes records runs in one
unit of work as the signed-in person, through the records service and its guard, so the web app
is held to the same permission matrix and access log as every other way in. Responses are never
cached (``Cache-Control: no-store``), and every form carries a CSRF token checked on submission.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from caseledger import __version__
from caseledger.security.permissions import Denied, NotFound
from caseledger.store import Clock, Store
from caseledger.web import (
    admin,
    audit,
    billing,
    clients,
    documents,
    encounters,
    notes,
    policy,
    sign_in,
    staff,
)
from caseledger.web.site import SignInRequired, Site, WebSettings, package_dir

__all__ = ["WebSettings", "create_app"]

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


def create_app(
    url: str, *, clock: Clock | None = None, settings: WebSettings | None = None
) -> FastAPI:
    site = Site(Store.open(url, clock=clock), settings or WebSettings())
    app = FastAPI(
        title="caseledger", version=__version__, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.site = site
    app.mount("/static", StaticFiles(directory=str(package_dir("static"))), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/ready", include_in_schema=False)
    def ready() -> Response:
        """For a load balancer or a deploy script: 200 once the rules are prepared, else 503."""
        done = site.ready.is_set() or not site.settings.warm_checker
        return Response(
            "ready\n" if done else "warming up\n",
            status_code=200 if done else 503,
            media_type="text/plain",
        )

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, _: SignInRequired) -> Response:
        # The cookie stays: a sign-in waiting for its code goes on after a stray page.
        return site.redirect("/sign-in")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound) -> Response:
        return site.render(request, "error.html", 404, title="Not found", message=str(error))

    @app.exception_handler(Denied)
    async def denied(request: Request, error: Denied) -> Response:
        return site.render(request, "error.html", 403, title="Not allowed", message=str(error))

    if site.settings.warm_checker:
        site.warm_up()
    sign_in.register(app, site)
    clients.register(app, site)
    encounters.register(app, site)
    notes.register(app, site)
    audit.register(app, site)
    billing.register(app, site)
    staff.register(app, site)
    documents.register(app, site)
    policy.register(app, site)
    admin.register(app, site)
    return app


def from_environment() -> FastAPI:
    """The app for a worker process of ``caseledger serve --workers N``: the store's address
    comes from the environment the command set."""
    from caseledger.config import database_url

    return create_app(database_url(None))

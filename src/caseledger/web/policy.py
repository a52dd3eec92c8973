"""The policy packs, readable by everyone signed in: the services with their terms on a date,
every rule with its citation, and a code's history (0372T ended on 2018-12-31)."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.web.site import Site


def register(app: FastAPI, site: Site) -> None:
    @app.get("/policy", response_class=HTMLResponse)
    def policy_page(request: Request, on: str = "", code: str = "") -> Response:
        with site.signed_in(request) as (_, who):
            try:
                day = dt.date.fromisoformat(on) if on else site.store.clock.now().date()
            except ValueError:
                day = site.store.clock.now().date()
            services = sorted(
                (
                    s
                    for s in site.policy.service_timeline()
                    if s.start <= day and (s.end is None or day <= s.end)
                ),
                key=lambda s: (s.pack, s.code, s.modifiers),
            )
            status = site.policy.code_status(code.strip().upper(), day) if code.strip() else None
            return site.render(
                request,
                "policy.html",
                title="Policy and codes",
                who=who,
                day=day,
                services=services,
                rules=site.policy.rules(),
                versions=site.policy.versions(),
                code=code,
                code_status=status,
            )

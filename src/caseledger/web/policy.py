"""The policy packs, readable by everyone signed in: the services with their terms on a date,
every rule with its citation, a code's history (0372T ended on 2018-12-31), code search by
meaning and words, and plain questions answered by quoting the packs (and the agency's source
documents, when ``CASELEDGER_SOURCES`` names a folder of them).

A search travels in the address (codes and search words are not health information); a question
is sent in the form's body, with its CSRF token, so whatever is typed into it stays out of
addresses and server logs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.codes.ask import SourceError, Sources, ask, configured_sources
from caseledger.codes.search import search
from caseledger.notes.embeddings import default_embedder
from caseledger.web.site import Site, read_form

#: the longest question or search the page takes, in characters
MAX_QUERY = 500


def _sources() -> tuple[Sources | None, str | None]:
    """The configured source documents, or the reason they cannot be used."""
    folder = configured_sources()
    if folder is None:
        return None, None
    try:
        return Sources.read(folder), None
    except SourceError:
        # the reason names the server's folder: the command line shows it, the page does not
        return None, (
            "The source documents set for this site cannot be read (ask an administrator); "
            "this answer comes from the policy packs alone."
        )


def register(app: FastAPI, site: Site) -> None:
    def page(request: Request, who: Any, on: str, **extra: Any) -> Response:
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
        code = str(extra.pop("code", ""))
        status = site.policy.code_status(code.strip().upper(), day) if code.strip() else None
        query = str(extra.pop("q", ""))[:MAX_QUERY]
        hits = (
            search(site.policy, query, day, embedder=default_embedder(), limit=10)
            if query.strip()
            else None
        )
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
            q=query,
            hits=hits,
            **extra,
        )

    @app.get("/policy", response_class=HTMLResponse)
    def policy_page(request: Request, on: str = "", code: str = "", q: str = "") -> Response:
        with site.signed_in(request) as (_, who):
            return page(request, who, on, code=code, q=q)

    @app.post("/policy/ask", response_class=HTMLResponse)
    def policy_ask(request: Request) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        question = str(form.get("question") or "").strip()[:MAX_QUERY]
        on = str(form.get("on") or "")
        with site.signed_in(request) as (_, who):
            if not question:
                return page(request, who, on, question="", ask_error="Type a question first.")
            sources, problem = _sources()
            answer = ask(site.policy, question, embedder=default_embedder(), sources=sources)
            return page(request, who, on, question=question, answer=answer, sources_problem=problem)

"""One encounter and its note: read it, edit it while unsigned, sign it, and once signed, append
amendments (the signed text stays as it was)."""

from __future__ import annotations

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.security.permissions import Denied
from caseledger.security.records import Records
from caseledger.store.amendments import AmendmentError
from caseledger.store.repositories import FrozenRecordChanged
from caseledger.web.site import Site


def register(app: FastAPI, site: Site) -> None:
    def show(request: Request, encounter_id: str, status: int = 200, **extra: object) -> Response:
        with site.signed_in(request) as (uow, who):
            records = Records(uow, who)
            line = records.get("encounters", encounter_id)
            history = records.note_history(encounter_id)
            return site.render(
                request,
                "note.html",
                status,
                title="Note",
                who=who,
                line=line,
                history=history,
                **extra,
            )

    @app.get("/encounters/{encounter_id}", response_class=HTMLResponse)
    def note_page(request: Request, encounter_id: str) -> Response:
        return show(request, encounter_id)

    @app.post("/encounters/{encounter_id}/note")
    def edit(
        request: Request, encounter_id: str, text: str = Form(...), csrf: str = Form("")
    ) -> Response:
        site.check_csrf(request, csrf)
        try:
            with site.signed_in(request) as (uow, who):
                Records(uow, who).edit_note(encounter_id, text)
        except FrozenRecordChanged:
            return show(
                request,
                encounter_id,
                409,
                error="This note is signed, so it cannot be "
                "changed: record the correction as an amendment below.",
                draft=text,
            )
        return site.redirect(f"/encounters/{encounter_id}")

    @app.post("/encounters/{encounter_id}/sign")
    def sign(request: Request, encounter_id: str, csrf: str = Form("")) -> Response:
        site.check_csrf(request, csrf)
        with site.signed_in(request) as (uow, who):
            if not who.staff_id:
                raise Denied("your account is not a staff member's, so it cannot sign notes")
            Records(uow, who).sign_note(encounter_id, who.staff_id, site.store.clock.now().date())
        return site.redirect(f"/encounters/{encounter_id}")

    @app.post("/encounters/{encounter_id}/amend")
    def amend(
        request: Request,
        encounter_id: str,
        text: str = Form(...),
        reason: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        site.check_csrf(request, csrf)
        try:
            with site.signed_in(request) as (uow, who):
                Records(uow, who).amend_note(encounter_id, text, reason)
        except AmendmentError as error:
            return show(request, encounter_id, 422, error=str(error), draft=text)
        return site.redirect(f"/encounters/{encounter_id}")

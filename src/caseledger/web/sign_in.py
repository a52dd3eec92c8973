"""Signing in (password, then the authenticator's code; the first time, enrolment) and out."""

from __future__ import annotations

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.security.accounts import Principal, SignIn
from caseledger.web.site import SESSION_COOKIE, Site


def register(app: FastAPI, site: Site) -> None:
    store = site.store

    @app.get("/sign-in", response_class=HTMLResponse)
    def sign_in_page(request: Request) -> Response:
        return site.render(request, "sign_in.html", title="Sign in")

    @app.post("/sign-in")
    def sign_in(
        request: Request,
        username: str = Form(...),
        password: str = Form(...),
        csrf: str = Form(""),
    ) -> Response:
        site.check_csrf(request, csrf)
        with store.unit_of_work(actor=username.strip().lower() or "web") as uow:
            outcome = site.accounts(uow).sign_in(username, password)
        if not isinstance(outcome, SignIn):
            return site.render(
                request,
                "sign_in.html",
                401,
                title="Sign in",
                error=outcome.reason,
                username=username,
            )
        response = site.redirect("/sign-in/code")
        response.set_cookie(
            SESSION_COOKIE,
            outcome.token,
            httponly=True,
            samesite="strict",
            secure=site.settings.secure_cookies,
        )
        return response

    @app.get("/sign-in/code", response_class=HTMLResponse)
    def code_page(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return site.redirect("/sign-in")
        with store.unit_of_work(actor="web") as uow:
            enrollment = site.accounts(uow).enrollment_for(token)
        return site.render(request, "code.html", title="Your code", enrollment=enrollment)

    @app.post("/sign-in/code")
    def code(request: Request, code: str = Form(...), csrf: str = Form("")) -> Response:
        site.check_csrf(request, csrf)
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return site.redirect("/sign-in")
        with store.unit_of_work(actor="web") as uow:
            accounts = site.accounts(uow)
            outcome = accounts.pass_second_factor(token, code)
            if not isinstance(outcome, Principal) and "-" in code:
                outcome = accounts.use_recovery_code(token, code)
            enrollment = accounts.enrollment_for(token)
        if isinstance(outcome, Principal):
            return site.redirect("/")
        return site.render(
            request,
            "code.html",
            401,
            title="Your code",
            error=outcome.reason,
            enrollment=enrollment,
        )

    @app.post("/sign-out")
    def sign_out(request: Request, csrf: str = Form("")) -> Response:
        site.check_csrf(request, csrf)
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            with store.unit_of_work(actor="web") as uow:
                site.accounts(uow).sign_out(token)
        response = site.redirect("/sign-in")
        response.delete_cookie(SESSION_COOKIE)
        return response

"""What every page handler shares: the store, the templates, the settings, and the helpers that
sign a request in, render a page and check a form's CSRF token."""

from __future__ import annotations

import gc
import hmac
import os
import queue
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import anyio.from_thread
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from caseledger.audit.check import EncounterChecker, Remembered
from caseledger.policy import Policy, load_policy
from caseledger.security.accounts import Accounts, AuthSettings, Principal
from caseledger.security.passwords import Hasher
from caseledger.security.permissions import Denied
from caseledger.store import Store, UnitOfWork

SESSION_COOKIE = "caseledger_session"
CSRF_COOKIE = "caseledger_csrf"


class SignInRequired(Exception):
    """The request has no good session: to the sign-in page."""


def _secure_cookies() -> bool:
    """Cookies go over HTTPS only, unless ``CASELEDGER_INSECURE_COOKIES=1`` (for a load test
    whose client, unlike a browser, sends no secure cookie to http://localhost)."""
    return os.environ.get("CASELEDGER_INSECURE_COOKIES") != "1"


#: how many single-encounter checks a server process runs at once (``serve --checkers``)
ENV_CHECKERS = "CASELEDGER_CHECKERS"


@dataclass
class WebSettings:
    #: cookies only over HTTPS (browsers also send them to http://localhost)
    secure_cookies: bool = field(default_factory=_secure_cookies)
    hasher: Hasher = field(default_factory=Hasher)
    auth: AuthSettings = field(default_factory=AuthSettings.from_env)
    #: prepare the single-encounter check's rules in the background at start
    warm_checker: bool = True
    #: how many checks may run at once (each checker keeps its own in-process database; the
    #: rules' queries release the interpreter's lock, so two use two cores)
    checkers: int = field(default_factory=lambda: int(os.environ.get(ENV_CHECKERS) or 1))


def read_form(request: Request) -> FormData:
    """The posted form, read from a plain (not ``async``) endpoint. FastAPI runs those on worker
    threads, so a request that runs the rules or waits on the store never holds up the event loop,
    and with it every other request."""

    async def read() -> FormData:
        return await request.form()

    return anyio.from_thread.run(read)


def _settle_memory() -> None:
    """Takes what is loaded by now (the code, the sentence model, the code set, the prepared
    rules: about 1.4 million objects) out of the interpreter's cycle collector. None of it is
    garbage, and it lasts as long as the server; a full pass of the collector went through all
    of it, 0.2 to 0.6 s during which no request moves (measured while warming up)."""
    gc.collect()
    gc.freeze()


def package_dir(name: str) -> Path:
    return Path(str(resources.files("caseledger.web").joinpath(name)))


@dataclass
class Site:
    store: Store
    settings: WebSettings
    policy: Policy = field(default_factory=load_policy)
    templates: Jinja2Templates = field(
        default_factory=lambda: Jinja2Templates(directory=str(package_dir("templates")))
    )
    _checkers: queue.LifoQueue[EncounterChecker] = field(
        default_factory=queue.LifoQueue, init=False
    )
    #: how many checkers there are (those in use and those free)
    _made: int = field(default=0, init=False)
    _made_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _memory: Remembered = field(default_factory=Remembered, init=False)
    #: set once today's rules are prepared (``/ready`` answers 200 from then on)
    ready: threading.Event = field(default_factory=threading.Event, init=False)

    @contextmanager
    def checking(self) -> Iterator[EncounterChecker]:
        """A long-lived single-encounter checker (its rules compiled once per day), for one
        check: a free one, or a new one while there are fewer than ``settings.checkers``, else
        the first to come free. The checkers share what they remember."""
        checker = self._take()
        try:
            yield checker
        finally:
            self._checkers.put(checker)

    def _take(self) -> EncounterChecker:
        try:
            return self._checkers.get_nowait()
        except queue.Empty:
            pass
        made = self._make()
        return made if made is not None else self._checkers.get()

    def _make(self) -> EncounterChecker | None:
        """A new checker, held by the caller, unless there are enough already."""
        with self._made_lock:
            if self._made >= max(1, self.settings.checkers):
                return None
            self._made += 1
            return EncounterChecker(self.policy, memory=self._memory)

    def warm_up(self) -> None:
        """Prepares today's rules in a background thread (a check waits for it if it comes
        first)."""

        def prepare() -> None:
            day = self.store.clock.now().date()
            try:
                # Each checker is prepared before it is offered: the first serves checks while
                # the next is prepared.
                while (checker := self._make()) is not None:
                    try:
                        for program in checker.programs():
                            checker.prepare_program(day, program)
                    finally:
                        self._checkers.put(checker)
                # Then the sentence model and the index of the packs' passages, so that the
                # first search or question on the policy page does not wait seconds for them.
                from caseledger.codes.ask import ask
                from caseledger.codes.search import search
                from caseledger.notes.embeddings import default_embedder

                search(self.policy, "warm up", day, embedder=default_embedder(), limit=1)
                ask(self.policy, "warm up", embedder=default_embedder(), limit=1)
                _settle_memory()
            finally:
                self.ready.set()

        threading.Thread(target=prepare, name="caseledger-warm-up", daemon=True).start()

    def accounts(self, uow: UnitOfWork) -> Accounts:
        return Accounts(uow, hasher=self.settings.hasher, settings=self.settings.auth)

    def csrf_token(self, request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        token = self.csrf_token(request)
        response = self.templates.TemplateResponse(
            request, template, {"csrf": token, **context}, status_code=status
        )
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=self.settings.secure_cookies,
        )
        return response

    def check_csrf(self, request: Request, sent: str) -> None:
        expected = request.cookies.get(CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(expected, sent):
            raise Denied("the form has expired; load the page again and resubmit")

    @contextmanager
    def signed_in(self, request: Request) -> Iterator[tuple[UnitOfWork, Principal]]:
        """The person this request comes from, and one unit of work as them."""
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            raise SignInRequired
        with self.store.unit_of_work(actor="web") as uow:
            who = self.accounts(uow).session(token)
        if who is None:
            raise SignInRequired
        with self.store.unit_of_work(actor=who.username) as uow:
            yield uow, who

    @staticmethod
    def redirect(to: str) -> RedirectResponse:
        return RedirectResponse(to, status_code=303)

"""The web app in a real browser (Debian's chromium, headless, driven by Playwright), walked
through as a new user would. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from caseledger.security import mfa
from caseledger.security.passwords import fast_hasher
from caseledger.web.app import WebSettings, create_app
from tests.security.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

#: every visible form field must have a label a screen reader can announce
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden')
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map(e => e.name || e.id)"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(web_store: tuple[str, dict[str, str]]) -> Iterator[tuple[str, dict[str, str]]]:
    import uvicorn

    url, secrets = web_store
    app = create_app(url, settings=WebSettings(hasher=fast_hasher(), warm_checker=False))
    port = _free_port()
    config = uvicorn.Config(app, host="localhost", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://localhost:{port}", secrets
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox"])  # fmt: skip
        yield browser.new_page()
        browser.close()


def _sign_in(page: Any, base: str, name: str, secret: str, shot: str | None = None) -> None:
    page.goto(f"{base}/clients")  # a page that needs a session leads to the sign-in form
    assert page.url.endswith("/sign-in")
    assert page.evaluate(UNLABELLED) == []
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")  # the form works from the keyboard
    page.wait_for_url("**/sign-in/code")
    assert page.evaluate(UNLABELLED) == []
    if shot:
        page.screenshot(path=str(ARTIFACTS / f"{shot}-enrol.png"), full_page=True)
    assert page.locator("#secret").inner_text() == secret  # enrolment shows the key
    page.get_by_label("Code from your authenticator").fill(
        mfa.code_at(secret, dt.datetime.now(dt.UTC))
    )
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_sign_in_with_the_second_factor(server: tuple[str, dict[str, str]], page: Any) -> None:
    base, secrets = server
    _sign_in(page, base, "cleo", secrets["cleo"], shot="sign-in")
    assert page.get_by_role("heading", name="My day").is_visible()
    page.get_by_role("link", name="Clients").first.click()
    page.wait_for_url(f"{base}/clients")
    assert page.get_by_role("link", name="C-CPR").is_visible()
    page.screenshot(path=str(ARTIFACTS / "clients.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/sign-in")


def test_an_agency_b_user_cannot_reach_agency_a_by_url(
    server: tuple[str, dict[str, str]], page: Any
) -> None:
    base, secrets = server
    _sign_in(page, base, "bea", secrets["bea"])
    response = page.goto(f"{base}/clients/C-CPR")
    assert response is not None and response.status == 404
    assert page.get_by_role("alert").inner_text() == "no such client"
    page.screenshot(path=str(ARTIFACTS / "other-agency.png"), full_page=True)

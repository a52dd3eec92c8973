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


#: the WCAG 2.1 A and AA checks of axe-core (the engine the axe-playwright-python package ships)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def accessibility_violations(page: Any) -> list[str]:
    """What axe-core finds wrong on the page as it stands, one line per rule and element."""
    from importlib.resources import files

    script = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    # evaluated by the browser's debugging protocol: the page's content security policy, which
    # refuses inline scripts, stays in force
    page.evaluate(script)
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {node['target']}"
        for v in found["violations"]
        for node in v["nodes"]
    ]


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


def _sign_out(page: Any, base: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/sign-in")


def _finding(page: Any, rule: str) -> Any:
    return page.locator(f'#findings [data-rule="{rule}"]')


def test_record_a_psr_group_of_nine_and_a_community_support_note(
    server: tuple[str, dict[str, str]], page: Any
) -> None:
    from tests.web.conftest import GROUP_CLIENTS

    base, secrets = server
    _sign_in(page, base, "cleo", secrets["cleo"])
    page.get_by_role("link", name="Record").click()
    page.get_by_role("link", name="Record a group session instead").click()
    page.wait_for_url("**/encounters/new?group=true")
    assert page.evaluate(UNLABELLED) == []
    for client in GROUP_CLIENTS:
        page.get_by_label(client, exact=False).check()
    page.get_by_label("Leading professional").select_option("S-LPC")
    page.get_by_label("Service code").fill("H2017")
    page.get_by_label("Modifiers").fill("HO HQ")
    page.get_by_label("Start", exact=True).fill("10:00")
    page.get_by_label("End", exact=True).fill("10:30")
    page.get_by_label("Goals addressed").fill("G1")
    page.get_by_label("Note", exact=True).fill("Group practised coping skills for the bus ride.")
    _finding(page, "PSR-GROUP-SIZE").wait_for(timeout=90_000)
    page.screenshot(path=str(ARTIFACTS / "group-of-nine.png"), full_page=True)
    page.get_by_label("Second professional").select_option("S-LPC2")
    _finding(page, "PSR-GROUP-SIZE").wait_for(state="detached", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "group-second-professional.png"), full_page=True)
    _sign_out(page, base)

    _sign_in(page, base, "carl", secrets["carl"])
    page.goto(f"{base}/encounters/new")
    page.get_by_label("Client").select_option("C-SUD")
    page.get_by_label("Staff member").select_option("S-CSW")
    page.get_by_label("Service code").fill("CSW")
    page.get_by_label("Start", exact=True).fill("13:00")
    page.get_by_label("End", exact=True).fill("13:30")
    page.get_by_label("Note", exact=True).fill("Drove client to his probation appointment")
    _finding(page, "CSW-NONBILLABLE").wait_for(timeout=90_000)
    page.screenshot(path=str(ARTIFACTS / "community-support-drive.png"), full_page=True)


def test_sign_then_amend_run_the_audit_and_billing_cannot_read_notes(
    server: tuple[str, dict[str, str]], page: Any
) -> None:
    base, secrets = server
    _sign_in(page, base, "sue", secrets["sue"])
    page.goto(f"{base}/encounters/E-DRAFT")
    page.get_by_role("button", name="Sign as S-LPC2").click()
    page.get_by_role("heading", name="Signed by S-LPC2").wait_for()
    # Signed: the form now records an amendment, and the signed text stays.
    page.get_by_label("Corrected note").fill("Three stops practised, not two.")
    page.get_by_label("Reason for the amendment").fill("miscounted the stops")
    page.get_by_role("button", name="Add amendment").click()
    page.get_by_role("heading", name="Amendment 1 by sue").wait_for()
    assert page.get_by_text("Reviewed the bus plan; two stops practised.").is_visible()
    page.screenshot(path=str(ARTIFACTS / "amendment.png"), full_page=True)

    page.get_by_role("link", name="Audit").click()
    page.get_by_label("From", exact=True).fill("2025-01-01")
    page.get_by_label("To", exact=True).fill("2025-01-31")
    page.get_by_label("Download as").select_option("csv")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    saved = ARTIFACTS / "audit-january.csv"
    info.value.save_as(str(saved))
    assert saved.read_text().startswith("rule,")
    page.get_by_role("button", name="Run the audit").click()
    page.locator("#summary").wait_for()
    page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
    _sign_out(page, base)

    _sign_in(page, base, "bill", secrets["bill"])
    response = page.goto(f"{base}/encounters/E-A")
    assert response is not None and response.status == 403
    assert "may not read note" in page.get_by_role("alert").inner_text()

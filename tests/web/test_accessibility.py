"""Every page, as each role first sees it, passes axe-core's WCAG 2.1 A and AA checks in a real
browser (Debian's chromium, headless)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import (
    CHROMIUM,
    _sign_in,
    _sign_out,
    accessibility_violations,
    page,  # noqa: F401  (a fixture)
    server,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

#: who sees which pages (each page as its role would open it)
PAGES = {
    "sue": [
        "/",
        "/clients",
        "/clients/C-CPR",
        "/encounters/new",
        "/encounters/new?group=true",
        "/encounters/E-DRAFT",
        "/audit",
        "/policy",
        "/policy?q=social+skills+group",
        "/staff",
    ],
    "bill": ["/billing", "/billing/remittances"],
    "ada": ["/admin/users", "/admin/access-log"],
}


def test_every_page_passes_axe(server: tuple[str, dict[str, str]], page: Any) -> None:  # noqa: F811
    base, secrets = server
    page.goto(f"{base}/sign-in")
    problems = {"/sign-in": accessibility_violations(page)}
    for name, paths in PAGES.items():
        _sign_in(page, base, name, secrets[name])
        for path in paths:
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            problems[path] = accessibility_violations(page)
        _sign_out(page, base)
    assert {p: v for p, v in problems.items() if v} == {}


def test_the_check_catches_a_page_that_fails(
    server: tuple[str, dict[str, str]],  # noqa: F811
    page: Any,  # noqa: F811
) -> None:
    base, _ = server
    page.goto(f"{base}/sign-in")
    page.evaluate(
        "() => { const i = document.createElement('input'); i.id = 'stray';"
        " document.querySelector('main').appendChild(i); }"
    )
    found = accessibility_violations(page)
    assert any(v.startswith("label") and "#stray" in v for v in found), found

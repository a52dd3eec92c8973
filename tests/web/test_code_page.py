"""The code page: search codes by words and meaning, and ask a question answered by quoting the
packs (and the source documents the site is set up with), each with its citation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from caseledger.codes.ask import ENV_SOURCES
from tests.security.conftest import HandClock
from tests.web.test_browser import (
    CHROMIUM,
    _sign_in,
    accessibility_violations,
    page,  # noqa: F401  (a fixture)
    server,  # noqa: F401  (a fixture)
)
from tests.web.test_sign_in import signed_in_as


def _rows(html: str) -> list[str]:
    table = html.split('id="code-search"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", r) for r in table.split("<tr>")[2:]]


def test_a_search_ranks_codes_and_an_exact_code_comes_first(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    signed_in_as(client, web_store, clock, "cleo")
    shown = client.get("/policy", params={"q": "social skills group", "on": "2019-03-01"})
    assert shown.status_code == 200
    rows = _rows(shown.text)
    assert "0372T" in rows[0] and "deleted 2019-01-01" in rows[0] and "97158" in rows[0]
    exact = _rows(client.get("/policy", params={"q": "h2017"}).text)
    assert all("H2017 HO" in r for r in exact[:2]) and "the code asked for" in exact[0]
    assert "$20.36" in " ".join(exact[:2])


def test_a_question_is_answered_by_quoting_the_packs_with_citations(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    token = signed_in_as(client, web_store, clock, "cleo")
    question = "can community support be billed for driving a client to AA?"
    shown = client.post("/policy/ask", data={"question": question, "csrf": token})
    assert shown.status_code == 200
    answer = shown.text.split('id="answer"', 1)[1]
    assert "Not billable" in answer and "Transporting clients" in answer
    assert "002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11)(B)" in answer
    # the question travelled in the body: the address stays /policy/ask
    assert shown.url.path == "/policy/ask" and "driving" not in str(shown.url)
    nothing = client.post("/policy/ask", data={"question": "How do I bake bread?", "csrf": token})
    assert "nothing is invented" in nothing.text and "<blockquote" not in nothing.text


def test_asking_needs_the_forms_token(
    client: TestClient, web_store: tuple[str, dict[str, str]], clock: HandClock
) -> None:
    signed_in_as(client, web_store, clock, "cleo")
    refused = client.post("/policy/ask", data={"question": "SST rate?", "csrf": "forged"})
    assert refused.status_code == 403
    empty = client.post("/policy/ask", data={"question": "  ", "csrf": _token(client)})
    assert empty.status_code == 200 and "Type a question first" in empty.text


def _token(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/policy").text)
    assert found
    return found.group(1)


def test_the_sites_source_documents_are_quoted_with_file_and_lines(
    client: TestClient,
    web_store: tuple[str, dict[str, str]],
    clock: HandClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "manuals"
    folder.mkdir()
    (folder / "agency-handbook.md").write_text(
        "# Parking\n\nStaff park in the north lot.\n\n# Interpreters\n\n"
        "An interpreter for a deaf client is booked through the front desk two days ahead.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(ENV_SOURCES, str(folder))
    token = signed_in_as(client, web_store, clock, "cleo")
    shown = client.post(
        "/policy/ask",
        data={"question": "how do I book an interpreter for a deaf client?", "csrf": token},
    )
    answer = shown.text.split('id="answer"', 1)[1]
    assert "booked through the front desk two days ahead" in answer
    assert "agency-handbook.md:5-7" in answer  # the heading opens the passage
    monkeypatch.setenv(ENV_SOURCES, str(tmp_path / "missing"))
    broken = client.post("/policy/ask", data={"question": "SST rate?", "csrf": token})
    assert "cannot be read" in broken.text and str(tmp_path) not in broken.text
    assert "$69.00" in broken.text


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_asking_in_the_browser_shows_an_accessible_answer(
    server: tuple[str, dict[str, str]],  # noqa: F811
    page: Any,  # noqa: F811
) -> None:
    base, secrets = server
    _sign_in(page, base, "cleo", secrets["cleo"])
    page.goto(f"{base}/policy")
    page.get_by_label("Your question").fill("What is the lifetime cap on SST half-days?")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_url(f"{base}/policy/ask")
    answer = page.locator("#answer")
    assert "26 half days" in answer.inner_text()
    assert "000_970f1571fa3cbd2e.txt, Service limitations" in answer.inner_text()
    assert accessibility_violations(page) == []

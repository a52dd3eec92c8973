"""Code search: service codes ranked by meaning and words, an exact code first, each shown with
its terms and status on the date asked about."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import numpy as np
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from caseledger.cli import assist, codes
from caseledger.codes.ranking import WordIndex, terms
from caseledger.codes.search import CodeHit, search
from caseledger.notes.embeddings import DIMENSIONS, CachedEmbedder, Vectors, default_embedder
from caseledger.policy import load_policy

POLICY = load_policy(environ={})
DAY = dt.date(2025, 1, 1)
KEYS = sorted({s.key for s in POLICY.service_timeline()})
CODES = sorted({s.code for s in POLICY.service_timeline()})


@pytest.fixture(scope="module")
def model() -> CachedEmbedder:
    return default_embedder()


def _cli() -> typer.Typer:
    """The commands as the root app registers them."""
    app = typer.Typer()
    sub = typer.Typer()
    sub.command("search")(assist.code_search)
    sub.command("explain")(codes.code_explain)
    app.add_typer(sub, name="code")
    app.command("ask")(assist.ask_command)
    return app


runner = CliRunner()


class Marker:
    """A stand-in embedder: texts that contain ``word`` (or are ``query``) point one way, all
    others another."""

    name = "marker"

    def __init__(self, word: str, query: str = "zzz") -> None:
        self.word = word
        self.query = query

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, text in enumerate(texts):
            marked = self.word in text.lower() or text == self.query
            out[i, 0 if marked else 1] = 1.0
        return out


def test_social_skills_group_finds_0372t_deleted_with_its_replacements(
    model: CachedEmbedder,
) -> None:
    hits = search(POLICY, "social skills group", dt.date(2019, 3, 1), embedder=model, limit=5)
    first = hits[0]
    assert first.code == "0372T" and first.status == "deleted 2019-01-01"
    assert first.replaced_by[:2] == ("97153", "97154") and first.rate == ""
    assert set(first.shared) == {"social", "skills", "group"} and first.meaning is not None
    assert "meaning 0." in first.why


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # "several children at once" is a group, though the word is not there
        ("behavioral treatment delivered to several children at once", {"97154", "97158"}),
        ("help someone with a brain injury get along with others", {"SST"}),
        ("psychosocial rehab group", {"H2017"}),
    ],
)
def test_codes_described_in_other_words_are_found(
    model: CachedEmbedder, query: str, expected: set[str]
) -> None:
    top = {h.code for h in search(POLICY, query, DAY, embedder=model, limit=3)}
    assert expected <= top, top


def test_meaning_ranks_a_code_that_shares_no_word_with_the_query() -> None:
    # The stand-in says only the family codes mean what the query means.
    hits = search(POLICY, "zzz", DAY, embedder=Marker("family"), limit=2)
    assert {h.code for h in hits} == {"97156", "97157"}
    assert all(h.shared == () and h.meaning == pytest.approx(1.0) for h in hits)


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(KEYS + CODES),
    lower=st.booleans(),
    pad=st.sampled_from(["", " ", "  "]),
    noise=st.sampled_from(["", "code ", "what is "]),
)
def test_a_code_named_in_the_query_ranks_first(key: str, lower: bool, pad: str, noise: str) -> None:
    query = f"{noise}{pad}{key.lower() if lower else key}{pad}"
    # even when meaning points elsewhere
    for embedder in (None, Marker("transportation")):
        first = search(POLICY, query, DAY, embedder=embedder, limit=3)[0]
        assert first.exact and key in (first.code, first.key), (query, first)


def test_every_service_the_packs_know_is_a_candidate() -> None:
    hits = search(POLICY, "service", DAY, embedder=None, limit=1000)
    assert sorted(h.key for h in hits) == KEYS
    assert "0372T" in {h.code for h in hits}


def test_terms_and_status_are_those_on_the_date() -> None:
    def one(code: str, on: dt.date) -> CodeHit:
        return search(POLICY, code, on, embedder=None, limit=1)[0]

    h = one("H2017HO", DAY)
    assert (h.label, h.rate, h.unit, h.status, h.program) == (
        "H2017 HO",
        "$20.36",
        "15 min",
        "in force",
        "cpr",
    )
    assert one("0372T", dt.date(2018, 6, 1)).status == "in force"
    assert one("0372T", dt.date(2018, 6, 1)).unit == "untimed (per session)"
    before = one("SST", dt.date(2007, 1, 1))
    assert before.status == "not yet in force (from 2008-01-01)" and before.rate == ""
    assert one("CSW", DAY).rate == "not given"


def test_bad_queries_are_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        search(POLICY, "  ", DAY, embedder=None)
    with pytest.raises(ValueError, match="at least 1"):
        search(POLICY, "group", DAY, embedder=None, limit=0)


@given(st.text(max_size=60))
def test_the_words_score_is_a_share_between_0_and_1(query: str) -> None:
    index = WordIndex(["group psychosocial rehabilitation", "social skills group", "0372T"])
    scores = index.score(query)
    assert np.all(scores.share >= 0) and np.all(scores.share <= 1 + 1e-9)
    wanted = set(terms(query))
    for found in scores.shared:
        assert found <= wanted


def test_the_policy_index_is_built_once_per_embedder() -> None:
    class Counting(Marker):
        def __init__(self) -> None:
            super().__init__("group")
            self.calls: list[int] = []

        def embed(self, texts: Sequence[str]) -> Vectors:
            self.calls.append(len(texts))
            return super().embed(texts)

    counting = Counting()
    search(POLICY, "group", DAY, embedder=counting)
    search(POLICY, "family", DAY, embedder=counting)
    assert counting.calls == [len(KEYS), 1, 1]


def test_search_on_the_command_line(model: CachedEmbedder) -> None:
    app = _cli()
    done = runner.invoke(app, ["code", "search", "97158", "--format", "json", "--limit", "3"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.output)
    assert rows[0]["code"] == "97158" and rows[0]["exact"] and len(rows) == 3
    table = runner.invoke(
        app, ["code", "search", "social skills group", "--date", "2019-03-01", "--words-only"]
    )
    assert table.exit_code == 0 and "0372T" in table.output and "deleted" in table.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["code", "search", "x", "--format", "xml"], "--format expects table or json"),
        (["code", "search", "x", "--date", "2025-13-01"], "--date expects a date"),
        (["code", "search", "x", "--limit", "0"], "--limit expects"),
        (["code", "search", " "], "the search is empty"),
    ],
)
def test_bad_options_name_the_option(args: list[str], message: str) -> None:
    done = runner.invoke(_cli(), args)
    assert done.exit_code == 2 and message in done.output

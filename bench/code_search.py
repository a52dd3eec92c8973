"""Latency of ``code search`` and ``ask`` after warm-up (the model loaded, the pack passages
indexed), beside the words-only ranking measured in the same run as the baseline.

Each query is timed alone, in turn, many times; p50 and p95 are over all those calls. With
``--sources DIR`` the questions are also asked with a folder of source documents (indexed once,
on the first question).

    python bench/code_search.py --rounds 20
    python bench/code_search.py --rounds 20 --sources path/to/manuals
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import percentile

from caseledger.codes.ask import Sources, ask
from caseledger.codes.search import search
from caseledger.notes.embeddings import Embedder, default_embedder
from caseledger.policy import Policy, load_policy

SEARCHES = [
    "social skills group",
    "H2017",
    "0372T",
    "family guidance",
    "behavioral treatment delivered to several children at once",
    "transportation to a facility",
]
QUESTIONS = [
    "can community support be billed for driving a client to AA?",
    "What is the lifetime cap on SST half-days?",
    "How many consumers may be in a PSR group?",
    "Can I bill 0372T after 2019?",
    "What is the capital of France?",
]
DAY = dt.date(2025, 1, 1)


def timed(call: Callable[[str], object], queries: list[str], rounds: int) -> list[float]:
    """Each query once per round, worded a little differently each time ("..., take 3"), so
    that no call finds the query's embedding in the cache: every call embeds its query."""
    out = []
    for n in range(rounds):
        for query in queries:
            text = f"{query}, take {n + 1}"
            start = time.perf_counter()
            call(text)
            out.append((time.perf_counter() - start) * 1000)
    return out


def line(label: str, ms: list[float]) -> str:
    return (
        f"  {label:<34} p50 {percentile(ms, 0.5):7.2f} ms   p95 {percentile(ms, 0.95):7.2f} ms"
        f"   ({len(ms)} calls)"
    )


def measure(
    policy: Policy, embedder: Embedder | None, sources: Sources | None, rounds: int
) -> tuple[list[float], list[float]]:
    def one_search(q: str) -> object:
        return search(policy, q, DAY, embedder=embedder)

    def one_ask(q: str) -> object:
        return ask(policy, q, embedder=embedder, sources=sources)

    # warm-up: the model loads, the indexes are built
    one_search("warm up")
    one_ask("warm up")
    return timed(one_search, SEARCHES, rounds), timed(one_ask, QUESTIONS, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sources", type=Path, default=None)
    args = parser.parse_args()
    policy = load_policy(environ={})
    sources = Sources.read(args.sources) if args.sources else None

    start = time.perf_counter()
    model = default_embedder()
    model.embed(["load the model"])
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    search(policy, "warm", DAY, embedder=model)
    ask(policy, "warm", embedder=model, sources=sources)
    index_s = time.perf_counter() - start

    hybrid = measure(policy, model, sources, args.rounds)
    words = measure(policy, None, sources, args.rounds)
    extra = f", {len(sources.passages)} source passages" if sources else ""
    print(f"code search and ask, {args.rounds} rounds{extra}")
    print(f"  model load {load_s:.2f} s; first index (pack passages{extra}) {index_s:.2f} s")
    print("code search:")
    print(line("meaning + words", hybrid[0]))
    print(line("words only (baseline)", words[0]))
    print("ask:")
    print(line("meaning + words", hybrid[1]))
    print(line("words only (baseline)", words[1]))


if __name__ == "__main__":
    main()

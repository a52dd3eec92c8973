"""Notes per second per core through the note analyzers: lexical, and with embedding goal
similarity cold (every note new to the embedding cache) and cached (the notes seen before).

    python bench/notes_throughput.py --notes 3000

The notes are the labelled corpus's, each made unique by a varying sentence at its end, read with
their plan goals; every pass starts with a fresh lexical analyzer (no remembered readings), so
each note is really read. Torch is held to one thread, so the figures are per core. The lexical
figure is measured in the same run, as the baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from caseledger.notes.embeddings import CachedEmbedder, MiniLM  # noqa: E402
from caseledger.notes.evaluation import CORPUS_DATE, read_corpus  # noqa: E402
from caseledger.notes.lexical import LexicalAnalyzer  # noqa: E402
from caseledger.notes.semantic import SemanticAnalyzer  # noqa: E402
from caseledger.policy import load_policy  # noqa: E402

CORPUS = ROOT / "tests" / "notes" / "corpus" / "notes.jsonl"
TAILS = ("Next contact in {n} days.", "Client will call back by day {n}.", "Follow-up set, {n}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=3000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    policy = load_policy(environ={})
    corpus = read_corpus(CORPUS)
    requests = [
        (
            f"{c.text} {TAILS[n % len(TAILS)].format(n=n)}",
            c.program,
            CORPUS_DATE,
            c.goals,
        )
        for n, c in ((n, corpus[n % len(corpus)]) for n in range(args.notes))
    ]
    embedder = CachedEmbedder(MiniLM())
    embedder.embed(["load the model before timing"])

    def rate(make: object, batch: bool) -> float:
        analyzer = make()  # type: ignore[operator]
        start = time.perf_counter()
        if batch:
            analyzer.analyze_many(requests)
        else:
            for text, program, on, goals in requests:
                analyzer.analyze(text, program=program, on=on, goals=goals)
        return len(requests) / (time.perf_counter() - start)

    lexical = rate(lambda: LexicalAnalyzer(policy), batch=False)
    cold = rate(lambda: SemanticAnalyzer(policy, embedder=embedder), batch=True)
    embedded = embedder.misses
    cached = rate(lambda: SemanticAnalyzer(policy, embedder=embedder), batch=False)
    print(f"{len(requests)} unique notes, {embedded - 1} texts embedded, one core")
    print(f"lexical (baseline)            {lexical:10,.0f} notes/s")
    print(f"embedding goal tie, cold      {cold:10,.0f} notes/s  (one batch)")
    print(f"embedding goal tie, cached    {cached:10,.0f} notes/s  (one note at a time)")


if __name__ == "__main__":
    main()

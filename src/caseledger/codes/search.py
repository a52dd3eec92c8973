"""Service codes ranked for a query by meaning and by words (``caseledger code search``).

Every service the packs define is a candidate, deleted ones included (0372T shows as deleted,
with its replacements). A service is described for the ranking by its pack name (a short
description in our own words: CPT descriptors are AMA copyright), its code and modifiers, the
title of its pack and the program's other names
(:data:`~caseledger.codes.passages.PROGRAM_ALIASES`).
The meaning half compares the query's sentence embedding with that description's; the words half
counts the query's rare words it shares (see :mod:`caseledger.codes.ranking`).

A query that names a code (``H2017``, ``0372t``, ``97158``, or a key such as ``H2017HOHQ``) puts
that code's services first, whatever the other scores say (a whole word before a part of one:
``SST-TRANSPORT`` before ``SST``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from caseledger.codes.passages import PROGRAM_ALIASES
from caseledger.codes.ranking import HybridIndex, IndexCache, Ranked, tokens
from caseledger.notes.embeddings import Embedder
from caseledger.policy import Policy, ServiceDef

#: how many codes a search shows unless told otherwise
DEFAULT_LIMIT = 10

_CACHE = IndexCache()


@dataclass(frozen=True)
class CodeHit:
    """One service code as a search found it, with its terms on the date asked about."""

    code: str
    #: the code with its modifiers, e.g. ``H2017 HO+HQ``
    label: str
    key: str
    pack: str
    program: str | None
    name: str
    unit: str
    #: ``$20.36``, ``not given`` by the sources, or empty when not in force that day
    rate: str
    #: ``in force``, ``deleted 2019-01-01``, ``not yet in force (from ...)`` or ``ended ...``
    status: str
    replaced_by: tuple[str, ...]
    score: float
    #: embedding similarity of the query to the description (``None`` for words only)
    meaning: float | None
    #: the weighted share of the query's words found
    words: float
    #: the query's words the description shares
    shared: tuple[str, ...]
    #: the query names this code
    exact: bool

    @property
    def why(self) -> str:
        """Why it matched, in a few words."""
        parts = []
        if self.exact:
            parts.append("the code asked for")
        if self.shared:
            parts.append("words: " + ", ".join(self.shared))
        if self.meaning is not None:
            parts.append(f"meaning {self.meaning:.2f}")
        return "; ".join(parts)


def _describe(policy: Policy, s: ServiceDef) -> str:
    title = policy.packs[s.pack].pack.title or s.pack
    # the pack's title without the codes it names: a code matches its own services only
    title = " ".join(w for w in title.split() if not any(ch.isdigit() for ch in w))
    aliases = PROGRAM_ALIASES.get(s.program or "", "")
    group = " group" if s.group else ""
    return f"{s.name}. {s.label}{group}. {title}. {aliases}".strip()


def _candidates(policy: Policy) -> list[ServiceDef]:
    """One entry per service (code and modifiers): its latest period."""
    latest: dict[str, ServiceDef] = {}
    for s in policy.service_timeline():
        seen = latest.get(s.key)
        if seen is None or s.start > seen.start:
            latest[s.key] = s
    return sorted(latest.values(), key=lambda s: (s.pack, s.code, s.modifiers))


def _unit(s: ServiceDef | None) -> str:
    if s is None or s.unit is None or s.unit.value is None:
        return "not stated"
    if s.untimed:
        return "untimed (per session)"
    return f"{s.unit.value} min"


def _normal(text: str) -> str:
    return re.sub(r"[\s+]", "", text).upper()


def _named_codes(query: str, candidates: list[ServiceDef]) -> dict[str, int]:
    """The codes and service keys the query names, in capitals, each with how closely: 2 when
    the query or one of its words is the code (``h2017 ho hq`` is the key ``H2017HOHQ``;
    ``SST-TRANSPORT`` is that key), 1 when only a part of a hyphenated word is (``SST``)."""
    known = {s.code for s in candidates} | {s.key for s in candidates}
    found: dict[str, int] = {}
    whole = {_normal(query)} | {
        w.upper() for w in re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", query)
    }
    for name in whole & known:
        found[name] = 2
    for name in {w.upper() for w in re.findall(r"[A-Za-z0-9]+", query)} & known:
        found.setdefault(name, 1)
    return found


def search(
    policy: Policy,
    query: str,
    on: dt.date,
    *,
    embedder: Embedder | None,
    limit: int = DEFAULT_LIMIT,
) -> list[CodeHit]:
    """The services best matching ``query``, best first, with their terms on ``on``.

    ``embedder`` ``None`` ranks by words alone. Raises ``ValueError`` for an empty query or a
    limit below 1."""
    if not query.strip():
        raise ValueError("the search is empty: give a few words or a code")
    if limit < 1:
        raise ValueError(f"the limit must be at least 1, got {limit}")
    candidates = _candidates(policy)
    texts = [_describe(policy, s) for s in candidates]
    index: HybridIndex = _CACHE.get("\x00".join(texts), texts, embedder)
    ranked = index.rank(query)
    named = _named_codes(query, candidates)
    words_by_term: dict[str, str] = {t: w for t, w in tokens(query)}
    hits: list[CodeHit] = []
    closeness: dict[str, int] = {}
    for i, s in enumerate(candidates):
        closeness[s.key] = max(named.get(s.code, 0), named.get(s.key, 0))
        hits.append(_hit(policy, s, on, ranked, i, closeness[s.key] > 0, words_by_term))
    hits.sort(key=lambda h: (-closeness[h.key], -h.score, h.label))
    return hits[:limit]


def _hit(
    policy: Policy,
    latest: ServiceDef,
    on: dt.date,
    ranked: Ranked,
    i: int,
    exact: bool,
    words_by_term: dict[str, str],
) -> CodeHit:
    now = policy.service(latest.code, latest.modifiers, on)
    shown = now or latest
    status = policy.code_status(latest.code, on)
    if now is not None:
        state = "in force"
        rate = "not given" if now.rate is None or now.rate.value is None else f"${now.rate.value}"
    else:
        rate = ""
        if status.deleted:
            state = f"deleted {status.deleted_on}"
        elif status.not_yet:
            state = f"not yet in force (from {status.added})"
        else:
            ended = latest.end.isoformat() if latest.end else "?"
            state = f"not in force (these terms ended {ended})"
    shared = tuple(sorted(words_by_term[t] for t in ranked.shared[i] if t in words_by_term))
    return CodeHit(
        code=latest.code,
        label=latest.label,
        key=latest.key,
        pack=latest.pack,
        program=latest.program,
        name=shown.name,
        unit=_unit(now) if now is not None else _unit(latest),
        rate=rate,
        status=state,
        replaced_by=status.replaced_by if status.deleted else (),
        score=float(ranked.blended[i]) + (1.0 if exact else 0.0),
        meaning=None if ranked.meaning is None else float(ranked.meaning[i]),
        words=float(ranked.words[i]),
        shared=shared,
        exact=exact,
    )

"""The built-in note analyzer: words and phrases from the policy packs, matched word by word.

Every phrase a pack lists (activity kinds with their exceptions, ambiguous terms, goal-tie, self-
reliance and group-suitable phrases) is looked up in the note as a run of whole words, case and
punctuation aside. A match is a signal for a person to read the note, not proof; so the analyzer
also reads the little grammar that turns a signal around: a negation cue just before an activity
in the same clause ("declined a ride", "did not drive", "instead of") or just after it ("a ride
was declined") means the activity did not happen, and a kind's exception phrases anywhere in the
note ("crisis", "unable to arrange") mean its exception is documented.

A phrase may be a small pattern: ``a|b`` matches either word at that place (``a-b`` in an
alternative is the run of words "a b"),
and ``...`` lets up to :data:`GAP` words of the same sentence stand between the parts on either side
of it (``drove|took ... group|program`` reads "drove client and her son to group"). Patterns let a
pack name the verb and its object, the way workers write them, without listing every wording.

Where two activity phrases claim the same words, the one spanning more of the note wins ("drove
client to group" is transport to the program, not transport to an appointment), then the one that
matched more words of its own; on a tie a non-billable kind wins over an excluded service, and both
over a billable function, so that an ambiguous phrase is always shown to a person. A non-billable
activity or excluded service whose words follow straight on the client ("client took the bus to
group", "she picked up her refill") is the client's own doing, not the worker's, and does not count.

Goals are compared by shared content words (stop words removed, simple suffixes stripped): see
:data:`GOAL_MATCH_THRESHOLD`. Only the sentences that may tie the note count: one that describes
non-billable work or an excluded service and nothing billable ties nothing, whatever it is for
(:func:`untied_sentences`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from caseledger.notes import words as en
from caseledger.notes.analyzer import ActivityMention, GoalMatch, NoteAnalysis, Section, Words
from caseledger.policy import ActivityKind, Policy, PolicyLookupError

#: A note clearly addresses a goal when it shares at least this share of the goal's content words
#: (and at least :data:`GOAL_MIN_SHARED` of them). A quarter is the point where the demo and
#: scenario notes written for a goal pass and notes about something else ("coffee, talk, walk";
#: a prom dress; math homework) fail; short goals need two shared words so one common word is not
#: enough. A later analyzer built on sentence embeddings replaces this with its own threshold.
GOAL_MATCH_THRESHOLD = 0.25
#: ... and never fewer shared words than this (or all of a shorter goal's words)
GOAL_MIN_SHARED = 2

#: ``activity`` values (dataset contract) of the billable functions that by their nature arrange
#: needed supports or work on the plan; when a note describes one of them concretely, it ties the
#: service to needed supports (002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11) guideline). Life skills
#: training and education are left out: their notes must show the link to recovery and the plan
#: themselves (same source, (11)(A)7 and (A)8 guidelines).
SUPPORT_ACTIVITIES = frozenset(
    {
        "plan_development",
        "plan_review",
        "re_engagement",
        "arranging_services",
        "coordination",
        "crisis",
        "discharge_planning",
        "initial_discharge_planning",
    }
)
#: how many words may stand between the parts of a phrase written with ``...``
GAP = 8
#: words naming the client as the one who acts, right before an activity's words
AGENT_WORDS = frozenset({"client", "consumer", "patient", "youth", "he", "she", "they"})
#: ``activity`` values of the kind that resolves a crisis
CRISIS_ACTIVITIES = frozenset({"crisis"})
#: how many distinct note texts each vocabulary remembers before starting afresh
TEXT_CACHE_SIZE = 200_000
#: how much of the note's start is kept for :meth:`NoteAnalysis.starts_with`
OPENING_CHARS = 240

#: punctuation that separates words without ending a clause (apostrophes stay inside words)
_SEPARATORS = '"$%&*+-/<=>@\\^_`|~\u201c\u201d\u2018\u00ab\u00bb\u2026\u00b7'
#: one character for one: separators become spaces, every break a full stop or a comma
_SPLIT = str.maketrans(
    {
        **{ch: " " for ch in _SEPARATORS},
        **{ch: "," for ch in en.CLAUSE_BREAKS},
        **{ch: "." for ch in en.SENTENCE_BREAKS},
    }
)
#: what every determiner reads as when phrases are matched
_DET = "\x00det"
_FILLERS = en.OBJECT_FILLERS | {_DET}
_SECTION_RANK: dict[Section, int] = {"nonbillable": 0, "excluded": 1, "billable": 2}

# what a phrase of the index stands for
_KIND, _EXCEPTION, _AMBIGUOUS, _TIE, _SELF, _GROUP, _ACTION, _NEG, _NEG_AFTER = range(9)


def lower(text: str) -> str:
    """``text`` in lower case with straight apostrophes, keeping every character's offset."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    return low.replace("\u2019", "'")


def split_note(low: str) -> list[list[list[str]]]:
    """The words of a lower-case text, clause by clause, sentence by sentence: hyphens and other
    punctuation split words, apostrophes do not (``client's``, ``didn't``), ``#`` is a word of
    its own (``goal #2``)."""
    split = low.translate(_SPLIT)
    if "#" in split:
        split = split.replace("#", " # ")
    out: list[list[list[str]]] = []
    for sentence in split.split("."):
        clauses: list[list[str]] = []
        for clause in sentence.split(","):
            ws = clause.split()
            if "'" in clause:  # apostrophes alone are no word (nor a clause, nor a sentence)
                ws = [w for w in (w.strip("'") for w in ws) if w]
            if ws:
                clauses.append(ws)
        if clauses:
            out.append(clauses)
    return out


def words_of(text: str) -> list[str]:
    """The lower-case words of ``text`` (see :func:`split_note`)."""
    return [w for s in split_note(lower(text)) for c in s for w in c]


def phrase_words(phrase: str) -> tuple[str, ...]:
    """The words of a phrase as they are matched (determiners as one placeholder)."""
    out: list[str] = []
    for w in words_of(phrase):
        if w in en.DETERMINERS:
            if out and out[-1] == _DET:
                continue
            w = _DET
        out.append(w)
    return tuple(out)


#: one place of a pattern: the runs of words that may stand there (longest first)
Slot = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Pattern:
    """A phrase with alternatives (``a|b``) or gaps (``...``): parts that follow each other in
    the same sentence, at most :data:`GAP` words apart, each part a run of slots."""

    parts: tuple[tuple[Slot, ...], ...]

    @property
    def literal(self) -> int:
        """How many words the pattern itself matches at the least (its weight against others)."""
        return sum(min(len(alt) for alt in slot) for part in self.parts for slot in part)

    def firsts(self) -> tuple[str, ...]:
        return tuple(alt[0] for alt in self.parts[0][0])

    def match(self, keys: Sequence[str], sentence: Sequence[int], i: int) -> int:
        """Where the pattern ends when it starts at word ``i`` (0 when it does not match)."""
        end = _part_at(self.parts[0], keys, i)
        if not end:
            return 0
        for part in self.parts[1:]:
            found = 0
            for k in range(end, min(len(keys), end + GAP + 1)):
                if sentence[k] != sentence[i]:
                    break
                found = _part_at(part, keys, k)
                if found:
                    break
            if not found:
                return 0
            end = found
        return end


def _part_at(part: tuple[Slot, ...], keys: Sequence[str], k: int) -> int:
    for slot in part:
        for alt in slot:
            if tuple(keys[k : k + len(alt)]) == alt:
                k += len(alt)
                break
        else:
            return 0
    return k


def compile_phrase(phrase: str) -> tuple[str, ...] | Pattern:
    """A pack phrase as it is matched: a run of words, or a :class:`Pattern` when it has
    ``|`` or ``...``."""
    if "|" not in phrase and "..." not in phrase:
        return phrase_words(phrase)
    parts: list[tuple[Slot, ...]] = []
    for chunk in phrase.split("..."):
        slots: list[Slot] = []
        for token in chunk.split():
            alts = {phrase_words(alt) for alt in token.split("|")}
            alts.discard(())
            if alts:
                slots.append(tuple(sorted(alts, key=lambda a: (-len(a), a))))
        if slots:
            parts.append(tuple(slots))
    if len(parts) == 1 and all(len(slot) == 1 for slot in parts[0]):
        return tuple(w for slot in parts[0] for w in slot[0])
    return Pattern(tuple(parts))


def stem(word: str) -> str:
    """A crude stem, enough to match ``meetings`` with ``meeting`` and ``scheduled`` with
    ``schedule``."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


class _Stems(dict[str, str]):
    """Each word's stem, or ``""`` for a word that says nothing about a topic (remembered)."""

    LIMIT = 500_000

    def __missing__(self, word: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        found = "" if len(word) < 2 or word in en.STOP_WORDS or word.isdigit() else stem(word)
        self[word] = found
        return found


_STEMS = _Stems()


def content_words(words: Iterable[str]) -> frozenset[str]:
    """The stems of the words that say what a text is about."""
    found = set(map(_STEMS.__getitem__, words))
    found.discard("")
    return frozenset(found)


@dataclass(frozen=True)
class Vocabulary:
    """The phrases one program's pack has in force on one date."""

    kinds: tuple[ActivityKind, ...] = ()
    ambiguous: tuple[str, ...] = ()
    goal_tie: tuple[str, ...] = ()
    self_reliance: tuple[str, ...] = ()
    group_suitable: tuple[str, ...] = ()
    actions: tuple[str, ...] = en.DEFAULT_ACTION_PHRASES
    negation_before: tuple[str, ...] = en.NEGATION_BEFORE
    negation_after: tuple[str, ...] = en.NEGATION_AFTER

    @classmethod
    def from_policy(cls, policy: Policy, program: str, on: dt.date) -> Vocabulary:
        try:
            kinds = policy.activity_kinds(program, on)
        except PolicyLookupError:
            return cls()
        return cls(
            kinds=kinds,
            ambiguous=_phrases(policy, program, "ambiguous_terms", on),
            goal_tie=_phrases(policy, program, "goal_tie_phrases", on),
            self_reliance=_phrases(policy, program, "self_reliance_phrases", on),
            group_suitable=_phrases(policy, program, "group_suitable_phrases", on),
            actions=_phrases(policy, program, "action_phrases", on, en.DEFAULT_ACTION_PHRASES),
        )


def _phrases(
    policy: Policy, program: str, name: str, on: dt.date, default: tuple[str, ...] = ()
) -> tuple[str, ...]:
    try:
        found = policy.find_param(program, name, on)
    except PolicyLookupError:
        return default
    if found is None:
        return default
    value = found.value
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@dataclass
class _Reading:
    analysis: NoteAnalysis
    #: the content words of the sentences that may tie the note to a goal (see
    #: :func:`untied_sentences`)
    words: frozenset[str]


@dataclass
class _Matcher:
    """A vocabulary compiled into an index from each phrase's first word."""

    vocabulary: Vocabulary
    index: dict[str, list[tuple[tuple[str, ...] | Pattern, int, int]]] = field(default_factory=dict)
    cache: dict[str, _Reading] = field(default_factory=dict)
    #: the kinds (by position) that name a crisis, and those that arrange needed supports
    crisis: frozenset[int] = field(init=False, default=frozenset())
    support: frozenset[int] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        v = self.vocabulary
        for n, kind in enumerate(v.kinds):
            self._add(kind.phrases, _KIND, n)
            self._add(kind.exception_phrases, _EXCEPTION, n)
        for phrases, what in (
            (v.ambiguous, _AMBIGUOUS),
            (v.goal_tie, _TIE),
            (v.self_reliance, _SELF),
            (v.group_suitable, _GROUP),
            (v.actions, _ACTION),
            (v.negation_before, _NEG),
            (v.negation_after, _NEG_AFTER),
        ):
            self._add(phrases, what, 0)
        for entries in self.index.values():
            entries.sort(key=lambda e: -_weight(e[0]))
        self.crisis = frozenset(
            n for n, k in enumerate(v.kinds) if CRISIS_ACTIVITIES.intersection(k.activities)
        )
        self.support = frozenset(
            n for n, k in enumerate(v.kinds) if SUPPORT_ACTIVITIES.intersection(k.activities)
        )

    def _add(self, phrases: Iterable[str], what: int, ref: int) -> None:
        for phrase in phrases:
            compiled = compile_phrase(phrase)
            if isinstance(compiled, Pattern):
                for first in compiled.firsts():
                    self.index.setdefault(first, []).append((compiled, what, ref))
            elif compiled:
                self.index.setdefault(compiled[0], []).append((compiled, what, ref))

    def read(self, text: str) -> _Reading:
        found = self.cache.get(text)
        if found is None:
            if len(self.cache) >= TEXT_CACHE_SIZE:
                self.cache.clear()
            found = self.cache[text] = self._read(text)
        return found

    def _read(self, text: str) -> _Reading:
        low = lower(text)
        # the words (determiner runs as one placeholder), the clause and sentence of each, and
        # which word of the note each stands for
        words: list[str] = []
        keys: list[str] = []
        at: list[int] = []
        clause: list[int] = []
        sentence: list[int] = []
        c = 0
        for s, parts in enumerate(split_note(low)):
            for part in parts:
                c += 1
                det = False
                for w in part:
                    words.append(w)
                    if w in en.DETERMINERS:
                        if det:
                            continue
                        det = True
                        w = _DET
                    else:
                        det = False
                        if w in en.CLAUSE_WORDS:
                            c += 1
                    keys.append(w)
                    at.append(len(words) - 1)
                    clause.append(c)
                    sentence.append(s)
        n = len(keys)

        matches: list[tuple[int, int, int, int]] = []
        #: how many words of its own each kind match matched (see :func:`_weight`)
        weights: dict[tuple[int, int, int], int] = {}
        #: matches with gaps: the words between their parts are not theirs
        gapped: set[tuple[int, int]] = set()
        index = self.index
        for i, w in enumerate(keys):
            candidates = index.get(w)
            if candidates:
                for phrase, what, ref in candidates:
                    if isinstance(phrase, Pattern):
                        end = phrase.match(keys, sentence, i)
                        if end:
                            matches.append((i, end, what, ref))
                            if len(phrase.parts) > 1:
                                gapped.add((i, end))
                            if what == _KIND:
                                key = (i, end, ref)
                                weights[key] = max(weights.get(key, 0), phrase.literal)
                        continue
                    size = len(phrase)
                    if size == 1 or tuple(keys[i : i + size]) == phrase:
                        matches.append((i, i + size, what, ref))
        opening = " ".join(text.lstrip()[:OPENING_CHARS].split()).lower()
        sentences = len(set(sentence))
        if not matches:
            return _Reading(
                NoteAnalysis(opening=opening, sentences=sentences), content_words(words)
            )

        # negation cues inside another phrase ("could not arrange", "no-show") are not cues
        covered = {
            k
            for i, j, what, _ in matches
            if what < _NEG and (i, j) not in gapped
            for k in range(i, j)
        }
        before = [(i, j) for i, j, what, _ in matches if what == _NEG and i not in covered]
        after = [i for i, _, what, _ in matches if what == _NEG_AFTER and i not in covered]

        def negated(i: int, j: int) -> bool:
            for a, b in before:
                if i - en.NEGATION_REACH_BEFORE <= b <= i and clause[a] == clause[i]:
                    return True
                # a cue in a pattern's gap turns the rest around ("drove ... not ... group")
                if i < a < j and (i, j) in gapped:
                    return True
            return any(
                j <= a < j + en.NEGATION_REACH_AFTER and clause[a] == clause[j - 1] for a in after
            )

        starts: list[int] = []

        def offset(k: int) -> int:
            # where word k starts: words are found in order, each after the one before
            while len(starts) <= k:
                prev = len(starts) - 1
                after = starts[prev] + len(words[prev]) if starts else 0
                starts.append(low.find(words[prev + 1], after))
            return starts[k]

        def span(i: int, j: int) -> Words:
            last = at[j - 1]
            start, end = offset(at[i]), offset(last) + len(words[last])
            return Words(start, end, text[start:end], sentence[i])

        kinds = self.vocabulary.kinds
        exceptions: dict[int, Words] = {}
        kind_matches: list[tuple[int, int, int]] = []
        found: dict[int, list[Words]] = {w: [] for w in (_AMBIGUOUS, _TIE, _SELF, _GROUP)}
        actions: list[Words] = []
        for i, j, what, ref in matches:
            if what == _KIND:
                kind_matches.append((i, j, ref))
            elif what in (_NEG, _NEG_AFTER) or negated(i, j):
                continue
            elif what == _EXCEPTION:
                exceptions.setdefault(ref, span(i, j))
            elif what == _ACTION:
                if i and keys[i - 1] in en.CLIENT_WORDS:
                    found[_SELF].append(span(i - 1, j))
                if any(
                    clause[k] == clause[j - 1] and keys[k] not in _FILLERS
                    for k in range(j, min(n, j + en.OBJECT_REACH))
                ):
                    actions.append(span(i, j))
            else:
                found[what].append(span(i, j))

        # the longest match wins words two kinds claim, then the one with more words of its
        # own; then non-billable, excluded, billable
        taken: set[int] = set()
        kept: list[tuple[int, int, int]] = []
        for i, j, ref in sorted(
            kind_matches,
            key=lambda m: (
                m[0] - m[1],
                -weights.get(m, m[1] - m[0]),
                _SECTION_RANK[kinds[m[2]].section],
                m[0],
            ),
        ):
            if taken.isdisjoint(range(i, j)):
                taken.update(range(i, j))
                kept.append((i, j, ref))
        kept.sort()

        def clients_own(i: int, ref: int) -> bool:
            # "client took the bus to group": the client acted, not the worker
            return (
                kinds[ref].section != "billable"
                and i > 0
                and keys[i - 1] in AGENT_WORDS
                and clause[i - 1] == clause[i]
                and (i < 2 or keys[i - 2] != "and")  # "CSW and client discussed"
            )

        mentions = tuple(
            ActivityMention(
                kind=kinds[ref].kind,
                section=kinds[ref].section,
                label=kinds[ref].label,
                words=span(i, j),
                negated=negated(i, j) or clients_own(i, ref),
                excepted=ref in exceptions,
            )
            for i, j, ref in kept
        )
        crisis = tuple(
            m.words for (_, _, ref), m in zip(kept, mentions, strict=True)
            if m.counts and ref in self.crisis
        )  # fmt: skip
        # words that name supports or the plan only tie the service when they stand apart from
        # non-billable work ("updated the treatment plan" is paperwork, not work on the plan)
        unbilled = untied_sentences(mentions)
        supports: list[Words] = [w for w in found[_TIE] if w.sentence not in unbilled]
        if actions:
            supports.extend(
                m.words for (_, _, ref), m in zip(kept, mentions, strict=True)
                if m.counts and ref in self.support
            )  # fmt: skip
        analysis = NoteAnalysis(
            activities=mentions,
            exceptions=tuple((kinds[ref].kind, w) for ref, w in sorted(exceptions.items())),
            ambiguous=tuple(found[_AMBIGUOUS]),
            actions=tuple(actions),
            crisis=crisis,
            supports=_ordered(supports),
            self_reliance=_ordered(found[_SELF]),
            group_suitable=tuple(found[_GROUP]),
            opening=opening,
            sentences=sentences,
        )
        tie_words = (
            [words[at[k]] for k in range(n) if sentence[k] not in unbilled] if unbilled else words
        )
        return _Reading(analysis, content_words(tie_words))


def untied_sentences(mentions: Iterable[ActivityMention]) -> frozenset[int]:
    """The sentences (by number) that describe non-billable work or an excluded service and no
    billable work. They cannot tie a note to a goal or to supports: the work is not a community
    support service whatever it is for, so a ride to an AA meeting or a urine test for probation
    ties nothing (002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11) guideline and (11)(B);
    tests/notes/corpus/README.md, the goal-tie rule)."""
    unbilled: set[int] = set()
    billed: set[int] = set()
    for m in mentions:
        if m.counts:
            (billed if m.section == "billable" else unbilled).add(m.words.sentence)
    return frozenset(unbilled - billed)


def sentence_texts(text: str) -> list[str]:
    """The sentences of ``text`` as written, numbered as :func:`split_note` numbers them (the
    ``sentence`` of :class:`~caseledger.notes.analyzer.Words`): a piece with no words is not a
    sentence."""
    split = lower(text).translate(_SPLIT)
    out: list[str] = []
    start = 0
    for piece in split.split("."):
        end = start + len(piece)
        if any(w.strip("'") for w in piece.replace(",", " ").split()):
            out.append(" ".join(text[start:end].split()))
        start = end + 1
    return out


def _weight(phrase: tuple[str, ...] | Pattern) -> int:
    """How many words a phrase matches of its own: its length, or a pattern's fixed words."""
    return phrase.literal if isinstance(phrase, Pattern) else len(phrase)


def _ordered(found: list[Words]) -> tuple[Words, ...]:
    """In note order, once each."""
    return tuple(sorted({(w.start, w.end): w for w in found}.values(), key=lambda w: w.start))


class LexicalAnalyzer:
    """A :class:`~caseledger.notes.analyzer.NoteAnalyzer` built from a policy's phrases."""

    def __init__(self, policy: Policy | None = None, *, vocabulary: Vocabulary | None = None):
        """Reads each program's phrases from ``policy`` as they stand on each date of service;
        or, given a ``vocabulary``, uses that one for every program and date."""
        self.policy = policy
        self._fixed = None if vocabulary is None else _Matcher(vocabulary)
        self._by_date: dict[tuple[str, dt.date], _Matcher] = {}
        self._by_vocabulary: dict[Vocabulary, _Matcher] = {}
        self._goal_words: dict[str, frozenset[str]] = {}

    def vocabulary(self, program: str, on: dt.date) -> Vocabulary:
        return self._matcher(program, on).vocabulary

    def _matcher(self, program: str, on: dt.date) -> _Matcher:
        key = (program, on)
        found = self._fixed or self._by_date.get(key)
        if found is None:
            if self.policy is None:
                vocabulary = Vocabulary()
            else:
                vocabulary = Vocabulary.from_policy(self.policy, program, on)
            found = self._by_vocabulary.get(vocabulary)
            if found is None:
                found = self._by_vocabulary[vocabulary] = _Matcher(vocabulary)
            self._by_date[key] = found
        return found

    def analyze(
        self, text: str, *, program: str, on: dt.date, goals: Sequence[str] = ()
    ) -> NoteAnalysis:
        reading = self._matcher(program, on).read(text)
        if not goals:
            return reading.analysis
        return replace(
            reading.analysis, goals=tuple(self._match(reading.words, goal) for goal in goals)
        )

    def _match(self, note: frozenset[str], goal: str) -> GoalMatch:
        wanted = self._goal_words.get(goal)
        if wanted is None:
            if len(self._goal_words) >= TEXT_CACHE_SIZE:
                self._goal_words.clear()
            wanted = self._goal_words[goal] = content_words(words_of(goal))
        if not wanted:
            return GoalMatch(0.0, related=False, addresses=False)
        shared = note & wanted
        score = len(shared) / len(wanted)
        enough = len(shared) >= min(GOAL_MIN_SHARED, len(wanted))
        return GoalMatch(
            score,
            related=bool(shared),
            addresses=enough and score >= GOAL_MATCH_THRESHOLD,
            shared=tuple(sorted(shared)),
        )

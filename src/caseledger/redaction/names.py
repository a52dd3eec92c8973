"""People's names and places the record does not know: spaCy's entity recogniser, context cues
and the census name lists, then every other mention of a name once found.

Cues: a title ("Mr.", "Ms.", "Dr."), a relation or role before or after the name ("her mother
Linda", "Linda (mother)", "case manager Ortiz", "roommate, Dee"), a signature ("Signed: ...",
"..., CSW"), initials ("J.M."). A capitalised word that the census lists give as a name and that
is not an everyday English word counts on its own. Places: the recogniser's cities and places,
except US states and countries (Safe Harbor keeps the state).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from caseledger.redaction import lexicon, pipeline
from caseledger.redaction.spans import PhiType, Span

_WORD = r"[^\W\d_][\w'’-]*"
_CAP = r"[A-ZÀ-Ý][\w'’-]*"

_RELATIONS = (
    r"mother|mom|mommy|mama|father|dad|daddy|papa|sister|brother|sibling|son|daughter|aunt|uncle"
    r"|grandmother|grandma|granny|grandfather|grandpa|grandson|granddaughter|husband|wife|spouse"
    r"|partner|fianc[eé]e?|boyfriend|girlfriend|guardian|roommate|room-mate|housemate|friend"
    r"|neighbor|neighbour|cousin|niece|nephew|stepmother|stepfather|stepson|stepdaughter"
    r"|peer|peers|landlord|landlady|manager|boss|supervisor|coworker|co-worker|teacher|coach"
    r"|case\s+manager|counselor|counsellor|therapist|psychiatrist|nurse|worker|caseworker"
    r"|CSW|QHIP|staff|writer|member|members|client|consumer|individual|named|called|contact"
    r"|provider|physician|doctor|aide|caregiver|sponsor|pastor|reverend|officer|attorney"
)
_TITLES = r"(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Rev|Sgt|Officer|Judge|Pastor|Father|Sister)"
_TITLE_WORDS = frozenset(_TITLES[3:-1].split("|"))
TITLE = re.compile(rf"\b{_TITLES}\.?\s+({_CAP}(?:[ \t]+{_CAP})?)")
#: "her mother Linda", "peers Tomas, Keisha and Marcus", "roommate, Dee"
AFTER_RELATION = re.compile(
    rf"\b(?i:{_RELATIONS})(?:'s)?,?\s+({_WORD}(?:[ \t]+{_CAP})?)"
    rf"((?:\s*,\s*{_CAP}(?:[ \t]+{_CAP})?)*(?:,?\s+(?:and|&|or)\s+{_CAP}(?:[ \t]+{_CAP})?)?)"
)
#: "Linda (mother)", "Linda, her mother", "Linda is her sister"
BEFORE_RELATION = re.compile(
    rf"({_CAP}(?:[ \t]+{_CAP})?)\s*(?:\(\s*|,\s*(?:her|his|their|the\s+client's|client's)\s+"
    rf"|\s+is\s+(?:her|his|their|the\s+client's)\s+(?:\w+\s+)?)(?:{_RELATIONS})\b"
)
SIGNATURE = re.compile(
    rf"(?:\b(?:signed|signed\s+by|note\s+by|reviewed\s+by|written\s+by|author|staff|by)\s*:?\s+"
    rf"((?:[A-Z]\.\s*)?{_CAP}(?:[ \t]+{_CAP})?))"
    rf"|(?:^|--\s*|—\s*)((?:[A-Z]\.\s*)?{_CAP}[ \t]+{_CAP}),?[ \t]+"
    rf"(?:CSW|QHIP|LPC|LCSW|PLPC|LMSW|PLCSW|CSS|QMHP|BA|BS|MA|MSW|RN|LPN|CADC|CRADC|PhD|MD)\b",
    re.MULTILINE,
)
#: "J.M.", "J. M.", "J.R.R."
INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){2,3}(?![\w])")
_NOT_INITIALS = {
    "A.M.", "P.M.", "U.S.", "D.C.", "P.O.", "B.A.", "B.S.", "M.A.", "M.D.", "R.N.", "D.O.B.",
    "D.O.S.", "D.O.",
}  # fmt: skip
#: "J. Smith"
INITIAL_SURNAME = re.compile(rf"(?<![\w.])[A-Z]\.\s?({_CAP})")
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*(?:['’]s)?")
#: "Name: Iwasaki, Arjun", "Client: Dana Whitfield"
HEADER = re.compile(
    rf"\b(?i:name|client|pt|patient|consumer(?:\s+name)?|individual|re|member|participant)"
    rf"\s*:\s*({_CAP}(?:,?[ \t]+{_CAP}){{0,2}})"
)
#: a capitalised word followed by what people do in notes: "Hope reported", "Will is looking"
BEFORE_PERSON_VERB = re.compile(
    rf"(?<![\w'-])({_CAP})\s+(?:said|says|stated|states|reported|reports|asked|asks|visited"
    rf"|attended|is\s+(?:looking|my|her|his|a|an|the|working|doing)|was\s+\d|turned|left|called"
    rf"|came|wants|wanted|met|practiced|talked|rated|identified|introduced|completed|brought"
    rf"|participated|ordered|agreed|signed|slept|arrived|stayed|declined|refused|denied|shared"
    rf"|and\s+(?:her|his)\s+\w+|not\s+be)\b"
)
#: places by what is said of them: "moved to Liberty", "lives in Union", "the Fulton library"
PLACE = re.compile(
    rf"\b(?:moved|moving|relocated|lives|lived|living|live|resides|resided|residing|born|raised"
    rf"|grew\s+up|stays|staying|transferred|driving|drove|travel(?:l?ed)?|trip)"
    rf"\s+(?:back\s+)?(?:to|in|at|near|from|around)\s+((?:St\.\s)?{_CAP}(?:\s{_CAP})?)"
    rf"|\bthe\s+((?:St\.\s)?{_CAP}(?:\s{_CAP})?)\s+(?:library|office|hospital|clinic|jail"
    rf"|courthouse|shelter|park|campus|branch|bus\s+station|YMCA|Walmart|Health\s+Department)"
)
#: words before a medicine's name
_MEDICINE_CUE = re.compile(
    r"\b(?:take|takes|taking|took|increased|decreased|started|stopped|prescribed|on|mg|dose"
    r"|refill(?:ed)?)\s+(?:[A-Z]\w+\s+)?$",
    re.IGNORECASE,
)
_AT_PLACE = re.compile(
    r"\b(?:at|from|rides?\s+to|shopping\s+at|shop\s+at|drove\s+to\s+the)\s+(?:the\s+)?"
    r"(?:[A-Z]\w+\s+)?$"
)
_MG_AFTER = re.compile(r"\s*\d+\s*mg\b", re.I)
_RELATION_WORD = re.compile(_RELATIONS, re.IGNORECASE)
_COORDINATION = re.compile(rf"({_CAP})(\s*,\s*|\s+(?:and|&|or)\s+)({_CAP})")
_AFTER_WORD = re.compile(rf"(?<=[\w'’])[ \t]+({_CAP})")
_BEFORE_WORD = re.compile(rf"({_CAP})[ \t]+(?=[A-Z])")
#: words after which a capitalised word is a person: "voicemail for Will", "told Hope",
#: "with Grant", "about Malachi"
PERSON_AFTER = re.compile(
    rf"\b(?:(?:voicemail|message|letter|card|text|e-?mail|note)\s+(?:for|to|from)"
    rf"|told|tell|tells|asked|asks|invite[sd]?|inviting|visited|visiting|thanked|texted"
    rf"|emailed|e-mailed|hugged|introduced|helped|with|about)\s+({_CAP})(?![\w'’-]|['’]s\b)"
)
#: "Hope and I", "Red's son"
PERSON_BEFORE = re.compile(
    rf"(?<![\w'’-])({_CAP})(?:\s+and\s+(?:I|me)\b|['’]s\s+(?:{_RELATIONS})\b)"
)
#: a line of capitals that reads as a full name: "DANA WHITFIELD  (C-20417)"
CAPS_NAME = re.compile(r"(?<![\w'’-])([A-Z][A-Z'’-]+(?:[ \t]+[A-Z][A-Z'’-]+){1,2})(?![\w'’-])")

#: words that look like names after a cue but are not ("her mother Called")
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "are",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "your",
        "this",
        "that",
        "these",
        "those",
        "who",
        "whom",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "not",
        "no",
        "yes",
        "he",
        "she",
        "they",
        "it",
        "we",
        "you",
        "i",
        "me",
        "him",
        "them",
        "us",
        "also",
        "then",
        "than",
        "there",
        "here",
        "very",
        "too",
        "so",
        "just",
        "about",
        "after",
        "before",
        "during",
        "over",
        "under",
        "again",
        "each",
        "every",
        "some",
        "any",
        "all",
        "both",
        "either",
        "neither",
        "said",
        "stated",
        "reported",
        "called",
        "asked",
        "came",
        "went",
        "has",
        "had",
        "have",
        "would",
        "could",
        "should",
        "might",
        "can",
        "did",
        "does",
        "do",
        "shall",
        "must",
        "mr",
        "mrs",
        "ms",
        "mx",
        "miss",
        "dr",
        "prof",
        "rev",
        "sgt",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
_STATES = frozenset(
    [
        "alabama",
        "alaska",
        "arizona",
        "arkansas",
        "california",
        "colorado",
        "connecticut",
        "delaware",
        "florida",
        "georgia",
        "hawaii",
        "idaho",
        "illinois",
        "indiana",
        "iowa",
        "kansas",
        "kentucky",
        "louisiana",
        "maine",
        "maryland",
        "massachusetts",
        "michigan",
        "minnesota",
        "mississippi",
        "missouri",
        "montana",
        "nebraska",
        "nevada",
        "ohio",
        "oklahoma",
        "oregon",
        "pennsylvania",
        "tennessee",
        "texas",
        "utah",
        "vermont",
        "virginia",
        "washington",
        "wisconsin",
        "wyoming",
        "mo",
        "us",
        "usa",
        "america",
    ]
) | {
    "new york",
    "new jersey",
    "new mexico",
    "new hampshire",
    "north carolina",
    "south carolina",
    "north dakota",
    "south dakota",
    "rhode island",
    "west virginia",
    "united states",
}


def _ok_name_word(word: str) -> bool:
    """Whether a word found after a cue may be a name: not a function word, and either written
    with a capital or not an English word at all."""
    bare = word.rstrip("'’s") if word.endswith(("'s", "’s")) else word
    if not bare or bare.lower() in _FUNCTION_WORDS:
        return False
    if bare[0].isupper():
        return not (bare.isupper() and len(bare) <= 4 and not lexicon.is_name(bare))
    return not lexicon.is_english(bare) or (lexicon.is_name(bare) and not lexicon.is_everyday(bare))


def _name_tokens(text: str, start: int, end: int) -> Iterator[Span]:
    """The words of ``text[start:end]`` that may be names, without a trailing possessive."""
    for match in _TOKEN.finditer(text, start, end):
        word = match.group()
        stop = match.end()
        if word.endswith(("'s", "’s")):
            word, stop = word[:-2], stop - 2
        if len(word) >= 2 and _ok_name_word(word):
            yield Span(match.start(), stop, PhiType.NAME, "cue")


def _cues(text: str) -> Iterator[Span]:
    for match in TITLE.finditer(text):
        yield from _name_tokens(text, match.start(1), match.end(1))
    for match in AFTER_RELATION.finditer(text):
        head = _TOKEN.match(text, match.start(1))
        if head is None or not _ok_name_word(head.group()):
            continue  # "CSW at Aldi": the word after the relation is no name
        first = list(_name_tokens(text, match.start(1), match.end(1)))
        # a lower-case word after a relation is a name only when it is not English ("mom linda")
        yield from first
        if first and match.group(2):
            yield from _name_tokens(text, match.start(2), match.end(2))
    for match in BEFORE_RELATION.finditer(text):
        yield from _name_tokens(text, match.start(1), match.end(1))
    for match in SIGNATURE.finditer(text):
        group = 1 if match.group(1) else 2
        yield from _name_tokens(text, match.start(group), match.end(group))
    for match in HEADER.finditer(text):
        yield from _name_tokens(text, match.start(1), match.end(1))
    for match in BEFORE_PERSON_VERB.finditer(text):
        word = match.group(1)
        before = text[: match.start()].rstrip(" \t\"'“(")
        mid_sentence = bool(before) and before[-1] not in ".!?:;\n"
        role = _RELATION_WORD.fullmatch(word) is not None
        if not role and (mid_sentence or lexicon.is_name(word) or not lexicon.is_english(word)):
            yield from _name_tokens(text, match.start(1), match.end(1))
    for match in PERSON_AFTER.finditer(text):
        word = match.group(1)
        if _ok_name_word(word) and (
            lexicon.is_name(word)
            or not lexicon.is_common(word)
            or match.group().lower().startswith(_MESSAGE_WORDS)
        ):
            yield Span(match.start(1), match.end(1), PhiType.NAME, "cue")
    for match in PERSON_BEFORE.finditer(text):
        if _ok_name_word(match.group(1)) and _RELATION_WORD.fullmatch(match.group(1)) is None:
            yield Span(match.start(1), match.end(1), PhiType.NAME, "cue")
    for match in CAPS_NAME.finditer(text):
        words = match.group(1).split()
        # a given name first, then no small word: "APRIL LITTLE", not "PROGRESS NOTE"
        if lexicon.is_name(words[0]) and not any(w.lower() in _FUNCTION_WORDS for w in words):
            yield Span(match.start(1), match.end(1), PhiType.NAME, "capitals")
    for match in INITIALS.finditer(text):
        if match.group().replace(" ", "") not in _NOT_INITIALS:
            yield Span(match.start(), match.end(), PhiType.NAME, "initials")
    for match in INITIAL_SURNAME.finditer(text):
        if _ok_name_word(match.group(1)):
            yield Span(match.start(), match.end(1), PhiType.NAME, "initials")


_MESSAGE_WORDS = ("voicemail", "message", "letter", "card", "text", "email", "e-mail", "note")


def _census(text: str) -> Iterator[Span]:
    """Capitalised words the census lists give as names, that are not everyday English words."""
    for match in _TOKEN.finditer(text):
        word = match.group()
        stop = match.end()
        if word.endswith(("'s", "’s")):
            word, stop = word[:-2], stop - 2
        if len(word) < 3 or not word[0].isupper() or word.isupper():
            continue
        if (
            lexicon.is_name(word)
            and not lexicon.is_everyday(word)
            and not _not_a_person_here(text, match.start(), stop)
        ):
            yield Span(match.start(), stop, PhiType.NAME, "census")


def _unknown_words(text: str, labels: dict[int, str]) -> Iterator[Span]:
    """Capitalised words that are neither English nor all capitals: taken as names unless the
    recogniser calls them something else, or the words before them give a medicine ("takes
    Keppra") or a business ("at Aldi")."""
    for match in _TOKEN.finditer(text):
        word = match.group()
        stop = match.end()
        if word.endswith(("'s", "’s")):
            word, stop = word[:-2], stop - 2
        if len(word) < 3 or not word[0].isupper() or word.isupper() or "-" in word:
            continue
        if lexicon.is_common(word) or word.lower() in _FUNCTION_WORDS:
            continue
        if not _mid_sentence(text, match.start()) and lexicon.is_english(word):
            continue  # at a sentence start a rare dictionary word ("Socialization") is the word
        label = labels.get(match.start(), "")
        if _compound(word) or _not_a_person_here(text, match.start(), stop):
            continue
        kind = PhiType.ADDRESS if label in ("GPE", "LOC") else PhiType.NAME
        yield Span(match.start(), stop, kind, "unknown")


def _mid_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'“(")
    return bool(before) and before[-1] not in ".!?:;\n"


def _compound(word: str) -> bool:
    """English words run together with capitals ("HealthNet"), not a name like "McAllister" or
    "DeShawn"."""
    inner = [i for i, c in enumerate(word) if c.isupper() and i > 0]
    return bool(inner) and inner[0] >= 4 and lexicon.is_english(word[: inner[0]])


def _not_a_person_here(text: str, start: int, stop: int) -> bool:
    """Whether the words around a capitalised word make it a medicine ("takes Keppra", "Keppra
    500 mg") or a business ("at Aldi")."""
    before = text[max(0, start - 30) : start]
    if _MEDICINE_CUE.search(before) or _AT_PLACE.search(before):
        return True
    return _MG_AFTER.match(text[stop : stop + 10]) is not None


def _plausible(text: str, span: Span) -> bool:
    """Whether a word the recogniser calls a person may be one: a census name or no English word,
    and not a medicine or a business by its context."""
    word = text[span.start : span.end]
    if _compound(word) or (lexicon.is_common(word) and not lexicon.is_name(word)):
        return False
    return not _not_a_person_here(text, span.start, span.end)


def _places(text: str) -> Iterator[Span]:
    for match in PLACE.finditer(text):
        group = 1 if match.group(1) else 2
        words = match.group(group)
        if words.lower() not in _STATES:
            yield Span(match.start(group), match.end(group), PhiType.ADDRESS, "cue")


def _coordinated(text: str, found: list[Span]) -> Iterator[Span]:
    """A capitalised word joined by "and" or a comma to a name already found is a name too:
    "Brittany and Hope", "Tomas, Keisha"."""
    starts = {s.start for s in found if s.type is PhiType.NAME}
    ends = {s.end for s in found if s.type is PhiType.NAME}
    for match in _COORDINATION.finditer(text):
        left, right = match.span(1), match.span(3)
        if left[1] in ends and right[0] not in starts and _ok_name_word(match.group(3)):
            yield Span(right[0], right[1], PhiType.NAME, "coordination")
        if right[0] in starts and left[1] not in ends and _ok_name_word(match.group(1)):
            yield Span(left[0], left[1], PhiType.NAME, "coordination")
    for match in _AFTER_WORD.finditer(text):
        word = match.group(1).removesuffix("'s").removesuffix("’s")
        if match.start() in ends and match.start(1) not in starts and _surname_like(word):
            yield Span(match.start(1), match.start(1) + len(word), PhiType.NAME, "surname")
    for match in _BEFORE_WORD.finditer(text):
        # a given name before a surname found: "Ebony Szymanski", "Mei Little"
        word = match.group(1)
        if match.end() in starts and match.start(1) not in starts and _given_name_like(word):
            yield Span(match.start(1), match.end(1), PhiType.NAME, "given name")


def _surname_like(word: str) -> bool:
    """A capitalised word right after a given name reads as its surname, unless it is a
    function word, a role or credential ("QHIP"), or a word of a relation."""
    return (
        len(word) >= 2
        and not word.isupper()
        and word.lower() not in _FUNCTION_WORDS
        and _RELATION_WORD.fullmatch(word) is None
    )


def _given_name_like(word: str) -> bool:
    """A capitalised word right before a surname reads as a given name when the census lists
    give it as one, or when it is no common English word (a title or a role is neither)."""
    return (
        _surname_like(word)
        and word not in _TITLE_WORDS
        and (lexicon.is_name(word) or not lexicon.is_modifier_or_verb(word))
    )


def _entities_of(doc: Any, text: str) -> Iterator[Span]:
    for ent in doc.ents:
        label = ent.label_
        if label == "PERSON":
            yield from (
                Span(s.start, s.end, s.type, "ner")
                for s in _name_tokens(text, ent.start_char, ent.end_char)
                if _plausible(text, s)
            )
        elif label in ("GPE", "LOC", "FAC"):
            words = ent.text.strip()
            if words.lower() in _STATES or words.lower().removeprefix("the ") in _STATES:
                continue
            if INITIALS.fullmatch(words + ("." if not words.endswith(".") else "")):
                continue  # "D.O.B." read as a place
            if label == "FAC" and not any(c.isdigit() for c in words):
                continue  # a building by its kind ("the library") says nowhere in particular
            if _not_a_person_here(text, ent.start_char, ent.end_char):
                continue
            if any(c.isupper() for c in words) and not lexicon.is_everyday(words):
                yield Span(ent.start_char, ent.end_char, PhiType.ADDRESS, "ner")


def find(text: str, doc: Any = None) -> list[Span]:
    """Names and places in ``text``, every mention of each name found once included. ``doc`` is
    the recogniser's reading of ``text`` when the caller has it already (see ``find_all``)."""
    if doc is None:
        doc = pipeline.nlp()(text)
    labels = {ent.start_char + i: ent.label_ for ent in doc.ents for i in (0,)}
    for token in doc:
        labels.setdefault(token.idx, token.ent_type_)
    found = [
        *_cues(text), *_census(text), *_entities_of(doc, text), *_unknown_words(text, labels),
        *_places(text),
    ]  # fmt: skip
    found += list(_coordinated(text, found))
    return found


def find_all(texts: Sequence[str]) -> Iterator[list[Span]]:
    """``find`` for many texts, the recogniser reading them in batches."""
    for text, doc in zip(texts, pipeline.entities(texts), strict=True):
        yield find(text, doc)


#: words before a lower-case mention that make it a person: "drove grant to group"
_LOWER_BEFORE = re.compile(
    r"\b(?:drove|invite[sd]?|told|asked|called|texted|visited|with|and|for|about|to)\s+$"
)
#: words after a lower-case mention that make it a person: "grant said"
_LOWER_AFTER = re.compile(
    r"\s+(?:said|says|stated|states|reported|reports|asked|asks|wants|wanted|called|visited"
    r"|is\s+my|and\s+I)\b"
)


def spread(text: str, found: list[Span]) -> Iterator[Span]:
    """Every other mention of the name words already found: a name seen once after "her mother"
    is a name when it comes back alone, in any case. A name that is also a common word
    ("Grant", "Will") counts again with its capital, and in lower case only where the words
    around it say it is a person ("drove grant to group", "grant said")."""
    words: set[str] = set()
    for span in found:
        if span.type is not PhiType.NAME:
            continue
        for match in _TOKEN.finditer(text, span.start, span.end):
            word = match.group().removesuffix("'s").removesuffix("’s")
            if len(word) >= 2 and word.lower() not in _FUNCTION_WORDS:
                words.add(word)
    if not words:
        return
    any_case = {w.lower() for w in words if not w.isupper() and not lexicon.is_common(w)}
    capitalised = {w.lower() for w in words if not w.isupper()} - any_case
    exact = {w for w in words if w.isupper()}
    for match in _TOKEN.finditer(text):
        word = match.group()
        stop = match.end()
        if word.endswith(("'s", "’s")):
            word, stop = word[:-2], stop - 2
        lower = word.lower()
        if (
            word in exact
            or lower in any_case
            or (
                lower in capitalised
                and (
                    word[0].isupper()
                    or _LOWER_BEFORE.search(text, max(0, match.start() - 12), match.start())
                    or (_LOWER_AFTER.match(text, stop))
                )
            )
        ):
            yield Span(match.start(), stop, PhiType.NAME, "spread")

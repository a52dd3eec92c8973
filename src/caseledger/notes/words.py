"""English the lexical analyzer needs to read a sentence: negation cues, clause breaks, stop words.

These are grammar, not policy, so they live here rather than in a pack. The one list that is
policy, the concrete actions that show what a worker did, is read from the pack parameter
``action_phrases`` when a pack has it; :data:`DEFAULT_ACTION_PHRASES` stands in until then.
"""

from __future__ import annotations


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: words before an activity that say it did not happen ("declined a ride", "did not drive")
NEGATION_BEFORE: tuple[str, ...] = (
    "no",
    "not",
    "never",
    "without",
    "declined",
    "declines",
    "refused",
    "refuses",
    "denied",
    "denies",
    "didn't",
    "don't",
    "doesn't",
    "wasn't",
    "weren't",
    "won't",
    "cannot",
    "can't",
    "instead of",
    "rather than",
)
#: words after an activity that say it did not happen ("a ride was declined")
NEGATION_AFTER: tuple[str, ...] = (
    "declined",
    "refused",
    "cancelled",
    "canceled",
    "not needed",
    "not provided",
    "not given",
    "not done",
)
#: how many words before an activity a negation cue may stand (same clause)
NEGATION_REACH_BEFORE = 5
#: how many words after an activity a negation cue may stand (same clause)
NEGATION_REACH_AFTER = 3

#: punctuation that ends a sentence, and punctuation that only ends a clause
SENTENCE_BREAKS = ".!?;\n"
CLAUSE_BREAKS = ",:()[]{}\u2014\u2013\u2022"
#: words that start a new clause: negation before them does not reach past them
CLAUSE_WORDS = frozenset(
    {
        "and",
        "but",
        "so",
        "then",
        "however",
        "although",
        "though",
        "because",
        "while",
        "whereas",
        "afterward",
        "afterwards",
        "later",
    }
)

#: specific actions a worker documents; an ambiguous term with one of these (and its object) is
#: not vague (002_d22e9ccf443e9ae2.txt, Tips for things to do: say exactly what the CSW did)
DEFAULT_ACTION_PHRASES: tuple[str, ...] = (
    "called",
    "phoned",
    "contacted",
    "scheduled",
    "rescheduled",
    "researched",
    "provided",
    "gave",
    "mailed",
    "sent",
    "wrote",
    "prepared",
    "filled out",
    "registered",
    "signed up",
    "looked up",
    "searched",
    "located",
    "found",
    "referred",
    "arranged",
    "set up",
    "confirmed",
    "explained",
    "rehearsed",
    "role-played",
    "practiced",
    "showed",
    "taught",
    "met with",
    "discussed",
    "went over",
    "reviewed",
    "created",
    "developed",
    "built",
    "obtained",
    "requested",
    "applied",
    "enrolled",
    "linked",
    "connected",
    "introduced",
    "identified",
    "listed",
    "asked",
    "left a message",
    "walked client through",
    "helped client",
    "coached",
    "visited",
    "attended",
    "drove",
    "delivered",
    "chose",
    "selected",
    "picked",
    "saved",
    "typed",
    "filled in",
    "printed",
    "booked",
    "made",
    "set",
    "ran",
    "collected",
    "updated",
)

#: words that stand before a noun; in a phrase any one of them (or a run of them) matches any
#: other, so "reviewed the chart" also reads "reviewed client's chart" and "reviewed her chart"
DETERMINERS = _set(
    "the a an his her their its this these those my our your client's clients' patient's"
)
#: words naming the person served; one just before an action means the client did it
#: ("client phoned the clinic"), which documents the client's own skill
CLIENT_WORDS = frozenset({"client", "consumer", "patient", "youth"})

#: words between an action and its object ("called *the* clinic"); an action followed only by
#: these, within its clause, has no object
OBJECT_FILLERS = _set(
    "a an the to for with of on in at by about from into onto this that these those"
)
#: how many words after an action its object may stand
OBJECT_REACH = 4

#: words too common to say what a note or a goal is about
STOP_WORDS = _set(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else
    ever every few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just let me more most my myself no nor not now of off on
    once one only or other our ours ourselves out over own per same she should so some such than
    that the their theirs them themselves then there these they this those through to too under
    until up upon us very via was we were what when where which while who whom why will with
    within would you your yours yourself yourselves
    able across again ago along already always among another around away back came come comes
    get gets getting got go goes going gone made make makes many may might much must need needs
    new next non often said say says see seen set still take taken took told way well went yet
    today week weeks day days time times
    client clients client's csw csws staff worker workers session sessions note notes
    """
)
#: words that say only that a meeting took place or will ("Met with client for the scheduled
#: session. Will meet again next week."): a sentence of these and stop words says nothing of what
#: the meeting was for, so it cannot tie a note to a goal
MEETING_WORDS = _set(
    "met meet meets meeting meetings scheduled regular regularly usual weekly monthly planned "
    "visit visits visited appointment appointments check-in checked check"
)
#: words naming the people in a note (the client, the worker): nearly every note and many goals
#: have them, so they say nothing of what either is about and are left out when the two are
#: compared by meaning
ROLE_WORDS = _set("client client's clients clients' csw csw's worker worker's consumer patient")

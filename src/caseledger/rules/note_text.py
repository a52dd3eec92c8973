"""Rules that read the words of progress notes: community support (seed 002_d22e9ccf443e9ae2.txt,
9 CSR 30-3.110 (11)) and the link of every note to its plan's goals.

Only billed lines with a note are read (a line documented but not billed is never a finding; a
billed line without a note is GEN-NOTE-MISSING's). Community support lines are those whose service
belongs to the ``sud`` program in the fee schedule. Activities come from the ``activity`` column
and from the note: a note that describes a non-billable activity is caught whatever the column
says.

The lines are fetched once per audit, with the goals of the plans in force for each, and every
note is analyzed once; all the rules here share that work. The analyzer is the audit's (the
``analyzer`` argument of ``run_audit``) or the default lexical one; these rules depend only on
its interface (:mod:`caseledger.notes.analyzer`).

When the same words of a note read as both a non-billable activity and an excluded service, the
non-billable reading is reported (CSW-NONBILLABLE) and the excluded one is not: the regulation's
list of non-billable activities is the more specific text (it names where a client is driven and
carries the exceptions for a crisis or a documented need), the excluded services are a tip of the
same seed. Evidence from different places (the ``activity`` column says one thing, other words of
the note another) is reported under each rule it breaks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from caseledger.facts.policy_frames import OPEN_END
from caseledger.notes import (
    NoteAnalysis,
    NoteAnalyzer,
    Request,
    Section,
    Words,
    analyze_all,
    default_analyzer,
)
from caseledger.policy import ActivityKind, PolicyLookupError
from caseledger.rules.common import has_text, is_billable, line_amount
from caseledger.rules.context import NoteContext, RuleContext
from caseledger.rules.registry import note_rule

#: the program whose service lines are community support
CSW_PROGRAM = "sud"
#: the most characters of a note a finding quotes
QUOTE_LIMIT = 80
#: the most characters of a note's opening a finding quotes when no particular words are at fault
OPENING_LIMIT = 60

_LINES_KEY = "note_text.lines"
_LINE = "_note_text_line"
_CLAUSE_END = re.compile(r"[.;:!?,()\n]")
NEEDS = ("encounters",)
NEEDS_PLANS = ("encounters", "plans", "plan_goals")


# ------------------------------------------------------------------------------------ the lines


@dataclass(frozen=True)
class Line:
    """A billed line with a note, as the rules here read it."""

    encounter_id: str
    client_id: str | None
    staff_id: str | None
    date: dt.date
    activity: str | None
    goal_ids: tuple[str, ...]
    text: str
    program: str | None
    amount: float | None
    #: whether a plan for the service's program is in force on the date, and its goals
    planned: bool
    plan_goal_ids: tuple[str, ...]
    analysis: NoteAnalysis

    @property
    def csw(self) -> bool:
        return self.program == CSW_PROGRAM

    def finding(self, detail: str, *, error: bool = True) -> dict[str, Any]:
        return {
            "subject_id": self.encounter_id,
            "client_id": self.client_id,
            "staff_id": self.staff_id,
            "date": self.date,
            "detail": detail,
            "amount": self.amount if error else None,
        }


def lines_expr(ctx: NoteContext) -> ir.Table:
    """Billed lines with a note, with their program, the dollars on the line and the goals of
    the plans in force for the client and program; only community support lines and lines with
    such a plan."""
    enc = ctx.t("encounters")
    enc = enc.filter(is_billable(enc) & has_text(enc.note_text))
    priced = RuleContext(ctx.facts, ctx.policy_tables, ctx.as_of, ctx.policy).with_service(enc)
    lines = priced.select(
        "encounter_id",
        "client_id",
        "staff_id",
        "date",
        "activity",
        "goal_ids",
        "note_text",
        program=priced.svc_program,
        amount=line_amount(priced),
    )
    plans = ctx.t("plans")
    keys = lines.select(l_id=lines.encounter_id, l_client=lines.client_id,
                        l_program=lines.program, l_date=lines.date)  # fmt: skip
    in_force = keys.join(
        plans,
        [
            keys.l_client == plans.client_id,
            keys.l_program == plans.program,
            keys.l_date >= plans.start_date,
            keys.l_date <= plans.end_date.fill_null(ibis.literal(OPEN_END, type="date")),
        ],
    ).select("l_id", "plan_id")
    goals = ctx.t("plan_goals")
    with_goals = in_force.left_join(goals, in_force.plan_id == goals.plan_id)
    per_line = with_goals.group_by(g_id=with_goals.l_id).aggregate(
        plan_goals=ibis.struct({"goal_id": with_goals.goal_id, "text": with_goals.text}).collect(
            where=with_goals.goal_id.notnull()
        ),
        plans=with_goals.l_id.count(),
    )
    joined = lines.left_join(per_line, lines.encounter_id == per_line.g_id)
    out = joined.filter((joined.program == CSW_PROGRAM) | joined.g_id.notnull())
    return out.select(*lines.columns, planned=out.g_id.notnull(), plan_goals=out.plan_goals)


def lines(ctx: NoteContext) -> list[Line]:
    """The lines, fetched and analyzed once per audit (shared by every rule here)."""
    rows = ctx.rows(_LINES_KEY, lambda: lines_expr(ctx))
    todo = [row for row in rows if _LINE not in row]
    if todo:
        analyzer: NoteAnalyzer = (
            ctx.analyzer if ctx.analyzer is not None else default_analyzer(ctx.policy)
        )
        # one request per line, read together so an analyzer can batch its slow part
        requests = [_request(row) for row in todo]
        for row, analysis in zip(todo, analyze_all(analyzer, requests), strict=True):
            row[_LINE] = _line(row, analysis)
    return [row[_LINE] for row in rows]


def _goals(row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [g for g in row.get("plan_goals") or () if g.get("goal_id") is not None]


def _request(row: Mapping[str, Any]) -> Request:
    return (
        row["note_text"],
        row.get("program") or CSW_PROGRAM,
        row["date"],
        [g.get("text") or "" for g in _goals(row)],
    )


def _line(row: Mapping[str, Any], analysis: NoteAnalysis) -> Line:
    goals = _goals(row)
    program = row.get("program")
    text = row["note_text"]
    amount = row.get("amount")
    return Line(
        encounter_id=str(row["encounter_id"]),
        client_id=row.get("client_id"),
        staff_id=row.get("staff_id"),
        date=row["date"],
        activity=row.get("activity") or None,
        goal_ids=tuple(row.get("goal_ids") or ()),
        text=text,
        program=program,
        amount=None if amount is None else float(amount),
        planned=bool(row.get("planned")),
        plan_goal_ids=tuple(str(g["goal_id"]) for g in goals),
        analysis=analysis,
    )


def csw_lines(ctx: NoteContext) -> Iterator[Line]:
    return (line for line in lines(ctx) if line.csw)


# ----------------------------------------------------------------------------- quoting the note


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _clip(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a word with an ellipsis; without the
    punctuation that ends it (the message adds its own)."""
    text = _squeeze(text).rstrip(" .,;:")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "\u2026"


def quote(text: str, words: Words, limit: int = QUOTE_LIMIT) -> str:
    """The words of the note at fault and the rest of their clause, in quotes: at most ``limit``
    characters of the note."""
    stop = _CLAUSE_END.search(text, words.end)
    end = stop.start() if stop else len(text)
    return f'"{_clip(text[words.start : end], limit)}"'


def opening(text: str, limit: int = OPENING_LIMIT) -> str:
    """The start of the note, in quotes."""
    return f'"{_clip(text[: limit * 4], limit)}"'


def _label(kind: ActivityKind | str) -> str:
    label = kind.label if isinstance(kind, ActivityKind) else kind
    return label[:1].lower() + label[1:]


def _kind(ctx: NoteContext, activity: str | None, on: dt.date) -> ActivityKind | None:
    return ctx.policy.activity_kind(CSW_PROGRAM, activity, on) if activity else None


def _evidence(ctx: NoteContext, line: Line, section: Section) -> list[str]:
    """What shows the line is for an activity of ``section``: the note's words first (one per
    kind), then the ``activity`` column unless the note documents the kind's exception."""
    found: dict[str, str] = {}
    for m in line.analysis.mentions(section):
        found.setdefault(m.kind, f"{_label(m.label)}, {quote(line.text, m.words)}")
    column = _kind(ctx, line.activity, line.date)
    if (
        column is not None
        and column.section == section
        and column.kind not in found
        and line.analysis.exception(column.kind) is None
    ):
        found[column.kind] = f'{_label(column)} (activity "{line.activity}")'
    return list(found.values())


def _summary(evidence: list[str]) -> str:
    more = len(evidence) - 1
    return evidence[0] + (f" (and {more} more)" if more else "")


# ------------------------------------------------------------------------------------ the rules


@note_rule(
    "CSW-NONBILLABLE",
    message="Community support was billed for a non-billable activity: {detail}.",
    needs=NEEDS,
)
def nonbillable(ctx: NoteContext) -> Iterable[dict[str, Any]]:
    """The ten activities that are not a community support unit of service: record review,
    preparing documentation, utilization review requests, medications, specimens, transport to
    and from the program, transport to appointments (unless the worker is needed for an immediate
    crisis or a clearly documented need the client cannot meet alone), routine home visits (unless
    tied to plan goals), staff meetings (except scheduled plan development and plan reviews), and
    discussions better held in counseling, a group or education (seed 002_d22e9ccf443e9ae2.txt,
    9 CSR 30-3.110 (11)(B)1-10)."""
    for line in csw_lines(ctx):
        evidence = _evidence(ctx, line, "nonbillable")
        if evidence:
            yield line.finding(_summary(evidence))


@note_rule(
    "CSW-EXCLUDED-SERVICE",
    message="Community support was billed for a service it does not cover: {detail}.",
    needs=NEEDS,
)
def excluded_service(ctx: NoteContext) -> Iterable[dict[str, Any]]:
    """Community support is not billed for counseling, psychotherapy, nursing, medication
    management, transportation, anything documented as assessment, routine orientation (a tour,
    intake paperwork) or routine tasks a technician, aide or secretary could do (seed
    002_d22e9ccf443e9ae2.txt, Tips for things not to do; (11)(B)2 guideline for orientation)."""
    for line in csw_lines(ctx):
        evidence = _evidence(ctx, line, "excluded")
        if evidence:
            yield line.finding(_summary(evidence))


@note_rule(
    "CSW-MIXED-NOTE",
    message=(
        "The note records a non-billable activity ({detail}) together with billable work; "
        "document them in separate notes."
    ),
    needs=NEEDS,
)
def mixed_note(ctx: NoteContext) -> Iterable[dict[str, Any]]:
    """Work that cannot be billed goes in its own note, apart from billable community support
    (seed 002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11)(B) guideline; Tips for things not to do).

    A note is mixed when it describes a non-billable activity or excluded service and also
    billable work: a billable function in its words, or (when the ``activity`` column names a
    billable function) a concrete action in a sentence that describes nothing non-billable. A
    note whose only subject is the non-billable activity is CSW-NONBILLABLE's alone."""
    for line in csw_lines(ctx):
        a = line.analysis
        bad = a.mentions("nonbillable", "excluded")
        if not bad:
            continue
        billable: Sequence[object] = a.mentions("billable")
        column = _kind(ctx, line.activity, line.date)
        if not billable and column is not None and column.billable:
            bad_sentences = {m.words.sentence for m in bad}
            billable = [w for w in a.actions if w.sentence not in bad_sentences]
        if billable:
            first = bad[0]
            yield line.finding(f"{_label(first.label)}, {quote(line.text, first.words)}")


@note_rule(
    "CSW-DISCHARGE-HEADING",
    message="The initial discharge planning note does not start with the heading {detail}.",
    needs=NEEDS,
)
def discharge_heading(ctx: NoteContext) -> Iterable[dict[str, Any]]:
    """An initial discharge planning note starts with the heading the pack gives (sud parameter
    ``discharge_heading``), so that it is not taken for an assessment (seed
    002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11)(A)9 guideline). Case, leading white space and a
    colon after the heading do not matter."""
    for line in csw_lines(ctx):
        if line.activity != "initial_discharge_planning":
            continue
        try:
            heading = ctx.policy.find_param(CSW_PROGRAM, "discharge_heading", line.date)
        except PolicyLookupError:  # a pack that drops the heading drops the rule with it
            return
        if heading is None or line.analysis.starts_with(str(heading.value)):
            continue
        yield line.finding(f'"{heading.value}"; it starts {opening(line.text)}')


@note_rule(
    "CSW-VAGUE-TERMS",
    message="The note leans on {detail} without saying what the worker actually did.",
    needs=NEEDS,
)
def vague_terms(ctx: NoteContext) -> Iterable[dict[str, Any]]:
    """A note states plainly what the worker did instead of relying on stock words that could
    mean anything, such as accompanied, advocated, assisted (seed 002_d22e9ccf443e9ae2.txt, Tips
    for things to do and not to do). A note using them is fine when it also names a concrete action
    with its object ("called the clinic", "provided the telephone number")."""
    for line in csw_lines(ctx):
        if line.analysis.vague:
            terms = dict.fromkeys(_squeeze(w.text).lower() for w in line.analysis.ambiguous)
            yield line.finding(_clip(", ".join(f'"{t}"' for t in terms), QUOTE_LIMIT), error=False)


@note_rule(
    "CSW-GOAL-TIE",
    message=(
        "The note does not tie the service to a crisis, needed supports or a treatment plan "
        "goal: {detail}."
    ),
    needs=NEEDS,
)
def goal_tie(ctx: NoteContext) -> Iterable[dict[str, Any]]:
    """Each community support note must show what the service is for: settling a crisis,
    putting needed supports in place, or progress on a goal of the client's treatment plan (seed
    002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11) guideline).

    The note is tied when its words name a crisis or the supports and recovery the pack lists
    (``goal_tie_phrases``), when it concretely describes a function that arranges supports, when
    it clearly addresses a goal of the plan in force, or when ``goal_ids`` names a goal of that
    plan and the note's words relate to that goal. A goal id alone does not tie a note that is
    about something else.

    A note that describes only work that may not be billed at all (the non-billable activities
    and excluded services of the pack) is reported for that, by CSW-NONBILLABLE or
    CSW-EXCLUDED-SERVICE: what the work was for cannot make it billable, so the same line is not
    reported a second time here."""
    for line in csw_lines(ctx):
        a = line.analysis
        if a.tied or (a.mentions("nonbillable", "excluded") and not a.mentions("billable")):
            continue
        named = set(line.goal_ids)
        if any(
            match.related
            for goal_id, match in zip(line.plan_goal_ids, a.goals, strict=False)
            if goal_id in named
        ):
            continue
        yield line.finding(opening(line.text))


@note_rule(
    "CSW-SELF-RELIANCE",
    message=(
        "Services were arranged for the client ({detail}) with no documented effort to build "
        "the client's own skill to arrange them."
    ),
    needs=NEEDS,
)
def self_reliance(ctx: NoteContext) -> Iterable[dict[str, Any]]:
    """The seed wants clients to grow more self-reliant during treatment, setting up their own
    services where they can; when the worker sets them up instead, the note should show what was
    done so the client can do it alone next time (seed 002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110
    (11)(A)4 guideline). A line is arranging services
    when its ``activity`` says so or its note uses the pack's arranging words."""
    for line in csw_lines(ctx):
        a = line.analysis
        if a.self_reliance:
            continue
        kind = _kind(ctx, "arranging_services", line.date)
        if kind is None:
            continue
        said = [m for m in a.mentions("billable") if m.kind == kind.kind]
        if said:
            yield line.finding(quote(line.text, said[0].words), error=False)
        elif line.activity in kind.activities:
            yield line.finding(f'activity "{line.activity}"', error=False)


@note_rule(
    "CSW-GROUP-SUITABLE",
    message="One-to-one education on {detail} would likely work better in a group.",
    needs=NEEDS,
)
def group_suitable(ctx: NoteContext) -> Iterable[dict[str, Any]]:
    """One-to-one education should not cover what a group would teach better and at less cost
    (seed 002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11)(A)8 guideline; (A)7 for training; Tips
    for things not to do). The line is education by its ``activity`` or the pack's education
    words, and the note names a topic the pack lists as suited to a group."""
    for line in csw_lines(ctx):
        a = line.analysis
        if not a.group_suitable:
            continue
        kind = _kind(ctx, "education", line.date)
        if kind is None:
            continue
        if line.activity in kind.activities or any(
            m.kind == kind.kind for m in a.mentions("billable")
        ):
            yield line.finding(quote(line.text, a.group_suitable[0]), error=False)


@note_rule(
    "GEN-PLAN-GOAL-LINK",
    message="The note neither names a goal of the plan in force nor clearly works toward one: "
    "{detail}.",
    needs=NEEDS_PLANS,
)
def plan_goal_link(ctx: NoteContext) -> Iterable[dict[str, Any]]:
    """Services follow the goals the plan sets (seed 000_970f1571fa3cbd2e.txt, service
    description; seed 002_d22e9ccf443e9ae2.txt, 9 CSR 30-3.110 (11) guideline). Every billed note
    of a client with a plan in force for the service's program either names one of that plan's
    goals in ``goal_ids`` or clearly addresses one in its words (the analyzer judges how close is
    close enough). Lines with no plan in force are GEN-PLAN-MISSING's."""
    for line in lines(ctx):
        if not line.planned or set(line.goal_ids) & set(line.plan_goal_ids):
            continue
        if any(g.addresses for g in line.analysis.goals):
            continue
        yield line.finding(opening(line.text), error=False)

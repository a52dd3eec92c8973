"""Socialization Skills Training (DHSS brain-injury program): the lifetime cap, the same training
received elsewhere, the referral indicators and the agency's curriculum.

Source: seed 000_970f1571fa3cbd2e.txt. The numbers (26 half-days, the early-warning margin, the
names of similar services) are the ``sst`` pack's parameters, read in force on each date of
service. ``sst_reports`` and ``sst_staff`` use the functions defined here: the SST half-day
lines, and the periods over which a part of the pack holds still.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caseledger.facts.policy_frames import OPEN_END
from caseledger.policy.walk import iter_timelines
from caseledger.rules.common import claimed_units, has_text, is_billable, line_amount, trimmed
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule as _rule

#: every rule here reads the encounters of its own program only (see RuleDef.programs)
rule = functools.partial(_rule, programs=("sst",))

if TYPE_CHECKING:
    from caseledger.policy import Policy

#: The pack (and enrollment program) these rules belong to.
PACK = "sst"
ONE_DAY = dt.timedelta(days=1)
#: Sorts encounters without a start time after the timed ones of the same day.
_NO_TIME = 24 * 60


# ---------------------------------------------------------------------------- shared functions


def policy_periods(policy: Policy, *parts: Any) -> list[tuple[dt.date, dt.date]]:
    """The consecutive periods (first day, last day) over which no dated value inside ``parts``
    (sections of a pack, such as its ``staff`` roles or one of its ``documents``) changes. Asking
    the policy for those parts on a period's first day gives what holds for the whole period."""
    cuts: set[dt.date] = set()
    for part in parts:
        for _, versions in iter_timelines(part):
            for version in versions:
                if version.from_ is not None:
                    cuts.add(version.from_)
                if version.to is not None:
                    cuts.add(version.to + ONE_DAY)
    ordered = sorted(cuts)
    if not ordered:
        return []
    ends = [nxt - ONE_DAY for nxt in ordered[1:]] + [OPEN_END]
    return list(zip(ordered, ends, strict=True))


def pack_model(policy: Policy) -> Any:
    """The merged ``sst`` pack. Rules read from it only which roles, groups and documents exist
    and when their values change; the values themselves come through the policy's lookups."""
    return policy.packs[policy.pack_of(PACK)].pack


def program(policy: Policy) -> str:
    """The enrollment program the pack's services belong to (``sst``)."""
    return str(pack_model(policy).program or PACK)


#: The encounter columns the SST rules read (the rest, notes included, stay unread).
LINE_COLUMNS = (
    "encounter_id",
    "client_id",
    "staff_id",
    "service_code",
    "modifier_key",
    "date",
    "start_time",
    "activity",
    "units",
    "charge",
    "minutes",
)


def half_day_lines(ctx: RuleContext, *, billable_only: bool = True) -> ir.Table:
    """SST half-day lines (the :data:`LINE_COLUMNS` of them).

    A half-day line is one billed with a code that the SST pack schedules in timed units (the
    three-hour half-day; transportation has no unit), on a date that code is in force. Only
    billable lines are billed services; ``billable_only=False`` keeps documented but unbilled
    ones too (they still show who works in the program)."""
    s = ctx.services
    timed = s.filter((s.program == program(ctx.policy)) & s.unit_minutes.notnull())
    periods = timed.select(_h_code=timed.code, _h_start=timed.start, _h_end=timed.end)
    enc = ctx.t("encounters")
    if billable_only:
        enc = enc.filter(is_billable(enc))
    enc = enc.semi_join(
        periods,
        [
            enc.service_code == periods._h_code,
            enc.date >= periods._h_start,
            enc.date <= periods._h_end,
        ],
    )
    return enc.select(*LINE_COLUMNS, *ctx.carried_columns(enc))


def priced(ctx: RuleContext, lines: ir.Table) -> ir.Table:
    """``lines`` (with the :data:`LINE_COLUMNS`) and ``_units`` (the half-days claimed),
    ``_rate`` (the fee-schedule rate on the date) and ``_amount`` (the line's dollars)."""
    t = ctx.with_service(lines)
    return t.select(*lines.columns, _units=_units(t), _rate=t.svc_rate, _amount=line_amount(t))


def sst_lines(ctx: RuleContext) -> ir.Table:
    """Billable SST half-day lines, priced (see :func:`priced`). Every SST rule builds this same
    expression, so an engine that shares common subqueries reads the lines once."""
    return priced(ctx, half_day_lines(ctx))


def missing_elements(
    t: ir.Table, elements: Sequence[tuple[str, str]]
) -> tuple[ir.IntegerValue, ir.StringValue]:
    """How many of ``elements`` (column, label) a row lacks, and their labels joined by ``; ``.
    A text element is missing when empty or blank; a yes/no element unless it is true."""
    count: Any = ibis.literal(0, type="int64")
    labels: Any = ibis.literal("", type="string")
    for column, label in elements:
        value = t[column]
        if value.type().is_boolean():
            missing = ~value.fill_null(False)
        else:
            missing = value.isnull() | ~has_text(value.cast("string"))
        count = count + missing.cast("int64")
        labels = labels + ibis.ifelse(missing, "; " + label, "")
    return count, labels.substr(2)


def document_periods(policy: Policy, name: str) -> list[tuple[dt.date, dt.date, Any]]:
    """Each period over which the pack's document ``name`` holds still, with its definition."""
    spec = pack_model(policy).documents.get(name)
    if spec is None:
        return []
    out = []
    for start, end in policy_periods(policy, spec):
        doc = policy.document(PACK, name, start)
        if doc is not None:
            out.append((start, end, doc))
    return out


def union_all(parts: list[ir.Table], empty: ir.Table) -> ir.Table:
    """The rows of every part (``empty``, with the same columns, when there are none)."""
    if not parts:
        return empty.limit(0)
    return parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)


# ---------------------------------------------------------------------------- lifetime cap


def _units(t: ir.Table) -> ir.FloatingValue:
    """Half-days on a line: the units claimed (from documented time when empty); a line with
    neither units nor times still bills at least one session, so it counts as one."""
    return claimed_units(t).fill_null(1.0)


def _client_totals(ctx: RuleContext) -> ir.Table:
    """Per client: ``_used``, every billable half-day ever, and ``_last``, the latest one."""
    lines = sst_lines(ctx)
    return lines.group_by("client_id").aggregate(_used=lines._units.sum(), _last=lines.date.max())


@rule(
    "SST-LIFETIME-CAP",
    message="{value:ord} half-day of socialization skills training for this client; "
    "the lifetime maximum is {limit:int}.",
)
def lifetime_cap(ctx: RuleContext) -> ir.Table:
    """SST is limited to 26 half-day sessions per lifetime (seed 000_970f1571fa3cbd2e.txt,
    Service limitations). Every billable half-day of the client counts, in date, start time and
    encounter order, whoever provided it. A line is flagged when it takes the client past the
    maximum in force on its date; ``value`` is the first half-day on the line beyond the maximum
    (a two-unit line holding the 26th and 27th is the 27th) and the amount is the units beyond
    the maximum at the rate (or that share of the charge when no rate is known).

    The running count is only taken for clients whose whole history exceeds the smallest
    maximum any version of the pack sets; nobody else can be over."""
    caps = ctx.param(PACK, "lifetime_half_days")
    smallest = caps.aggregate(_smallest=caps.num.min())
    totals = _client_totals(ctx)
    over_some = totals.cross_join(smallest)
    over_some = over_some.filter(over_some._used > over_some._smallest).select(
        _o_client=over_some.client_id
    )
    lines = sst_lines(ctx)
    lines = lines.semi_join(over_some, lines.client_id == over_some._o_client)
    order = [lines.date, lines.start_time.fill_null(_NO_TIME), lines.encounter_id]
    window = ibis.window(group_by=lines.client_id, order_by=order, preceding=None, following=0)
    lines = lines.mutate(_used=lines._units.sum().over(window))
    lines = ctx.with_param(lines, PACK, "lifetime_half_days", as_="_cap")
    over = lines.filter((lines._units > 0) & (lines._used > lines._cap))
    before = over._used - over._units
    units_over = ibis.least(over._units, over._used - over._cap)
    at_charge = over._amount * units_over / over._units
    return over.select(
        subject_id=over.encounter_id,
        client_id=over.client_id,
        staff_id=over.staff_id,
        date=over.date,
        value=ibis.greatest(before, over._cap) + 1,
        limit=over._cap,
        amount=(over._rate * units_over).fill_null(at_charge),
    )


@rule(
    "SST-LIFETIME-NEAR",
    message="Only {value:int} of the client's {limit:int} lifetime half-days of socialization "
    "skills training remain after the latest service.",
)
def lifetime_near(ctx: RuleContext) -> ir.Table:
    """An early warning before the 26 half-day lifetime maximum (seed 000_970f1571fa3cbd2e.txt,
    Service limitations): after the client's latest billable half-day, no more than the pack's
    ``near_cap_remaining`` half-days are left, and the client is not past the maximum (that is
    SST-LIFETIME-CAP's). Dated on the latest service; both numbers are those in force then."""
    totals = _client_totals(ctx)
    totals = ctx.with_param(totals, PACK, "lifetime_half_days", on="_last", as_="_cap")
    totals = ctx.with_param(totals, PACK, "near_cap_remaining", on="_last", as_="_near")
    left = totals._cap - totals._used
    near = totals.filter((left >= 0) & (left <= totals._near))
    return near.select(
        subject_id=near.client_id,
        client_id=near.client_id,
        date=near._last,
        value=near._cap - near._used,
        limit=near._cap,
    )


# ---------------------------------------------------------------------------- similar services


@rule(
    "SST-SIMILAR-SERVICE",
    message="The client already receives socialization skills training through {detail} on "
    "this date, so it cannot be billed here as well.",
    needs=("other_services",),
    one_line=True,
)
def similar_service(ctx: RuleContext) -> ir.Table:
    """SST cannot be billed for a client who receives socialization skills training as part of
    another AHI service, another state agency's, or another DHSS or MO HealthNet program's
    (seed 000_970f1571fa3cbd2e.txt, Service description and Service limitations).
    ``other_services`` rows whose ``service`` (compared without case) is one of the pack's
    ``similar_services`` in force on the date, and whose dates cover it (an empty start or end
    is open), make the line a duplicate of care paid elsewhere."""
    lines = sst_lines(ctx)
    similar = ctx.param(PACK, "similar_services")
    names = similar.select(
        _p_start=similar.start, _p_end=similar.end, _p_item=similar["items"].unnest()
    )
    names = names.mutate(_p_item=trimmed(names._p_item).lower())
    o = ctx.t("other_services")
    other = o.select(
        _o_client=o.client_id,
        _o_service=trimmed(o.service).lower(),
        _o_through=o.provided_through,
        _o_start=o.start_date,
        _o_end=o.end_date,
    )
    other = other.semi_join(names, other._o_service == names._p_item)
    hit = lines.join(
        other,
        [
            lines.client_id == other._o_client,
            other._o_start.isnull() | (lines.date >= other._o_start),
            other._o_end.isnull() | (lines.date <= other._o_end),
        ],
    )
    hit = hit.semi_join(
        names,
        [hit._o_service == names._p_item, hit.date >= names._p_start, hit.date <= names._p_end],
    )
    hit = hit.mutate(_through=trimmed(hit._o_through))
    per_line = hit.group_by(["encounter_id", "client_id", "staff_id", "date"]).aggregate(
        _through=hit._through.min(), _amount=hit._amount.max()
    )
    return per_line.select(
        subject_id=per_line.encounter_id,
        client_id=per_line.client_id,
        staff_id=per_line.staff_id,
        date=per_line.date,
        detail=per_line._through.fill_null("another program"),
        amount=per_line._amount,
    )


# ---------------------------------------------------------------------------- referral


@rule(
    "SST-REFERRAL",
    message="The SST enrollment documents {value:int} of the {limit:int} referral indicators; "
    "missing: {detail}.",
    needs=("enrollments",),
)
def referral(ctx: RuleContext) -> ir.Table:
    """The typical participant is referred with three indicators: interfering interpersonal
    behaviors named by the planning team, the client's or family's interest in better skills, and
    the ability to learn and change given strategies (seed 000_970f1571fa3cbd2e.txt, Referral
    indicators). The indicators are the elements of the pack's ``referral_indicators`` document,
    in force on the enrollment's start date; a text indicator must not be blank and a yes/no
    indicator must be yes."""
    enr = ctx.t("enrollments")
    enr = enr.filter(enr.program == program(ctx.policy))
    parts = []
    for start, end, doc in document_periods(ctx.policy, "referral_indicators"):
        rows = enr.filter((enr.start_date >= start) & (enr.start_date <= end))
        elements = [(e.column, e.label) for e in doc.elements]
        missing, labels = missing_elements(rows, elements)
        rows = rows.mutate(_missing=missing, _labels=labels, _of=len(elements))
        rows = rows.filter(rows._missing > 0)
        parts.append(
            rows.select(
                subject_id=rows.client_id,
                client_id=rows.client_id,
                date=rows.start_date,
                value=rows._of - rows._missing,
                limit=rows._of,
                detail=rows._labels,
            )
        )
    empty = enr.select(subject_id=enr.client_id, client_id=enr.client_id, date=enr.start_date)
    return union_all(parts, empty)


# ---------------------------------------------------------------------------- curriculum

AGENCY_TERMS = pa.schema([("start", pa.date32()), ("end", pa.date32()), ("required", pa.bool_())])


def agency_terms(policy: Policy) -> pa.Table:
    """Whether the pack requires a documented curriculum, one row per period."""
    agency = pack_model(policy).agency
    rows = []
    for start, end in policy_periods(policy, agency) if agency is not None else []:
        required = policy.agency(PACK, start).curriculum_required
        rows.append({"start": start, "end": end, "required": bool(required and required.value)})
    return pa.Table.from_pylist(rows, schema=AGENCY_TERMS)


@rule(
    "SST-CURRICULUM",
    message="The agency billed {value:int} half-days of socialization skills training without a "
    "documented SST curriculum.",
    needs=("agency", "clients"),
)
def curriculum(ctx: RuleContext) -> ir.Table:
    """An SST provider must have a developed curriculum for the typical socialization problems of
    people with traumatic brain injury, with community practice and self-evaluation (seed
    000_970f1571fa3cbd2e.txt, Provider requirements). Reported once per agency whose
    ``has_sst_curriculum`` is not true, dated on its first billable half-day on a date the pack
    requires the curriculum; ``value`` counts those half-day lines."""
    terms = ctx.derived("sst_agency_terms", agency_terms)
    terms = terms.filter(terms.required)
    lines = half_day_lines(ctx).select("client_id", "date")
    lines = lines.semi_join(terms, [lines.date >= terms.start, lines.date <= terms.end])
    per_client = lines.group_by("client_id").aggregate(_first=lines.date.min(), _n=lines.count())
    c = ctx.t("clients")
    clients = c.select(_c_client=c.client_id, _c_agency=c.agency_id)
    billed = per_client.join(clients, per_client.client_id == clients._c_client)
    per_agency = billed.group_by("_c_agency").aggregate(
        _first=billed._first.min(), _n=billed._n.sum()
    )
    agency = ctx.t("agency")
    found = per_agency.join(agency, per_agency._c_agency == agency.agency_id)
    found = found.filter(~found.has_sst_curriculum.fill_null(False))
    return found.select(
        subject_id=found.agency_id,
        date=found._first,
        value=found._n,
    )

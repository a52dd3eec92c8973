"""Socialization Skills Training staff: the QHIP who supervises and leads didactic instruction, and
the direct-care staff who carry out community activities.

Source: seed 000_970f1571fa3cbd2e.txt, Provider requirements. The supervisor is a Qualified Head
Injury Professional (QHIP) with a bachelor's degree in one of the listed fields, supervises up to
12 direct-care staff and has the primary role in didactic instruction. Direct-care staff have a
high school diploma or equivalent, complete the six Primary Skills within six months of
employment, and after the first year of employment complete five hours of continuing education a
year. "Direct-care staff" are the SST staff who are not QHIPs on the date in question: the
direct-care requirements do not apply to a QHIP.

Who counts as a QHIP, the accepted education and degree fields, the ratio, the trainings and
their deadlines are the ``sst`` pack's ``staff`` roles and ``trainings``, turned into two small
dated tables (one row per value per period) that the rules join by date.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caseledger.facts.policy_frames import OPEN_END
from caseledger.rules.common import trimmed
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule as _rule
from caseledger.rules.sst import (
    PACK,
    half_day_lines,
    pack_model,
    policy_periods,
    sst_lines,
    union_all,
)

#: every rule here reads the encounters of its own program only (see RuleDef.programs)
rule = functools.partial(_rule, programs=("sst",))

if TYPE_CHECKING:
    from caseledger.policy import Policy

#: the pack's staff roles and training groups these rules read
SUPERVISOR = "qhip_supervisor"
DIRECT_CARE = "direct_care"
PRIMARY_SKILLS = "primary_skills"
CONTINUING_EDUCATION = "continuing_education"

TERMS = pa.schema(
    [
        ("group", pa.string()),
        ("field", pa.string()),
        ("item", pa.string()),
        ("num", pa.float64()),
        ("start", pa.date32()),
        ("end", pa.date32()),
    ]
)
_LIST_FIELDS = ("credentials_any", "education", "degree_fields", "leads_activities")


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def staff_terms(policy: Policy) -> pa.Table:
    """The pack's staff roles by period: ``group`` is the role, ``field`` one of its lists
    (``credentials_any``, ``education``, ``degree_fields`` (lower case), ``leads_activities``)
    with one row per ``item``, or ``max_supervisees`` with its ``num``."""
    model = pack_model(policy)
    rows: list[dict[str, Any]] = []
    for start, end in policy_periods(policy, model.staff):
        for role in model.staff:
            found = policy.staff_role(PACK, role, start)
            if found is None:
                continue
            for field in _LIST_FIELDS:
                cited = getattr(found, field)
                for item in cited.value if cited is not None else ():
                    value = _norm(item) if field == "degree_fields" else item
                    rows.append(_term(role, field, start, end, item=value))
            if found.max_supervisees is not None:
                num = float(found.max_supervisees.value)
                rows.append(_term(role, "max_supervisees", start, end, num=num))
    return pa.Table.from_pylist(rows, schema=TERMS)


def training_terms(policy: Policy) -> pa.Table:
    """The pack's training groups by period: one ``topic`` row per required topic; ``due`` (the
    deadline from hire, ``item`` its unit: ``months`` or ``days``), ``hours_per_year`` and
    ``starts_after`` (whole employment years) with their ``num``."""
    model = pack_model(policy)
    rows: list[dict[str, Any]] = []
    for start, end in policy_periods(policy, model.trainings):
        for group in policy.trainings(PACK, start):
            name = group.group
            for topic in group.topics:
                rows.append(_term(name, "topic", start, end, item=topic.topic))
            if group.due is not None:
                months = group.due.unit in (None, "months", "years")
                scale = 12 if group.due.unit == "years" else 1
                unit = "months" if months else "days"
                num = float(group.due.value * scale)
                rows.append(_term(name, "due", start, end, item=unit, num=num))
            if group.hours_per_year is not None:
                num = float(group.hours_per_year.value)
                rows.append(_term(name, "hours_per_year", start, end, num=num))
            if group.starts_after is not None:
                after = group.starts_after
                years = after.value / 12 if after.unit == "months" else after.value
                rows.append(_term(name, "starts_after", start, end, num=float(years)))
    return pa.Table.from_pylist(rows, schema=TERMS)


def _term(group: str, field: str, start: Any, end: Any, **values: Any) -> dict[str, Any]:
    return {"group": group, "field": field, "start": start, "end": end, **values}


def _staff_terms(ctx: RuleContext, role: str, field: str) -> ir.Table:
    t = ctx.derived("sst_staff_terms", staff_terms).view()
    return t.filter((t.group == role) & (t.field == field))


def _training_terms(ctx: RuleContext, group: str, field: str) -> ir.Table:
    t = ctx.derived("sst_training_terms", training_terms).view()
    return t.filter((t.group == group) & (t.field == field))


def _in_force(t: ir.Table, on: str, terms: ir.Table) -> list[Any]:
    return [t[on] >= terms.start, t[on] <= terms.end]


# ---------------------------------------------------------------------------- who is a QHIP


def qhip_periods(ctx: RuleContext) -> ir.Table:
    """When each staff member is a QHIP: a credential of a kind the supervisor role accepts
    (``qhip``), within its own dates (an empty start or end is open) and the policy period that
    accepts it. Columns ``_q_staff``, ``_q_start``, ``_q_end``."""
    kinds = _staff_terms(ctx, SUPERVISOR, "credentials_any")
    c = ctx.t("staff_credentials").view()
    j = c.join(kinds, c.kind == kinds.item)
    start = ibis.greatest(j.start_date.fill_null(j.start), j.start)
    end = ibis.least(j.end_date.fill_null(j.end), j.end)
    q = j.select(_q_staff=j.staff_id, _q_start=start, _q_end=end)
    return q.filter(q._q_start <= q._q_end)


def _qhip_on(ctx: RuleContext, t: ir.Table, staff: str, on: str, *, qhip: bool) -> ir.Table:
    """The rows of ``t`` whose ``staff`` is (``qhip=True``) or is not a QHIP on ``on``."""
    q = qhip_periods(ctx)
    preds = [t[staff] == q._q_staff, t[on] >= q._q_start, t[on] <= q._q_end]
    return t.semi_join(q, preds) if qhip else t.anti_join(q, preds)


def direct_care_days(ctx: RuleContext) -> ir.Table:
    """Each day (``staff_id``, ``date``) a known staff member who is not a QHIP that day renders
    billable SST half-days. The staff checks are made once per such day, not once per line."""
    lines = half_day_lines(ctx)
    days = lines.filter(lines.staff_id.notnull()).select("staff_id", "date").distinct()
    return _qhip_on(ctx, days, "staff_id", "date", qhip=False)


def _lines_on(ctx: RuleContext, days: ir.Table, *extra: str) -> ir.Table:
    """The billable SST lines (priced) rendered by ``staff_id`` on ``date`` of each of ``days``,
    with the ``extra`` columns of their day."""
    d = days.select(_f_staff=days.staff_id, _f_date=days.date, **{c: days[c] for c in extra})
    lines = sst_lines(ctx)
    joined = lines.join(d, [lines.staff_id == d._f_staff, lines.date == d._f_date])
    return joined.select(*lines.columns, *extra)


def _with_staff(ctx: RuleContext, lines: ir.Table, **columns: str) -> ir.Table:
    """``lines`` with columns of the rendering staff's row (``new name=staff column``); null
    when the staff member has no row."""
    s = ctx.t("staff").view()
    staff = s.select(_st_id=s.staff_id, **{name: s[col] for name, col in columns.items()})
    joined = lines.left_join(staff, lines.staff_id == staff._st_id)
    return joined.select(*lines.columns, *columns)


def _line_finding(t: ir.Table, **extra: Any) -> ir.Table:
    return t.select(
        subject_id=t.encounter_id,
        client_id=t.client_id,
        staff_id=t.staff_id,
        date=t.date,
        amount=t._amount,
        **extra,
    )


# ---------------------------------------------------------------------------- dates from hire


def months_past(hired: ir.DateValue, on: ir.DateValue, months: ir.NumericValue) -> Any:
    """Whether ``on`` is after the day ``months`` months from ``hired`` (a month later than the
    31st is the month's last day), from year, month and day numbers so every engine agrees."""
    raw = (on.year() - hired.year()) * 12 + on.month() - hired.month()
    whole = raw - ibis.ifelse(on.day() < hired.day(), 1, 0)
    return (whole > months) | ((whole == months) & (on.day() != hired.day()))


def employment_year(hired: ir.DateValue, on: ir.DateValue) -> Any:
    """The employment year ``on`` falls in, counted from 0 (the first year runs from the hire
    date to the day before its first anniversary; a 29 February hire's anniversary in other
    years is 1 March)."""
    before = (on.month() * 100 + on.day()) < (hired.month() * 100 + hired.day())
    return on.year() - hired.year() - ibis.ifelse(before, 1, 0)


# ---------------------------------------------------------------------------- supervision


@rule(
    "SST-SUPERVISOR-QHIP",
    message="This direct-care worker renders socialization skills training, but {detail}.",
    needs=("staff", "staff_credentials"),
)
def supervisor_qhip(ctx: RuleContext) -> ir.Table:
    """The supervisor of SST direct-care staff must be a QHIP with a bachelor's degree in
    recreational or occupational therapy, psychology, education, special education or social work
    (seed 000_970f1571fa3cbd2e.txt, Provider requirements, supervisor role). For each day a
    direct-care worker renders billable SST, the worker's ``supervisor_id`` must name someone who
    is a QHIP that day, whose education is one the pack accepts (bachelor's or higher) and whose
    degree field (compared without case) is one of the pack's. Reported once per worker, on the
    first such day, with the reason."""
    days = _with_staff(ctx, direct_care_days(ctx), _sup="supervisor_id")
    no_sup = days.filter(days._sup.isnull())
    has_sup = days.filter(days._sup.notnull())
    not_qhip = _qhip_on(ctx, has_sup, "_sup", "date", qhip=False)
    qhip = _qhip_on(ctx, has_sup, "_sup", "date", qhip=True)
    s = ctx.t("staff").view()
    sup = s.select(_s_id=s.staff_id, _s_edu=s.education, _s_field=s.degree_field)
    qhip = qhip.left_join(sup, qhip._sup == sup._s_id).select(*qhip.columns, "_s_edu", "_s_field")
    field = trimmed(qhip._s_field).lower()
    qhip = qhip.mutate(_field=field.re_replace(r"\s+", " "))
    levels = _staff_terms(ctx, SUPERVISOR, "education")
    fields = _staff_terms(ctx, SUPERVISOR, "degree_fields")
    bad_level = qhip.anti_join(
        levels, [qhip._s_edu == levels.item, *_in_force(qhip, "date", levels)]
    )
    bad_field = qhip.anti_join(
        fields, [qhip._field == fields.item, *_in_force(qhip, "date", fields)]
    )
    parts = [
        no_sup.select("staff_id", "date", _why=ibis.literal("no supervisor is on record")),
        not_qhip.select(
            "staff_id",
            "date",
            _why="their supervisor " + not_qhip._sup + " holds no QHIP credential on that date",
        ),
    ]
    for bad in (bad_level, bad_field):
        recorded = bad._s_edu.fill_null("no recorded education") + ibis.ifelse(
            bad._s_field.isnull(), "", " in " + trimmed(bad._s_field)
        )
        why = (
            "their supervisor "
            + bad._sup
            + " lacks a QHIP supervisor's degree (a bachelor's or higher in an accepted field; "
            + "recorded: "
            + recorded
            + ")"
        )
        parts.append(bad.select("staff_id", "date", _why=why))
    found = union_all(parts, parts[0])
    per_worker = found.group_by("staff_id").aggregate(
        _first=found.date.min(), _why=found._why.argmin(found.date)
    )
    return per_worker.select(
        subject_id=per_worker.staff_id,
        staff_id=per_worker.staff_id,
        date=per_worker._first,
        detail=per_worker._why,
    )


@rule(
    "SST-SUPERVISION-RATIO",
    message="This supervisor has {value:int} direct-care staff active on this date; a QHIP may "
    "supervise at most {limit:int}.",
    needs=("staff", "staff_credentials"),
)
def supervision_ratio(ctx: RuleContext) -> ir.Table:
    """A QHIP may supervise up to 12 direct-care staff (seed 000_970f1571fa3cbd2e.txt, Provider
    requirements, supervisor role). Counted per supervisor and date over the staff whose
    ``supervisor_id`` names them, who work in SST (render at least one SST half-day, billed or
    not), are active that day (hired on or before it, no end date or ending on or after it; with
    no hire date, from their first SST service) and are not QHIPs that day. The count can only
    rise on a hire date, so those are the dates examined. Reported once per supervisor, on the
    first date the maximum in force is exceeded, with that date's count."""
    lines = half_day_lines(ctx, billable_only=False)
    workers = lines.group_by("staff_id").aggregate(_first=lines.date.min())
    s = ctx.t("staff").view()
    staff = s.filter(s.supervisor_id.notnull()).select(
        _w=s.staff_id, _sv=s.supervisor_id, _hire=s.hire_date, _end=s.end_date
    )
    team = staff.join(workers, staff._w == workers.staff_id)
    team = team.select(
        _w=team._w,
        _sv=team._sv,
        _from=team._hire.fill_null(team._first),
        _to=team._end.fill_null(ibis.literal(OPEN_END)),
    )
    cands = team.select(_c_sv=team._sv, _d=team._from).distinct()
    other = team.view()
    active = cands.join(
        other, [cands._c_sv == other._sv, other._from <= cands._d, other._to >= cands._d]
    )
    active = _qhip_on(ctx, active, "_w", "_d", qhip=False)
    counts = active.group_by(["_c_sv", "_d"]).aggregate(_n=active._w.nunique())
    limit = _staff_terms(ctx, SUPERVISOR, "max_supervisees")
    counts = counts.join(limit, _in_force(counts, "_d", limit)).select(*counts.columns, "num")
    over = counts.filter(counts._n > counts.num)
    first = over.group_by("_c_sv").aggregate(
        _first=over._d.min(), _n=over._n.argmin(over._d), _max=over.num.argmin(over._d)
    )
    return first.select(
        subject_id=first._c_sv,
        staff_id=first._c_sv,
        date=first._first,
        value=first._n,
        limit=first._max,
    )


# ---------------------------------------------------------------------------- the line's staff


@rule(
    "SST-DIDACTIC-QHIP",
    message="Didactic instruction must be led by a QHIP, but the rendering staff holds no QHIP "
    "credential on this date.",
    needs=("staff_credentials",),
    one_line=True,
)
def didactic_qhip(ctx: RuleContext) -> ir.Table:
    """The QHIP has the primary role in didactic instruction (seed 000_970f1571fa3cbd2e.txt,
    Provider requirements, supervisor role): a billable SST half-day whose ``activity`` is one the
    supervisor role leads (``didactic``) must be rendered by a QHIP that day. A line with no
    rendering staff is not shown to be led by a QHIP either."""
    lines = sst_lines(ctx)
    led = _staff_terms(ctx, SUPERVISOR, "leads_activities")
    lines = lines.semi_join(led, [lines.activity == led.item, *_in_force(lines, "date", led)])
    found = _qhip_on(ctx, lines, "staff_id", "date", qhip=False)
    return _line_finding(found)


@rule(
    "SST-DIRECT-CARE-EDUCATION",
    message="The rendering direct-care worker's education is {detail}; direct-care staff need a "
    "high school diploma or equivalent.",
    needs=("staff", "staff_credentials"),
    one_line=True,
)
def direct_care_education(ctx: RuleContext) -> ir.Table:
    """Direct-care staff must have a high school diploma or equivalent (seed
    000_970f1571fa3cbd2e.txt, Provider requirements, direct care): the rendering worker's
    ``education`` must be one of the levels the pack's direct-care role accepts on the date of
    service. An unrecorded education is not shown to meet it."""
    days = _with_staff(ctx, direct_care_days(ctx), _edu="education")
    levels = _staff_terms(ctx, DIRECT_CARE, "education")
    bad = days.anti_join(levels, [days._edu == levels.item, *_in_force(days, "date", levels)])
    bad = bad.mutate(
        _detail=ibis.ifelse(bad._edu.isnull(), "not recorded", "recorded as " + bad._edu)
    )
    found = _lines_on(ctx, bad, "_detail")
    return _line_finding(found, detail=found._detail)


@rule(
    "SST-PRIMARY-SKILLS",
    message="The rendering direct-care worker is more than {detail} past the hire date and is "
    "missing {value:int} of the {limit:int} Primary Skills topics.",
    needs=("staff", "staff_credentials", "staff_trainings"),
    one_line=True,
)
def primary_skills(ctx: RuleContext) -> ir.Table:
    """Direct-care staff must complete the six Primary Skills of the Direct Care Worker
    Competency List within six months of employment (seed 000_970f1571fa3cbd2e.txt, Provider
    requirements, direct care). A billable SST half-day rendered by a direct-care worker after
    that deadline (counted from the hire date; the service on the deadline day itself is still
    within it; with no hire date the deadline is taken as passed) needs every topic the pack
    lists completed on or before the date of service. A waived topic does not count: the pack
    allows no waiver for SST."""
    due = _training_terms(ctx, PRIMARY_SKILLS, "due")
    days = _with_staff(ctx, direct_care_days(ctx), _hire="hire_date")
    days = days.join(due, _in_force(days, "date", due)).select(
        *days.columns, _due=due.num, _unit=due.item
    )
    past = ibis.cases(
        (days._hire.isnull(), True),
        (days._unit == "days", days.date.delta(days._hire, unit="day") > days._due),
        else_=months_past(days._hire, days.date, days._due),
    )
    days = days.filter(past)

    # Each required topic's first completion, and per period the day the last one was done.
    topics = _training_terms(ctx, PRIMARY_SKILLS, "topic")
    tr = ctx.t("staff_trainings")
    tr = tr.filter(tr.completed_on.notnull() & ~tr.waived.fill_null(False))
    first = tr.group_by(["staff_id", "topic"]).aggregate(_done=tr.completed_on.min())
    done = first.join(topics, first.topic == topics.item).select(
        _t_staff=first.staff_id, _t_done=first._done, _t_start=topics.start, _t_end=topics.end
    )
    need = topics.group_by(["start", "end"]).aggregate(_need=topics.count())
    days = days.join(need, _in_force(days, "date", need)).select(*days.columns, "_need")
    summary = done.group_by(["_t_staff", "_t_start", "_t_end"]).aggregate(
        _n=done.count(), _all=done._t_done.max()
    )
    days = days.left_join(
        summary,
        [
            days.staff_id == summary._t_staff,
            days.date >= summary._t_start,
            days.date <= summary._t_end,
        ],
    ).select(*days.columns, "_n", "_all")
    short = days.filter(days._n.isnull() | (days._n < days._need) | (days._all > days.date)).select(
        *days.columns
    )

    # Only for the days found short: how many topics were done by their date.
    d = done.view()
    counted = short.left_join(
        d,
        [
            short.staff_id == d._t_staff,
            short.date >= d._t_start,
            short.date <= d._t_end,
            d._t_done <= short.date,
        ],
    )
    per_day = counted.group_by(short.columns).aggregate(_have=counted._t_done.count())
    per_day = per_day.mutate(
        _missing=per_day._need - per_day._have,
        _detail=per_day._due.cast("int64").cast("string")
        + ibis.ifelse(per_day._unit == "days", " days", " months"),
    )
    found = _lines_on(ctx, per_day, "_missing", "_need", "_detail")
    return _line_finding(found, value=found._missing, limit=found._need, detail=found._detail)


@rule(
    "SST-ANNUAL-CE",
    message="The rendering direct-care worker completed {value:num} hours of continuing "
    "education in the last full employment year before this service; at least {limit:num} "
    "are required each year after the first.",
    needs=("staff", "staff_credentials", "staff_trainings"),
    one_line=True,
)
def annual_ce(ctx: RuleContext) -> ir.Table:
    """After the first year of employment, direct-care staff complete at least five hours of
    continuing education a year (seed 000_970f1571fa3cbd2e.txt, Provider requirements, direct
    care). Years are employment years, anniversary to anniversary. A year's hours can only be
    judged once the year is over, so a billable SST half-day is checked against the employment
    year before the one it falls in, when that year is one with the requirement (the second
    employment year or later, from the pack's ``starts_after``): a service in the third year
    needs the hours in the second, and so on. Hours count in the year they were completed. With
    no hire date the employment years are unknown and the line is not checked."""
    days = _with_staff(ctx, direct_care_days(ctx), _hire="hire_date")
    days = days.filter(days._hire.notnull())
    hours = _training_terms(ctx, CONTINUING_EDUCATION, "hours_per_year")
    days = days.join(hours, _in_force(days, "date", hours)).select(*days.columns, _min=hours.num)
    after = _training_terms(ctx, CONTINUING_EDUCATION, "starts_after")
    days = days.join(after, _in_force(days, "date", after)).select(*days.columns, _after=after.num)
    days = days.mutate(_year=employment_year(days._hire, days.date))
    days = days.filter(days._year - 1 >= days._after)

    topics = _training_terms(ctx, CONTINUING_EDUCATION, "topic")
    tr = ctx.t("staff_trainings")
    tr = tr.filter(tr.completed_on.notnull() & ~tr.waived.fill_null(False))
    tr = tr.semi_join(topics, [tr.topic == topics.item, *_in_force(tr, "completed_on", topics)])
    s = ctx.t("staff").view()
    hired = s.filter(s.hire_date.notnull()).select(_h_id=s.staff_id, _h_hire=s.hire_date)
    tr = tr.join(hired, tr.staff_id == hired._h_id)
    tr = tr.mutate(_t_year=employment_year(tr._h_hire, tr.completed_on))
    per_year = tr.group_by([tr.staff_id.name("_y_staff"), "_t_year"]).aggregate(
        _hours=tr.hours.fill_null(0).sum()
    )
    days = days.left_join(
        per_year,
        [days.staff_id == per_year._y_staff, days._year - 1 == per_year._t_year],
    ).select(*days.columns, _had=per_year._hours.fill_null(0))
    short = days.filter(days._had < days._min)
    found = _lines_on(ctx, short, "_had", "_min")
    return _line_finding(found, value=found._had, limit=found._min)

"""Socialization Skills Training monthly progress reports to the AHI service coordinator.

Source: seed 000_970f1571fa3cbd2e.txt, Service product: the provider sends a monthly progress
report naming the barriers that remain, the month's progress, the education given to the family
and their response, the techniques that worked, next month's priorities, and the expected duration
and outcome. The deadline (the end of the following month) and the elements are the ``sst`` pack's
``monthly_report`` document, in force on the dates involved.
"""

from __future__ import annotations

import functools

import ibis
import ibis.expr.types as ir

from caseledger.policy import Cited
from caseledger.rules.context import RuleContext
from caseledger.rules.registry import rule as _rule
from caseledger.rules.sst import document_periods, missing_elements, sst_lines, union_all

#: every rule here reads the encounters of its own program only (see RuleDef.programs)
rule = functools.partial(_rule, programs=("sst",))

REPORT = "monthly_report"
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(month_start: ir.DateValue) -> ir.StringValue:
    """``January 2025``: how a clerk names a reporting month."""
    number = month_start.month()
    name = ibis.cases(*[(number == i + 1, label) for i, label in enumerate(_MONTHS)])
    return name + " " + month_start.year().cast("string")


def month_end(month_start: ir.DateValue, months_after: int | ir.IntegerValue) -> ir.DateValue:
    """The last day of the month ``months_after`` months after the month of ``month_start``
    (0: its own last day). Built from year, month and day numbers (no interval arithmetic,
    which some engines turn into a timestamp), so every engine gives the same date."""
    index = month_start.year() * 12 + month_start.month() - 1 + months_after
    year, month = index // 12, index % 12 + 1
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    last = ibis.cases(
        (month == 2, ibis.ifelse(leap, 29, 28)),
        (month.isin([4, 6, 9, 11]), 30),
        else_=31,
    )
    return ibis.date(year, month, last)


def _due_months(due: Cited[int]) -> int:
    """The report deadline in whole months after the reporting month (``due`` in months or
    years)."""
    return int(due.value) * (12 if due.unit == "years" else 1)


@rule(
    "SST-MONTHLY-REPORT",
    message="The monthly progress report for {detail}.",
    needs=("progress_reports",),
)
def monthly_report(ctx: RuleContext) -> ir.Table:
    """Each month with billable SST half-days needs a progress report to the AHI service
    coordinator (seed 000_970f1571fa3cbd2e.txt, Service product), sent (``sent_on``) by the
    deadline: the end of the month after the reporting month (the pack's report ``due``, in force
    on the month's first service). Only deadlines on or before the audit's as-of date are
    judged; a report sent after its deadline still counts as missing by then. Dated on the
    deadline; the amount is the month's billed SST, which the missing report leaves undocumented.
    """
    lines = sst_lines(ctx)
    lines = lines.mutate(_month=lines.date.truncate("M"))
    months = lines.group_by(["client_id", "_month"]).aggregate(
        _first=lines.date.min(), _amount=lines._amount.sum()
    )
    r = ctx.t("progress_reports")
    sent = r.filter(r.sent_on.notnull())
    sent = sent.group_by([sent.client_id, sent.month]).aggregate(_sent=sent.sent_on.min())
    sent = sent.select(_r_client=sent.client_id, _r_month=sent.month, _sent=sent._sent)
    parts = []
    for start, end, doc in document_periods(ctx.policy, REPORT):
        if doc.due is None:
            continue
        rows = months.filter((months._first >= start) & (months._first <= end))
        rows = rows.mutate(_deadline=month_end(rows._month, _due_months(doc.due)))
        parts.append(rows.filter(rows._deadline <= ctx.today))
    due = union_all(parts, months.mutate(_deadline=months._first))
    found = due.left_join(
        sent, [due.client_id == sent._r_client, due._month == sent._r_month]
    ).select(*due.columns, "_sent")
    found = found.filter(found._sent.isnull() | (found._sent > found._deadline))
    deadline = found._deadline.cast("string")
    sent_late = found._sent.notnull() & (found._sent <= ctx.today)
    detail = month_name(found._month) + ibis.ifelse(
        sent_late,
        " was sent on " + found._sent.cast("string") + ", after its deadline of " + deadline,
        " was not sent by its deadline, " + deadline,
    )
    return found.select(
        subject_id=found.client_id,
        client_id=found.client_id,
        date=found._deadline,
        detail=detail,
        amount=found._amount,
    )


@rule(
    "SST-REPORT-ELEMENTS",
    message="The monthly progress report lacks {value:int} of its {limit:int} required "
    "elements: {detail}.",
    needs=("progress_reports",),
)
def report_elements(ctx: RuleContext) -> ir.Table:
    """A monthly progress report must tell the barriers that remain, the month's progress, the
    education or practice given to the family or significant others and their response, the
    techniques that worked, next month's priorities, the expected duration and the expected
    outcome (seed 000_970f1571fa3cbd2e.txt, Service product). The elements are those of the
    pack's ``monthly_report`` document in force on the report's date: the day it was sent, or
    the last day of its month while unsent. A blank element is missing."""
    r = ctx.t("progress_reports")
    r = r.mutate(_on=r.sent_on.fill_null(month_end(r.month, 0)))
    parts = []
    for start, end, doc in document_periods(ctx.policy, REPORT):
        rows = r.filter((r._on >= start) & (r._on <= end))
        elements = [(e.column, e.label) for e in doc.elements]
        missing, labels = missing_elements(rows, elements)
        rows = rows.mutate(_missing=missing, _labels=labels, _of=len(elements))
        rows = rows.filter(rows._missing > 0)
        parts.append(
            rows.select(
                subject_id=rows.report_id,
                client_id=rows.client_id,
                date=rows._on,
                value=rows._missing,
                limit=rows._of,
                detail=rows._labels,
            )
        )
    empty = r.select(subject_id=r.report_id, client_id=r.client_id, date=r._on)
    return union_all(parts, empty)

"""SST monthly progress reports to the AHI service coordinator (seed 000, service product): one
for every month with SST services, with every element, sent within the following month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from caseledger.demo.calendar import add_business_days, add_months, month_end, month_start
from caseledger.demo.context import Context
from caseledger.demo.model import Encounter, ProgressReport
from caseledger.demo.text import fill, pronouns, sst


@dataclass
class ReportChanges:
    """How planted violations bend the reports: months left without a report, reports sent
    after the deadline, and reports missing some elements."""

    missing: set[tuple[str, dt.date]] = field(default_factory=set)
    late: set[tuple[str, dt.date]] = field(default_factory=set)
    incomplete: dict[tuple[str, dt.date], tuple[str, ...]] = field(default_factory=dict)
    #: report ids of the incomplete reports, filled in as they are written
    incomplete_ids: dict[tuple[str, dt.date], str] = field(default_factory=dict)


def sst_months(encounters: list[Encounter]) -> dict[tuple[str, dt.date], list[Encounter]]:
    """Billable SST services by (client, first day of the month)."""
    out: dict[tuple[str, dt.date], list[Encounter]] = defaultdict(list)
    for e in encounters:
        if e.program == "sst" and e.billable:
            out[(e.client_id, month_start(e.date))].append(e)
    return out


def write_reports(ctx: Context, changes: ReportChanges | None = None) -> None:
    changes = changes or ReportChanges()
    rng = ctx.rng("reports")
    clients = ctx.clients_by_id
    months = sst_months(ctx.data.encounters)
    done: dict[str, int] = defaultdict(int)
    for (client_id, month), services in sorted(months.items()):
        key = (client_id, month)
        if key in changes.missing:
            continue
        client = clients[client_id]
        half_days = sum(1 for e in services if e.service_code == "SST")
        done[client_id] += half_days
        plan = ctx.plan_on(client_id, "sst", services[0].date)
        assert plan is not None
        skill_goals = [g for g in plan.goals if g.domain in sst.REFERRAL_BEHAVIORS]
        goal = skill_goals[month.month % len(skill_goals)]
        planned = _planned(plan.frequency_duration)
        slots = {
            **pronouns(client.sex),
            "behavior_lc": sst.REFERRAL_BEHAVIORS[goal.domain].lower(),
            "skill": sst.SKILLS[goal.domain],
            "count": str(half_days),
            "left": str(max(1, planned - done[client_id])),
            "Family": client.family_member[:1].upper() + client.family_member[1:],
        }
        following = add_months(month, 1)
        sent = add_business_days(following, rng.randint(1, 12))
        if key in changes.late:
            sent = add_business_days(month_end(following), rng.randint(3, 8))
        texts = {name: fill(rng.choice(options), slots) for name, options in sst.REPORT.items()}
        for name in changes.incomplete.get(key, ()):
            texts[name] = ""
        report = ProgressReport(
            report_id=ctx.ids.new("R", 5),
            client_id=client_id,
            month=month,
            sent_on=sent,
            sent_to=sst.SERVICE_COORDINATOR,
            barriers=texts["barriers"] or None,
            progress=texts["progress"] or None,
            family_education=texts["family_education"] or None,
            family_response=texts["family_response"] or None,
            effective_techniques=texts["effective_techniques"] or None,
            next_priorities=texts["next_priorities"] or None,
            expected_duration=texts["expected_duration"] or None,
            expected_outcome=texts["expected_outcome"] or None,
        )
        if key in changes.incomplete:
            changes.incomplete_ids[key] = report.report_id
        ctx.data.reports.append(report)


def _planned(frequency: str | None) -> int:
    """The half-day count written in the plan's frequency and duration."""
    if frequency and "(" in frequency:
        return int(frequency.split("(")[1].split()[0])
    return 0

"""Builds the demo agency in memory: people first, then plans, then a period of services, then
(unless clean) the planted violations, then the documents that follow from the services."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from caseledger.demo import finishing, plants
from caseledger.demo.agency import build_agency, build_certifications
from caseledger.demo.clients import build_caseload
from caseledger.demo.context import Context
from caseledger.demo.identities import Identities
from caseledger.demo.model import AgencyRecords
from caseledger.demo.options import DemoOptions, Ids, stream
from caseledger.demo.planning import Planner
from caseledger.demo.plants.base import Planted
from caseledger.demo.programs import aba, cpr, sst, sud
from caseledger.demo.reports import write_reports
from caseledger.demo.sizing import Sizing
from caseledger.demo.staffing import build_roster


@dataclass
class Demo:
    options: DemoOptions
    data: AgencyRecords
    planted: list[Planted] = field(default_factory=list)


def build(options: DemoOptions) -> Demo:
    period = options.period
    ids = Ids()
    who = Identities(stream(options.seed, "identities"))
    agency = build_agency(who)
    sizing = Sizing.for_clients(options.clients)
    roster = build_roster(ids, who, stream(options.seed, "staff"), period, sizing)
    caseload = build_caseload(ids, who, stream(options.seed, "clients"), period, sizing)
    data = AgencyRecords(
        agency=agency,
        certifications=build_certifications(period),
        staff=roster.staff,
        credentials=roster.credentials,
        trainings=roster.trainings,
        clients=caseload.clients,
        enrollments=caseload.enrollments,
        other_services=caseload.other_services,
        diagnoses=caseload.diagnoses,
    )
    ctx = Context(options, ids, data, roster, caseload)
    for program in (cpr, sud, sst, aba):
        program.assign(ctx)
    planner = Planner(ids, ctx.rng("plans"), period, roster.staff)
    plans = defaultdict(list)
    for episode in caseload.episodes:
        for plan in planner.plans_for(episode):
            plans[(plan.client_id, plan.program)].append(plan)
            data.plans.append(plan)
    ctx.plans = dict(plans)
    # big fixed blocks first (half-days, standing groups), then the individual sessions
    for program in (sst, cpr, aba, sud):
        program.schedule(ctx)
    finishing.renumber(ctx)
    planting = plants.Planting(ctx) if not options.clean else None
    if planting is not None:
        planting.plant_all()
    write_reports(ctx, planting.reports if planting else None)
    finishing.authorize(ctx, planting.granted if planting else None)
    planted = planting.finish() if planting else []
    return Demo(options, data, planted)

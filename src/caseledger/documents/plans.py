"""Plan documents as PDF: the SST intervention plan with every element the pack requires, and
treatment or rehabilitation plans with their goals, each with signature blocks."""

from __future__ import annotations

import datetime as dt

from caseledger.documents.monthly_report import client_records
from caseledger.documents.pdf import Document, Section, render
from caseledger.facts.dataset import Dataset, Row
from caseledger.policy import Policy
from caseledger.store.unit_of_work import UnitOfWork

#: the pack documents whose elements an SST intervention plan carries
SST_DOCUMENTS = ("intervention_plan", "initial_plan_schedule")
KIND_TITLES = {
    "intervention": "Individualized intervention plan",
    "treatment": "Treatment plan",
    "rehabilitation": "Rehabilitation plan",
}
SIGNATURES = {
    "intervention": ("Client or guardian", "Staff member who wrote the plan", "Supervisor"),
    "treatment": ("Client or guardian", "Qualified professional"),
    "rehabilitation": ("Client or guardian", "Qualified professional"),
}


class PlanNotFound(LookupError):
    pass


def _day(plan: Row) -> dt.date:
    start = plan.get("start_date")
    return start if isinstance(start, dt.date) else dt.date.today()


def plan_pdf(dataset: Dataset, policy: Policy, plan_id: str) -> bytes:
    """The plan ``plan_id`` of ``dataset`` as a PDF."""
    plan = next((p for p in dataset.rows("plans") if p.get("plan_id") == plan_id), None)
    if plan is None:
        raise PlanNotFound(f"no plan {plan_id}")
    kind = str(plan.get("kind") or "treatment")
    sections: list[Section] = []
    if plan.get("program") == "sst" and kind == "intervention":
        for name in SST_DOCUMENTS:
            doc = policy.document("sst", name, _day(plan))
            if doc is not None:
                sections += [Section(e.label, _text(plan.get(e.column))) for e in doc.elements]
    goals = [g for g in dataset.rows("plan_goals") if g.get("plan_id") == plan_id]
    sections.append(
        Section("Goals", "\n".join(f"{g['goal_id']}: {g.get('text') or ''}" for g in goals))
    )
    agencies = dataset.rows("agency")
    return render(
        Document(
            title=KIND_TITLES.get(kind, "Plan") + f" ({str(plan.get('program') or '').upper()})",
            agency=str(agencies[0].get("name") or "") if agencies else "",
            facts=[
                ("Plan", plan_id),
                ("Client", str(plan.get("client_id"))),
                (
                    "In force",
                    f"{plan.get('start_date') or '?'} to {plan.get('end_date') or 'open'}",
                ),
                ("Signed", f"{plan.get('signed_by') or 'not yet'} {plan.get('signed_on') or ''}"),
            ],
            sections=sections,
            signatures=SIGNATURES.get(kind, ("Client or guardian", "Staff")),
        )
    )


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return None if value is None else str(value)


def print_plan(uow: UnitOfWork, policy: Policy, plan_id: str, client_id: str) -> bytes:
    """Plan ``plan_id`` of client ``client_id`` as a PDF, the printing access-logged."""
    data = plan_pdf(client_records(uow, client_id), policy, plan_id)
    uow.access.record(
        "print", client_id=client_id, record_type="plans", record_id=plan_id, detail="plan PDF"
    )
    return data

"""Staff: who works in the agency, their credentials and trainings, and the compliance matrix
(each person against each requirement of the programs they serve)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.audit.staff_compliance import staff_matrix
from caseledger.security.permissions import allowed
from caseledger.security.records import Records
from caseledger.store.slices import agency_dataset
from caseledger.web.site import Site


def register(app: FastAPI, site: Site) -> None:
    @app.get("/staff", response_class=HTMLResponse)
    def staff_page(request: Request) -> Response:
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("query", "staff")
            people = uow.repo("staff").list_where(agency_id=who.agency_id)
            ids = [p["staff_id"] for p in people]
            held: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
            for name in ("staff_credentials", "staff_trainings"):
                for row in uow.repo(name).where_in("staff_id", ids):
                    held[str(row["staff_id"])][name].append(row)
        people.sort(key=lambda p: (str(p.get("last_name")), str(p.get("first_name"))))
        return site.render(request, "staff.html", title="Staff", who=who, people=people, held=held)

    @app.get("/staff/matrix", response_class=HTMLResponse)
    def matrix(request: Request) -> Response:
        """The matrix, loaded after the page (it runs the staff rules)."""
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("query", "staff")
            # the rules read the lines each person rendered: clients' records
            if not allowed(who.role, "read", "encounter"):
                return site.render(request, "staff_matrix.html", matrix=None, who=who)
            dataset = agency_dataset(uow, who.agency_id)
        found = staff_matrix(dataset, site.policy, site.store.clock.now().date())
        return site.render(request, "staff_matrix.html", matrix=found, who=who)

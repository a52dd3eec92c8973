"""Recording an encounter, alone or for a group session, with the findings shown as the form is
filled in (htmx posts the form to the single-encounter check), and saving it.

Saving with an error finding is allowed only as "not billable", or with a reason that suppresses
each error (the suppression is recorded, shown and counted like any other).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from caseledger.audit.findings import Finding, sort_key
from caseledger.facts import schema
from caseledger.facts.cells import CellError, parse
from caseledger.facts.dataset import Dataset
from caseledger.policy.rounding import units_for_minutes
from caseledger.security.accounts import Principal
from caseledger.security.records import Records
from caseledger.store import UnitOfWork
from caseledger.store.slices import encounter_slice
from caseledger.store.suppressions import suppress
from caseledger.web.site import Site, read_form

ENCOUNTER = schema.table("encounters")
#: the encounter columns the form fills in
FIELDS = (
    "client_id",
    "staff_id",
    "service_code",
    "modifiers",
    "date",
    "start_time",
    "end_time",
    "units",
    "place",
    "activity",
    "goal_ids",
    "note_text",
)


@dataclass
class Entry:
    """What the form says: the encounter rows (one per attendee), the group session if any, and
    the problems with the fields."""

    rows: list[dict[str, Any]]
    group: dict[str, Any] | None
    problems: dict[str, str]
    values: Mapping[str, Any]


def _list(text: str) -> str:
    return ";".join(p for p in text.replace(",", " ").replace(";", " ").split() if p)


#: the ids a form's rows take while it is only being checked: fixed, so that a check while the
#: user types finds the structured rules' findings remembered (see ``audit.check``); never saved
DRAFT_ENCOUNTER = "E-LIVE-CHECK-"
DRAFT_GROUP = "GS-LIVE-CHECK"


def _read(
    form: Mapping[str, Any], site: Site, who: Principal, today: dt.date, *, draft: bool = False
) -> Entry:
    """The form's rows. ``draft``: for the live check (fixed ids); else new ids, to save."""
    problems: dict[str, str] = {}
    row: dict[str, Any] = {}
    for name in FIELDS:
        if name == "client_id" and form.getlist("attendees"):  # type: ignore[attr-defined]
            continue
        column = ENCOUNTER.column(name)
        text = str(form.get(name, "") or "")
        if column.kind is schema.Kind.LIST:
            text = _list(text)
        try:
            row[name] = parse(column, text)
        except CellError as error:
            label = name.replace("_id", "").replace("_", " ")
            problems[name] = f"{label} {error}"
    row["billable"] = form.get("billable") == "on"
    # Signing at once: as the staff member the account belongs to, today.
    signing = form.get("sign") == "on" and who.staff_id and row.get("note_text")
    row["note_signed_by"] = who.staff_id if signing else None
    row["note_signed_on"] = today if signing else None
    if not problems and row.get("units") is None:
        row["units"] = _units_from_time(site, row)
    attendees = [str(c) for c in form.getlist("attendees")]  # type: ignore[attr-defined]
    group = None
    rows = []
    if attendees:
        group_id = DRAFT_GROUP if draft else "GS-" + secrets.token_hex(4)
        leaders = [s for s in (row.get("staff_id"), str(form.get("second_staff_id") or "")) if s]
        group = {
            "group_id": group_id,
            "service_code": row.get("service_code"),
            "date": row.get("date"),
            "start_time": row.get("start_time"),
            "end_time": row.get("end_time"),
            "staff_ids": tuple(leaders),
            "place": row.get("place"),
        }
        for n, client in enumerate(attendees):
            rows.append(
                {**row, "client_id": client, "group_id": group_id, "encounter_id": _id(draft, n)}
            )
    else:
        rows.append({**row, "encounter_id": _id(draft, 0), "group_id": None})
    return Entry(rows, group, problems, form)


def _id(draft: bool, n: int) -> str:
    return f"{DRAFT_ENCOUNTER}{n}" if draft else "E-" + secrets.token_hex(5)


def _units_from_time(site: Site, row: Mapping[str, Any]) -> Any:
    start, end, day = row.get("start_time"), row.get("end_time"), row.get("date")
    if not (isinstance(start, dt.time) and isinstance(end, dt.time) and isinstance(day, dt.date)):
        return None
    service = site.policy.service(
        str(row.get("service_code") or ""), row.get("modifiers") or (), day
    )
    if service is None or service.unit_minutes is None:
        return None
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    mode = service.rounding.value if service.rounding else "standard"
    from decimal import Decimal

    return Decimal(units_for_minutes(minutes, service.unit_minutes, mode))


def _check(site: Site, uow: UnitOfWork, entry: Entry, as_of: dt.date) -> list[Finding]:
    """Every finding the new rows have or cause, from the single-encounter check."""
    return _run_check(site, _slice(uow, entry), entry, as_of)


def _slice(uow: UnitOfWork, entry: Entry) -> Dataset:
    """The rows the check reads: the slice of the store the new rows touch, with them in it
    (read, and access-logged, in ``uow``). The group's other lines come after the client's
    history, which the slice begins with (``Dataset.history``)."""
    first = entry.rows[0]
    dataset, _ = encounter_slice(uow, first)
    tables = {name: list(rows) for name, rows in dataset.tables.items()}
    if entry.group is not None:
        tables["group_sessions"] = [*tables.get("group_sessions", []), entry.group]
        tables["encounters"] = [*tables["encounters"], *entry.rows[1:]]
        for extra in entry.rows[1:]:
            client = uow.repo("clients").get(str(extra["client_id"]))
            if client and all(c["client_id"] != client["client_id"] for c in tables["clients"]):
                tables["clients"].append(client)
    return Dataset(tables, history=dataset.history)


def _run_check(site: Site, dataset: Dataset, entry: Entry, as_of: dt.date) -> list[Finding]:
    first = entry.rows[0]
    with site.checking() as checker:
        result = checker.check(dataset, str(first["encounter_id"]), as_of=as_of)
    new = {str(r["encounter_id"]) for r in entry.rows}
    found = [f for f in result.findings if f.subject_type != "encounter" or f.subject_id in new]
    found.sort(key=sort_key)
    return found


def _choices(uow: UnitOfWork, who: Principal, site: Site, on: dt.date) -> dict[str, Any]:
    records = Records(uow, who)
    services = sorted(
        {
            (s.code, " ".join(s.modifiers), s.name)
            for s in site.policy.service_timeline()
            if s.start <= on and (s.end is None or on <= s.end)
        }
    )
    return {
        "clients": records.clients(),
        "staff": records.staff_directory(),
        "services": services,
        "activities": schema.ACTIVITIES,
        "places": ENCOUNTER.column("place").choices,
    }


def register(app: FastAPI, site: Site) -> None:
    def today() -> dt.date:
        return site.store.clock.now().date()

    def page(
        request: Request, who: Principal, uow: UnitOfWork, group: bool, **extra: Any
    ) -> Response:
        return site.render(
            request,
            "encounter.html",
            extra.pop("status", 200),
            title="Record a group session" if group else "Record an encounter",
            who=who,
            group=group,
            values=extra.pop("values", {"date": today().isoformat(), "billable": "on"}),
            **_choices(uow, who, site, today()),
            **extra,
        )

    @app.get("/encounters/new", response_class=HTMLResponse)
    def new(request: Request, group: bool = False) -> Response:
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("create", "encounter")
            return page(request, who, uow, group)

    @app.post("/encounters/check", response_class=HTMLResponse)
    def live_check(request: Request) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        with site.signed_in(request) as (uow, who):
            Records(uow, who).check_own("create", "encounter")
            entry = _read(form, site, who, today(), draft=True)
            # The slice is read, and its reads logged, in a short transaction; the rules then
            # run outside it, so no other request waits on the store while they do.
            dataset = None if entry.problems else _slice(uow, entry)
        if dataset is None:
            return site.render(request, "findings.html", problems=entry.problems, findings=[])
        found = _run_check(site, dataset, entry, today())
        return site.render(request, "findings.html", problems={}, findings=found)

    @app.post("/encounters")
    def save(request: Request) -> Response:
        form = read_form(request)
        site.check_csrf(request, str(form.get("csrf", "")))
        group = bool(form.getlist("attendees"))
        with site.signed_in(request) as (uow, who):
            records = Records(uow, who)
            entry = _read(form, site, who, today())
            if entry.problems:
                return page(
                    request, who, uow, group, status=422, values=form, problems=entry.problems
                )
            found = _check(site, uow, entry, today())
            errors = [f for f in found if f.severity == "error"]
            reason = str(form.get("suppress_reason", "")).strip()
            billable = any(r["billable"] for r in entry.rows)
            if errors and billable and not reason:
                return page(
                    request, who, uow, group, status=422, values=form, findings=found, blocked=True
                )
            if entry.group is not None:
                records.save("group_sessions", entry.group)
            for row in entry.rows:
                records.save("encounters", row)
            if errors and billable:
                for f in errors:
                    records.check_own("suppress", "finding")
                    suppress(uow, f.rule, f.subject_type, f.subject_id, reason)
            client = str(entry.rows[0]["client_id"])
        return site.redirect(f"/clients/{client}" if entry.group is None else "/clients")

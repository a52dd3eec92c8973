"""``caseledger access-log verify|report``: is the access log intact, and who did what."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import typer
from rich.markup import escape
from rich.table import Table

from caseledger.cli.common import acting, console, fail, parse_date, state, store_errors
from caseledger.security.records import Records
from caseledger.store import Store
from caseledger.store.access_chain import verify
from caseledger.store.access_log import entries

app = typer.Typer(
    help="Check the access log for tampering, and report who read or changed what.",
    no_args_is_help=True,
)
EXIT_TAMPERED = 1


@app.command("verify")
def verify_command(ctx: typer.Context) -> None:
    """Recompute the keyed hash of every entry and compare the newest with the head recorded
    outside the database. Exit status 1 names the first entry that was altered, inserted,
    deleted or moved, or says that the newest entries were removed."""
    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store:
        secrets = store.secrets
        with store.engine.connect() as conn:
            verdict = verify(conn, secrets)
    if not verdict.ok:
        raise fail(
            f"the access log has been tampered with: {verdict.problem}",
            hint=f"entries before {verdict.first_bad_id} ({verdict.checked:,}) are intact; "
            "restore the database from a backup and keep this one for investigation",
            code=EXIT_TAMPERED,
        )
    newest = f", newest entry {verdict.head.id:,}" if verdict.head else ""
    console.print(f"The access log is intact: {verdict.checked:,} entries{newest}.")


@app.command("report")
def report_command(
    ctx: typer.Context,
    start: str | None = typer.Option(None, "--from", metavar="DATE", help="First day (UTC)."),
    end: str | None = typer.Option(None, "--to", metavar="DATE", help="Last day (UTC)."),
    client: str | None = typer.Option(None, "--client", help="Only this client's entries."),
    user: str | None = typer.Option(None, "--user", help="Only this user's entries."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who asks (logged)."),
) -> None:
    """The entries, oldest first, filtered by day, client and user. Asking is itself logged.
    With --as naming an account, their role must allow it and only their agency's entries show."""
    if fmt not in ("table", "csv", "json"):
        raise fail(f"--format must be table, csv or json, got {fmt!r}")
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    if first and last and first > last:
        raise fail("--from is after --to")
    url = state(ctx).db_url
    with acting(url, actor) as (uow, who):
        if who is not None:
            Records(uow, who).check_own("read", "access_log")
        found = entries(
            uow.connection,
            client_id=client,
            actor=user,
            agency_id=who.agency_id if who else None,
            start=dt.datetime.combine(first, dt.time()) if first else None,
            end=dt.datetime.combine(last + dt.timedelta(days=1), dt.time()) if last else None,
        )
        uow.access.record(
            "query",
            client_id=client,
            record_type="access_log",
            detail=f"access-log report: {len(found)} entries",
        )
    rows = [
        {
            "id": e.id,
            "at": e.at.isoformat(timespec="seconds") + "Z",
            "user": e.actor,
            "action": e.action,
            "client_id": e.client_id,
            "record_type": e.record_type,
            "record_id": e.record_id,
            "detail": e.detail,
        }
        for e in found
    ]
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["id"])
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(out.getvalue(), nl=False)
        return
    table = Table("id", "at (UTC)", "user", "action", "client", "record", "detail")
    for r in rows:
        record = " ".join(str(x) for x in (r["record_type"], r["record_id"]) if x)
        table.add_row(
            str(r["id"]),
            str(r["at"]),
            escape(str(r["user"])),
            str(r["action"]),
            escape(str(r["client_id"] or "")),
            escape(record),
            escape(str(r["detail"] or "")),
        )
    console.print(table)
    console.print(f"{len(rows):,} entries.")

"""``caseledger fhir export``: each client's record as a FHIR R4 Bundle (see docs/fhir.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.markup import escape

from caseledger.cli.common import State, console, fail, parse_date, store_errors
from caseledger.config import database_url

app = typer.Typer(help="FHIR R4: export clients' records as Bundles.", no_args_is_help=True)


@app.callback()
def fhir_group() -> None:
    """FHIR R4: export clients' records as Bundles."""
    # A group callback keeps ``export`` a sub-command even while it is the only one.


def _db_url(ctx: typer.Context, db: str | None) -> str:
    """``--db`` here, else the main command's ``--db``, else $CASELEDGER_DB or the default.
    The sub-command may run without the main command's callback (tests, embedding), so a
    missing context object is not an error."""
    if db is not None:
        return database_url(db)
    root = ctx.find_root().obj
    return root.db_url if isinstance(root, State) else database_url(None)


@app.command("export")
def export_command(
    ctx: typer.Context,
    client: str | None = typer.Option(None, "--client", metavar="ID", help="One client's id."),
    every: bool = typer.Option(False, "--all", help="Every client in the store."),
    out: Path = typer.Option(..., "--out", metavar="DIR", help="Folder for <client_id>.json."),
    db: str | None = typer.Option(
        None,
        "--db",
        metavar="URL",
        help="Store to read; default: the main --db, else $CASELEDGER_DB, else ./caseledger.db.",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="The day plan and diagnosis statuses are judged on; default today."
    ),
) -> None:
    """Write one FHIR R4 Bundle (type collection) per client: Patient, agency, staff,
    encounters, plans and goals, diagnoses and claims sent. Each export is access-logged."""
    from caseledger.exchange.fhir import export_bundles
    from caseledger.store import Store

    if (client is None) == (not every):
        raise fail("say which clients: --client ID or --all (one of them)")
    day = parse_date(as_of, "--as-of") or dt.date.today()
    url = _db_url(ctx, db)
    try:
        with store_errors(url), Store.open(url) as store:
            result = export_bundles(store, out, client_id=client, as_of=day)
    except ValidationError as error:
        # Validation messages quote the offending values (PHI): name only the resource type.
        raise fail(
            f"a record could not be exported as a valid FHIR {escape(error.title)}; "
            "nothing was written"
        ) from None
    count = len(result.files)
    noun = "bundle" if count == 1 else "bundles"
    console.print(f"Wrote {count} FHIR R4 {noun} to {escape(str(result.folder))}.")

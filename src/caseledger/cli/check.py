"""``caseledger check ENCOUNTER_ID``: what is wrong with one encounter, as it would be billed."""

from __future__ import annotations

import datetime as dt

import typer
from rich.markup import escape

from caseledger.audit.check import EncounterChecker, as_result
from caseledger.audit.report import print_table, to_json
from caseledger.cli.common import console, fail, state, store_errors
from caseledger.policy import load_policy
from caseledger.store import Store
from caseledger.store.slices import EncounterNotFound, encounter_slice

EXIT_FINDINGS = 1


def check_command(
    ctx: typer.Context,
    encounter_id: str = typer.Argument(..., help="The encounter to check."),
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE", help="Today, for deadlines."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who checks (access log)."),
) -> None:
    """Run every rule that can concern one stored encounter, reading only what it touches, and
    show its findings and those it causes on others (a group grown too large, a cap passed).

    Exit status: 0 when nothing blocks billing it, 1 when an error does, 2 on bad input."""
    if fmt not in ("table", "json"):
        raise fail(f"--format must be table or json, got {fmt!r}")
    try:
        today = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise fail(f"--as-of expects a date YYYY-MM-DD, got {as_of!r}") from None
    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store:
        try:
            with store.unit_of_work(actor=actor) as uow:
                dataset, _ = encounter_slice(uow, encounter_id)
        except EncounterNotFound as error:
            raise fail(escape(str(error))) from None
    policy = load_policy()
    checker = EncounterChecker(policy)
    try:
        result = checker.check(dataset, encounter_id, as_of=today)
    finally:
        checker.close()
    shown = as_result(result, policy, today)
    if fmt == "json":
        typer.echo(to_json(shown), nl=False)
    else:
        print_table(shown, console)
        if result.caused:
            console.print(f"{len(result.caused)} of these fall on other records because of it.")
    if result.blocking:
        raise typer.Exit(EXIT_FINDINGS)

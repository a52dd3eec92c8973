"""``caseledger suppress`` / ``unsuppress`` / ``suppressions``: accept a finding, with a reason."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from caseledger.cli.common import console, fail, state, store_errors
from caseledger.store import Store
from caseledger.store.suppressions import SuppressionError, active, lift, suppress

SUBJECT_TYPES = (
    "encounter",
    "client",
    "staff",
    "plan",
    "report",
    "missed_appointment",
    "group",
    "agency",
    "rule",
)


def suppress_command(
    ctx: typer.Context,
    rule: str = typer.Argument(..., help="The rule id, e.g. GEN-NOTE-LATE."),
    subject_type: str = typer.Argument(..., help=f"One of: {', '.join(SUBJECT_TYPES)}."),
    subject_id: str = typer.Argument(..., help="The id of the encounter, client, staff… "),
    reason: str = typer.Option(..., "--reason", help="Why this finding is accepted (required)."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who accepts it."),
) -> None:
    """Accept one finding with a reason. It still appears in every report, marked suppressed,
    and is counted apart."""
    if subject_type not in SUBJECT_TYPES:
        raise fail(f"subject type must be one of {', '.join(SUBJECT_TYPES)}, got {subject_type!r}")
    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store:
        try:
            with store.unit_of_work(actor=actor) as uow:
                number = suppress(uow, rule, subject_type, subject_id, reason)
        except SuppressionError as error:
            raise fail(escape(str(error))) from None
    console.print(f"Suppression {number} recorded: {rule} on {subject_type} {subject_id}.")


def unsuppress_command(
    ctx: typer.Context,
    number: int = typer.Argument(
        ..., help="The suppression's number (see caseledger suppressions)."
    ),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who lifts it."),
) -> None:
    """Lift a suppression: the finding counts again from the next audit."""
    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store:
        try:
            with store.unit_of_work(actor=actor) as uow:
                lift(uow, number)
        except SuppressionError as error:
            raise fail(escape(str(error))) from None
    console.print(f"Suppression {number} lifted.")


def suppressions_command(ctx: typer.Context) -> None:
    """List the suppressions in force."""
    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store, store.unit_of_work() as uow:
        found = active(uow)
    if not found:
        console.print("No suppressions in force.")
        return
    table = Table(title="Suppressions in force", title_justify="left")
    for name in ("#", "rule", "subject", "reason", "by", "on"):
        table.add_column(name, overflow="fold")
    for s in found:
        table.add_row(
            str(s.id),
            s.rule,
            f"{s.subject_type} {s.subject_id}",
            escape(s.reason),
            escape(s.actor),
            s.at.date().isoformat(),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("suppress")(suppress_command)
    app.command("unsuppress")(unsuppress_command)
    app.command("suppressions")(suppressions_command)

"""``caseledger note amend|history``: a signed note is corrected by amendment, never rewritten.

With ``--as`` naming an account, the command acts as that person (their role, their agency)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from caseledger.cli.common import acting, console, state
from caseledger.security.records import Records
from caseledger.store.amendments import amend, history

app = typer.Typer(help="Signed notes: amend and show their history.", no_args_is_help=True)


@app.command("amend")
def amend_command(
    ctx: typer.Context,
    encounter_id: str = typer.Argument(..., help="The encounter whose signed note is corrected."),
    reason: str = typer.Option(..., "--reason", help="Why the note is corrected."),
    text_file: Path = typer.Option(
        ...,
        "--text-file",
        exists=True,
        dir_okay=False,
        help="The corrected note, as a UTF-8 text file.",
    ),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who amends it."),
) -> None:
    """Append a correction to a signed note. The note as signed stays, beside every amendment."""
    text = text_file.read_text(encoding="utf-8")
    url = state(ctx).db_url
    with acting(url, actor) as (uow, who):
        if who is None:
            number = amend(uow, encounter_id, text, reason)
        else:
            number = Records(uow, who).amend_note(encounter_id, text, reason)
    console.print(f"Amendment {number} added to the note of {escape(encounter_id)}.")


@app.command("history")
def history_command(
    ctx: typer.Context,
    encounter_id: str = typer.Argument(...),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who reads it (logged)."),
) -> None:
    """The note as signed, then every amendment with its author, time and reason."""
    url = state(ctx).db_url
    with acting(url, actor) as (uow, who):
        found = (
            history(uow, encounter_id)
            if who is None
            else Records(uow, who).note_history(encounter_id)
        )
    signed = f"signed by {found.signed_by} on {found.signed_on}" if found.signed_by else "unsigned"
    console.print(f"[bold]Note of {escape(encounter_id)}[/] ({signed}):")
    console.print(escape(found.text or "(no note)"), soft_wrap=True)
    for a in found.amendments:
        console.print(
            f"\n[bold]Amendment {a.number}[/] by {escape(a.author)}, {a.at:%Y-%m-%d %H:%M} UTC; "
            f"reason: {escape(a.reason)}"
        )
        console.print(escape(a.text), soft_wrap=True)
    if not found.amendments:
        console.print("No amendments.")

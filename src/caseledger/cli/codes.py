"""``caseledger icd10`` and ``caseledger code``: coding tools, offline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from caseledger.cli.common import console, fail, parse_date

icd10_app = typer.Typer(
    help="ICD-10-CM: check a code, or find the diagnoses a text names.", no_args_is_help=True
)
code_app = typer.Typer(
    help="Service codes: what the policy packs say of one.", no_args_is_help=True
)


@icd10_app.command("check")
def icd10_check(
    code: str = typer.Argument(..., help="An ICD-10-CM code, with or without its dot (F33.1)."),
    on: str | None = typer.Option(
        None, "--date", help="The date of service (the code set shipped is one release)."
    ),
) -> None:
    """Whether CODE exists, whether it is billable (the most specific of its branch), and its
    description. Exits 1 when it is not a billable code."""
    from caseledger.codes.diagnoses import lookup, release

    parse_date(on, "--date")
    info = lookup(code)
    console.print(f"ICD-10-CM code set: the {release()} release.")
    if not info.valid:
        console.print(f"{escape(info.code)}: [red]not an ICD-10-CM code[/red].")
        raise typer.Exit(1)
    console.print(f"{escape(info.code)}: {escape(info.description or '')}")
    if info.billable:
        console.print("[green]Billable[/green]: the most specific code of its branch.")
        return
    more = ", ".join(info.narrower)
    console.print(
        f"[yellow]Not billable[/yellow]: a category with more specific codes beneath it "
        f"({escape(more)}{'…' if len(info.narrower) >= 8 else ''}); use one of them."
    )
    raise typer.Exit(1)


@icd10_app.command("detect")
def icd10_detect(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A text file (a note)."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """The diagnoses FILE names: codes written out (checked against the code set) and diagnosis
    phrases with the code each suggests. Negated mentions ("denies depression") are marked."""
    from caseledger.codes.diagnoses import detect

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise fail(f"{escape(file.name)} is not UTF-8 text") from None
    found = detect(text)
    if fmt == "json":
        rows = [
            {
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "kind": m.kind,
                "code": m.code,
                "negated": m.negated,
                "billable": m.billable,
                "description": m.description,
            }
            for m in found
        ]
        console.print_json(json.dumps(rows))
        return
    table = Table(title=f"Diagnoses named in {escape(file.name)} ({len(found)})")
    for column in ("where", "text", "as", "code", "billable", "negated", "description"):
        table.add_column(column)
    for m in found:
        table.add_row(
            f"{m.start}-{m.end}",
            escape(m.text),
            m.kind,
            m.code,
            "yes" if m.billable else "no",
            "yes" if m.negated else "",
            escape(m.description or ""),
        )
    console.print(table)


@code_app.command("explain")
def code_explain(
    code: str = typer.Argument(..., help="A service code, e.g. 0372T or H2017."),
    on: str | None = typer.Option(None, "--date", help="Status on this date; default: today."),
) -> None:
    """Status and history (deletion and replacements), unit, rates and limits by date, and the
    rules that apply, each with its citation, from the policy packs."""
    from caseledger.codes.explain import explain
    from caseledger.policy import load_policy

    day = parse_date(on, "--date") or dt.date.today()
    e = explain(load_policy(), code, day)
    if not e.known:
        raise fail(
            f"no policy pack knows the code {escape(e.code)}",
            hint="caseledger policy list shows the packs loaded",
        )
    s = e.status
    assert s is not None
    if s.in_force:
        console.print(f"[bold]{escape(e.code)}[/bold] is in force on {day}.")
    elif s.deleted:
        console.print(
            f"[bold]{escape(e.code)}[/bold] was deleted: its last day was {s.last_day}."
            + (f" Use instead: {', '.join(s.replaced_by)}." if s.replaced_by else "")
        )
    else:
        console.print(f"[bold]{escape(e.code)}[/bold] is not in force on {day}.")
    if s.cite:
        console.print(f"  [dim]{escape(s.cite)}[/dim]")
    for p in e.periods:
        until = p.end.isoformat() if p.end else "today"
        console.print(
            f"\n[bold]{escape(p.label)}[/bold] ({escape(p.program or 'any program')}), "
            f"{p.start} to {until}: {escape(p.name)}"
        )
        for t in p.terms:
            console.print(f"  {t.name}: {escape(t.value)}  [dim]{escape(t.cite)}[/dim]")
    console.print(f"\nRules that apply ({len(e.rules)}):")
    for r in e.rules:
        console.print(
            f"  {r.id} ({r.severity}): {escape(r.description)}  [dim]{escape(r.cite)}[/dim]"
        )

"""``caseledger import`` / ``export`` / ``summary`` / ``db``: the dataset format in and out of the
store, and the store's schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from caseledger.cli.common import console, err_console, fail, state, store_errors
from caseledger.config import redacted
from caseledger.store import Store, migrate
from caseledger.store.engine import check_reachable
from caseledger.store.exporter import export_dataset
from caseledger.store.importer import ImportReport, import_dataset
from caseledger.store.summary import summarize

#: Exit status of a partial import that left rows out.
EXIT_SKIPPED = 1

db_app = typer.Typer(help="The store's schema: apply or show its migrations.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Adds the dataset commands to the root command."""
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("summary")(summary_command)
    app.add_typer(db_app, name="db")


def _check_actor(actor: str | None) -> None:
    if actor is not None and not actor.strip():
        raise fail("--as needs a user name", hint="leave it out to use your own login name")


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise fail(f"dataset folder not found: {escape(str(folder))}")
    if not folder.is_dir():
        raise fail(f"not a folder: {escape(str(folder))}; expected a folder of dataset CSV files")


def import_command(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., metavar="DIR", help="The dataset folder to load."),
    partial: bool = typer.Option(
        False,
        "--partial",
        help="Import the good rows and skip the bad ones (and rows referring to them); "
        "exit status 1 when rows were skipped.",
    ),
    actor: str | None = typer.Option(
        None, "--as", metavar="USER", help="Who is importing, for the access log (default: you)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check and compare with the store, but write nothing."
    ),
) -> None:
    """Load a dataset folder into the store, all or nothing.

    Every problem is listed as file:line:column: message; unless --partial is given, a dataset
    with any problem writes nothing (exit status 2). Rows are matched by id (child files by their
    parent), so importing the same dataset again changes nothing.
    """
    _check_actor(actor)
    _check_folder(folder)
    url = state(ctx).db_url
    with store_errors(url):
        store = Store.open(url)
        try:
            with _import_progress() as progress:
                report = import_dataset(
                    store, folder, partial=partial, dry_run=dry_run, actor=actor, progress=progress
                )
        finally:
            store.close()
    for notice in report.notices:
        typer.echo(f"note: {notice}", err=True)
    problems = report.sorted_problems()
    for problem in problems:
        typer.echo(str(problem), err=True)
    if report.refused:
        raise fail(f"{len(problems)} problem(s) in {escape(str(folder))}; nothing was imported")
    _print_changes(report)
    totals = report.totals()
    read = totals["added"] + totals["changed"] + totals["unchanged"]
    console.print(
        f"{read} row(s) read from {folder}: {totals['added']} added, {totals['changed']} changed, "
        f"{totals['unchanged']} unchanged, {totals['removed']} removed; "
        f"{report.clients_logged} client(s) in the access log.",
        highlight=False,
        soft_wrap=True,
    )
    if dry_run:
        console.print("Dry run: nothing was written.")
    if report.skipped_rows:
        err_console.print(
            f"[yellow]{len(problems)} problem(s): the rows above were skipped[/]", highlight=False
        )
        raise typer.Exit(EXIT_SKIPPED)


def _print_changes(report: ImportReport) -> None:
    table = Table(title="Import", title_justify="left")
    table.add_column("table")
    for name in ("rows", "added", "changed", "unchanged", "removed"):
        table.add_column(name, justify="right")
    for name, changes in report.tables.items():
        table.add_row(
            name,
            str(changes.rows),
            str(changes.added),
            str(changes.changed),
            str(changes.unchanged),
            str(changes.removed),
        )
    console.print(table)


class _ImportProgress:
    """A rich progress bar on stderr: one line per table as it is written."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._reading: TaskID | None = progress.add_task("reading and checking", total=None)
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, table: str, done: int, total: int) -> None:
        progress = self._progress
        if self._reading is not None:
            progress.update(self._reading, total=1, completed=1)
            self._reading = None
        if table not in self._tasks:
            self._tasks[table] = progress.add_task(table, total=total)
        progress.advance(self._tasks[table], done)


@contextmanager
def _import_progress() -> Iterator[_ImportProgress | None]:
    if not err_console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        yield _ImportProgress(progress)


def export_command(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., metavar="DIR", help="The folder to write the dataset to."),
    actor: str | None = typer.Option(
        None, "--as", metavar="USER", help="Who is exporting, for the access log (default: you)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Write into a folder that is not empty, replacing its dataset files."
    ),
) -> None:
    """Write the store out as a dataset folder (canonical CSV files, one per table with rows)."""
    _check_actor(actor)
    url = state(ctx).db_url
    with store_errors(url):
        store = Store.open(url)
        try:
            report = export_dataset(store, folder, actor=actor, force=force)
        finally:
            store.close()
    table = Table(title=f"Exported to {escape(str(folder))}", title_justify="left")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, count in report.files.items():
        table.add_row(name, str(count))
    console.print(table)
    console.print(
        f"{sum(report.files.values())} row(s) in {len(report.files)} file(s); "
        f"{report.clients_logged} client(s) in the access log.",
        highlight=False,
        soft_wrap=True,
    )


def summary_command(ctx: typer.Context) -> None:
    """What the store holds: rows per table, encounters per program, the dates covered."""
    url = state(ctx).db_url
    with store_errors(url):
        store = Store.open(url)
        try:
            summary = summarize(store)
        finally:
            store.close()
    console.print(f"Store: {redacted(url)}", highlight=False)
    counts = Table(title="Rows per table", title_justify="left")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name, count in summary.rows.items():
        counts.add_row(name, f"{count:,}")
    counts.add_row("access_log", f"{summary.access_log_entries:,}", style="dim")
    console.print(counts)
    programs = Table(title="Encounters per program (by service code)", title_justify="left")
    programs.add_column("program")
    for name in ("encounters", "clients", "first", "last"):
        programs.add_column(name, justify="right")
    for entry in summary.programs:
        programs.add_row(
            entry.program,
            f"{entry.encounters:,}",
            f"{entry.clients:,}",
            str(entry.first or ""),
            str(entry.last or ""),
        )
    console.print(programs)
    if summary.encounters:
        console.print(
            f"{summary.encounters:,} encounters from {summary.first_encounter} to "
            f"{summary.last_encounter}; {summary.clients_with_encounters:,} of "
            f"{summary.clients:,} clients and {summary.staff_with_encounters:,} of "
            f"{summary.staff:,} staff have encounters.",
            highlight=False,
        )
    else:
        console.print("The store holds no encounters yet: load a dataset with caseledger import.")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply the schema migrations the store is missing (creates the tables in a new database)."""
    url = state(ctx).db_url
    with store_errors(url):
        store = Store(url)
        try:
            check_reachable(store.engine)
            schema_state = migrate.state(store.engine)
            if schema_state.is_newer:
                raise fail(
                    f"the store is at schema {schema_state.current}, newer than this caseledger "
                    f"knows ({schema_state.head})",
                    hint="upgrade caseledger",
                )
            before, after = migrate.upgrade(store.engine)
        finally:
            store.close()
    if before == after:
        console.print(
            f"{redacted(url)} is up to date (schema {after}).", highlight=False, soft_wrap=True
        )
    else:
        console.print(
            f"{redacted(url)} upgraded from schema {before or 'none'} to {after}.",
            highlight=False,
            soft_wrap=True,
        )


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Show the store's schema version and whether it is up to date."""
    url = state(ctx).db_url
    with store_errors(url):
        store = Store(url)
        try:
            check_reachable(store.engine)
            schema_state = migrate.state(store.engine)
        finally:
            store.close()
    console.print(f"store:   {redacted(url)}", highlight=False)
    console.print(f"current: {schema_state.current or 'none (no caseledger schema)'}")
    console.print(f"head:    {schema_state.head}")
    if schema_state.at_head:
        console.print("up to date")
    elif schema_state.is_newer:
        console.print("newer than this caseledger: upgrade caseledger")
    else:
        console.print(f"behind: run caseledger --db {redacted(url)} db upgrade", highlight=False)

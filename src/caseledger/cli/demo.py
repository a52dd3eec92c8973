"""``caseledger demo``: the synthetic demo agency."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from pathlib import Path

import typer
from rich.table import Table

from caseledger.cli.common import console, fail, state
from caseledger.demo import options as demo_options

app = typer.Typer(help="The synthetic demo agency.", no_args_is_help=True)

FORMATS = ("csv", "parquet")


@app.command()
def generate(
    folder: Path = typer.Argument(..., metavar="DIR", help="Folder to write the dataset into."),
    clients: int = typer.Option(
        demo_options.DEFAULT_CLIENTS, "--clients", min=1, help="Clients served."
    ),
    months: int = typer.Option(
        demo_options.DEFAULT_MONTHS, "--months", min=1, help="Months of services."
    ),
    seed: int = typer.Option(
        demo_options.DEFAULT_SEED, "--seed", help="Random seed: the same seed gives the same files."
    ),
    start: str = typer.Option(
        demo_options.DEFAULT_START.isoformat(),
        "--start",
        metavar="YYYY-MM-DD",
        help="First day of the period.",
    ),
    clean: bool = typer.Option(
        False, "--clean", help="No planted violations (every error and warning rule passes)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace the files a previous run wrote in DIR."
    ),
    encounters: int | None = typer.Option(
        None,
        "--encounters",
        min=1,
        metavar="N",
        help="Benchmark mode: stream about N encounters (and proportionate other tables) in "
        "bounded memory; --clients is then derived from N.",
    ),
    fmt: str = typer.Option(
        "csv", "--format", metavar="csv|parquet", help="Benchmark mode file format."
    ),
) -> None:
    """Write the synthetic demo agency as a dataset folder, with planted.csv (the violations an
    audit should find) and demo.json (the arguments, the period and the as-of date to audit on)."""
    try:
        first_day = dt.date.fromisoformat(start)
    except ValueError:
        raise fail(f"--start must be a date YYYY-MM-DD, got {start!r}") from None
    if fmt not in FORMATS:
        raise fail(f"--format must be csv or parquet, got {fmt!r}")
    began = time.perf_counter()
    if encounters is not None:
        _bulk(folder, encounters, fmt, seed, first_day, months, clean, force)
    else:
        if fmt != "csv":
            raise fail("--format parquet needs --encounters (the demo agency itself is CSV)")
        _demo(folder, clients, months, seed, first_day, clean, force)
    console.print(f"done in {time.perf_counter() - began:.1f} s", highlight=False)


def _demo(
    folder: Path, clients: int, months: int, seed: int, start: dt.date, clean: bool, force: bool
) -> None:
    from caseledger.demo import DemoOptions, FolderNotEmpty, generate

    options = DemoOptions(clients=clients, months=months, seed=seed, start=start, clean=clean)
    problems = options.problems()
    if problems:
        raise fail("; ".join(problems))
    try:
        written = generate(folder, options, replace=force)
    except FolderNotEmpty as error:
        raise fail(
            str(error), hint="use --force to replace the files a previous run wrote"
        ) from None
    console.print(f"wrote {folder} (audit as of {written.as_of})", highlight=False)
    _summary(written.files, written.planted)


def _bulk(
    folder: Path,
    encounters: int,
    fmt: str,
    seed: int,
    start: dt.date,
    months: int,
    clean: bool,
    force: bool,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from caseledger.demo import FolderNotEmpty
    from caseledger.demo.bulk import BulkOptions, generate_bulk

    options = BulkOptions(
        encounters=encounters, months=months, seed=seed, start=start, clean=clean, format=fmt
    )
    problems = options.problems()
    if problems:
        raise fail("; ".join(problems))
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("encounters", total=options.encounters)
        try:
            written = generate_bulk(
                folder, options, replace=force, progress=lambda n: bar.update(task, completed=n)
            )
        except FolderNotEmpty as error:
            raise fail(
                str(error), hint="use --force to replace the files a previous run wrote"
            ) from None
    console.print(f"wrote {folder} (audit as of {written.as_of})", highlight=False)
    _summary(written.files, written.planted)


def _summary(files: Mapping[str, int], planted: Mapping[str, int]) -> None:
    table = Table(title="rows written", title_justify="left")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, rows in files.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    if planted:
        rules = Table(title="planted violations", title_justify="left")
        rules.add_column("rule")
        rules.add_column("count", justify="right")
        for rule, count in sorted(planted.items()):
            rules.add_row(rule, str(count))
        console.print(rules)


@app.command("users")
def users_command(
    ctx: typer.Context,
    agency: str | None = typer.Option(
        None, "--agency", help="The agency they work in (default: the store's first agency)."
    ),
) -> None:
    """Create the demo users in the store (one per role, named demo.ROLE, marked as demo) and
    print how to sign in as them. Only for a store holding the synthetic demo agency."""
    from caseledger.cli.common import store_errors
    from caseledger.security.demo_users import ensure_demo_users
    from caseledger.store import Store

    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store, store.unit_of_work() as uow:
        agency_id = agency
        if agency_id is None:
            agencies = sorted(str(a["agency_id"]) for a in uow.repo("agency").all())
            if not agencies:
                raise fail("the store holds no agency yet", hint="import the demo agency first")
            agency_id = agencies[0]
        try:
            found = ensure_demo_users(uow, agency_id)
        except ValueError as error:
            raise fail(str(error)) from None
    table = Table("user", "role", title="Demo users")
    table.add_column("authenticator secret", overflow="fold", min_width=32)
    for u in found:
        table.add_row(u.username, u.role, u.totp_secret)
    console.print(table)
    console.print(f'Password of every demo user: "{found[0].password}"')
    made = sum(u.created for u in found)
    console.print(
        f"{made} created, {len(found) - made} already there. Demo accounts only: each signs in "
        "with the password and a code from an authenticator app holding its secret."
    )

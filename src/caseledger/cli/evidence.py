"""``caseledger evidence``: one zip an auditor can check, for a client, a claim or an encounter.

``caseledger evidence --client ID --from DATE --to DATE --out FILE.zip`` builds a package;
``caseledger evidence verify FILE.zip`` recomputes every hash in it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.markup import escape

from caseledger.cli.common import acting, console, fail, parse_date, state, store_errors

#: exit status of ``verify`` when a file differs, is missing or is extra
EXIT_DIFFERS = 1

app = typer.Typer(
    help=(
        "Evidence packages for auditors: the notes with their amendments, encounters, plans, "
        "authorizations, staff credentials on each date of service, findings and policy "
        "versions of one client (or claim, or encounter) over a period, in one zip with a "
        "manifest of SHA-256 hashes.\n\n"
        "Build: caseledger evidence --client C-1 --from 2025-01-01 --to 2025-03-31 --out c1.zip\n\n"
        "Check: caseledger evidence verify c1.zip"
    ),
    invoke_without_command=True,
    no_args_is_help=False,
)


def register(root: typer.Typer) -> None:
    """Adds ``caseledger evidence`` (and ``evidence verify``) to the root command."""
    root.add_typer(app, name="evidence")


@app.callback()
def evidence_command(
    ctx: typer.Context,
    client: str | None = typer.Option(
        None, "--client", metavar="ID", help="The client the package is for (required to build)."
    ),
    claim: str | None = typer.Option(
        None, "--claim", metavar="CLAIM_ID", help="Only the encounters on this claim's lines."
    ),
    encounter: str | None = typer.Option(
        None, "--encounter", metavar="ID", help="Only this encounter."
    ),
    start: str | None = typer.Option(
        None, "--from", metavar="DATE", help="First date of service (YYYY-MM-DD)."
    ),
    end: str | None = typer.Option(
        None, "--to", metavar="DATE", help="Last date of service (YYYY-MM-DD)."
    ),
    out: Path | None = typer.Option(None, "--out", metavar="FILE.zip", help="Where to write it."),
    as_of: str | None = typer.Option(
        None, "--as-of", metavar="DATE", help="The audit's today (deadlines); default: today."
    ),
    actor: str | None = typer.Option(
        None, "--as", metavar="USER", help="Who builds it (their role must allow exporting)."
    ),
) -> None:
    """Build an evidence package (or, with ``verify FILE.zip``, check one)."""
    if ctx.invoked_subcommand is not None:
        return
    if client is None or start is None or end is None or out is None:
        raise fail(
            "building a package needs --client, --from, --to and --out",
            hint="caseledger evidence --client C-1 --from 2025-01-01 --to 2025-03-31 --out c1.zip",
        )
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    assert first is not None and last is not None
    if first > last:
        raise fail(f"--from {first} is after --to {last}")
    day = parse_date(as_of, "--as-of") or dt.date.today()
    _build(ctx, client, claim, encounter, (first, last), out, day, actor)


def _build(
    ctx: typer.Context,
    client: str,
    claim: str | None,
    encounter: str | None,
    period: tuple[dt.date, dt.date],
    out: Path,
    as_of: dt.date,
    actor: str | None,
) -> None:
    from caseledger.documents.evidence import EvidenceError, Scope, export_package
    from caseledger.policy import load_policy
    from caseledger.store import Store

    url = state(ctx).db_url
    _check_role(url, actor, client)
    scope = Scope(client, period[0], period[1], claim_id=claim, encounter_id=encounter)
    try:
        with (
            store_errors(url),
            Store.open(url) as store,
            console.status("Reading the records and auditing…"),
        ):
            report = export_package(store, load_policy(), scope, out, as_of=as_of, actor=actor)
    except EvidenceError as error:
        raise fail(escape(str(error))) from None
    console.print(
        f"Wrote {escape(str(report.path))}: {report.encounters} encounters, "
        f"{report.findings} findings, {report.files} files.",
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"SHA-256 of the zip: {report.sha256}", highlight=False, soft_wrap=True)


def _check_role(url: str, actor: str | None, client: str) -> None:
    """An account named with ``--as`` must be allowed to export the client's records, their
    encounters and the findings (an operator without ``--as`` is not limited by a role)."""
    if actor is None:
        return
    from caseledger.security.records import Records

    with acting(url, actor) as (uow, who):
        if who is not None:
            records = Records(uow, who)
            for record_type in ("client", "encounter", "finding"):
                records.check_client("export", record_type, client)


@app.command("verify")
def verify_command(
    package: Path = typer.Argument(..., metavar="FILE.zip", help="The package to check."),
) -> None:
    """Recompute the hash of every file in a package and compare it with the manifest.

    Exit status: 0 when every file matches (one line, OK), 1 naming the first file that differs,
    is missing or is not listed (or when the file is not a zip), 2 when there is no such file."""
    from caseledger.documents.evidence import verify_package

    if not package.is_file():
        raise fail(f"no file at {escape(str(package))}")
    verdict = verify_package(package)
    if not verdict.ok:
        raise fail(escape(verdict.message), code=EXIT_DIFFERS)
    console.print(f"{escape(str(package))}: {verdict.message}", highlight=False, soft_wrap=True)

"""The ``caseledger`` command: thin wrappers that parse, call the library and print."""

from __future__ import annotations

import typer

from caseledger import __version__
from caseledger.cli import (
    access_log,
    assist,
    audit,
    check,
    claims,
    codes,
    dataset,
    demo,
    documents,
    evidence,
    fhir,
    notes,
    policy,
    redact,
    retention,
    serve,
    suppress,
    users,
)
from caseledger.cli.common import State

app = typer.Typer(
    name="caseledger",
    help=(
        "Records every service an agency delivers, checks it against the program's rules before "
        "it is billed, and bills what is clean."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"caseledger {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        metavar="URL",
        help="Store to use: a SQLAlchemy URL (sqlite:///file.db, postgresql://…) or a SQLite "
        "file path. Default: $CASELEDGER_DB, else ./caseledger.db.",
    ),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    ctx.obj = State(db_option=db)


app.add_typer(policy.app, name="policy")
app.add_typer(demo.app, name="demo")
dataset.register(app)
app.command("audit")(audit.audit_command)
suppress.register(app)
app.command("check")(check.check_command)
app.add_typer(access_log.app, name="access-log")
app.add_typer(users.app, name="user")
app.add_typer(notes.app, name="note")
retention.register(app)
app.command("serve")(serve.serve_command)
app.add_typer(claims.app, name="claims")
app.add_typer(claims.remit_app, name="remit")
app.add_typer(codes.icd10_app, name="icd10")
codes.code_app.command("search")(assist.code_search)
app.add_typer(codes.code_app, name="code")
app.command("ask")(assist.ask_command)
app.command("redact")(redact.redact_command)
app.add_typer(documents.report_app, name="report")
app.add_typer(documents.plan_app, name="plan")
evidence.register(app)
app.add_typer(fhir.app, name="fhir")


def main() -> None:
    app()

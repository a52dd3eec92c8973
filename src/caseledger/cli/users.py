"""``caseledger user``: accounts. There are no default accounts: the first one made here must be
an administrator."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape
from rich.table import Table

from caseledger.cli.common import console, fail, state, store_errors
from caseledger.security.accounts import AccountError, Accounts
from caseledger.store import Store
from caseledger.store.tables import ROLES

app = typer.Typer(
    help="Accounts: add, list, disable, enable, emergency access.", no_args_is_help=True
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    prompt = "Password (a long passphrase is best)"
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@app.command("add")
def add_command(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="Letters, digits, dots, hyphens, underscores."),
    name: str = typer.Option(..., "--name", help="The person's name, as shown."),
    agency: str = typer.Option(..., "--agency", help="The agency id they work in."),
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    staff: str | None = typer.Option(
        None, "--staff", metavar="STAFF_ID", help="The staff member they are (signs their notes)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who adds it."),
) -> None:
    """Add an account. Prints its authenticator secret and recovery codes, once: the person
    enrolls the authenticator at first sign-in."""
    url = state(ctx).db_url
    password = _password(password_stdin)
    with store_errors(url), Store.open(url) as store:
        try:
            with store.unit_of_work(actor=actor) as uow:
                accounts = Accounts(uow)
                if not accounts.list() and role != "administrator":
                    raise AccountError("the first account must be an administrator")
                account, enrollment = accounts.add(
                    username, name, agency, role, password, staff_id=staff
                )
        except AccountError as error:
            raise fail(escape(str(error))) from None
    console.print(f"Added {account.username} ({account.role}, agency {account.agency_id}).")
    console.print("Authenticator secret (enter it, or open the link, in an authenticator app):")
    console.print(f"  {enrollment.secret}\n  {escape(enrollment.uri)}", soft_wrap=True)
    console.print("Recovery codes, each good once; give them to the person to keep offline:")
    for code in enrollment.recovery_codes:
        console.print(f"  {code}")


@app.command("list")
def list_command(
    ctx: typer.Context,
    agency: str | None = typer.Option(None, "--agency", help="Only this agency's accounts."),
) -> None:
    """The accounts, with role, agency and state."""
    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store, store.unit_of_work() as uow:
        found = Accounts(uow).list(agency)
    table = Table("user", "name", "agency", "role", "authenticator", "state")
    for a in found:
        state_text = "disabled" if a.disabled else ("demo" if a.demo else "active")
        table.add_row(
            escape(a.username),
            escape(a.display_name),
            escape(a.agency_id),
            a.role,
            "enrolled" if a.mfa_enrolled else "not yet",
            state_text,
        )
    console.print(table)


def _set_disabled(ctx: typer.Context, username: str, actor: str | None, *, off: bool) -> None:
    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store, store.unit_of_work(actor=actor) as uow:
        accounts = Accounts(uow)
        account = accounts.by_username(username)
        if account is None:
            raise fail(f"no user named {escape(username)}")
        if off:
            ended = accounts.disable(account.user_id)
            console.print(f"Disabled {account.username}; {ended} session(s) ended.")
        else:
            accounts.enable(account.user_id)
            console.print(f"Enabled {account.username}.")


@app.command("disable")
def disable_command(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who disables it."),
) -> None:
    """Turn an account off; its sessions end at once."""
    _set_disabled(ctx, username, actor, off=True)


@app.command("enable")
def enable_command(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who enables it."),
) -> None:
    """Turn a disabled (or locked) account back on."""
    _set_disabled(ctx, username, actor, off=False)


@app.command("emergency")
def emergency_command(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="An account with the emergency role."),
    minutes: int = typer.Option(60, "--minutes", min=5, max=24 * 60, help="How long it is on."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the operational log)."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who turns it on."),
) -> None:
    """Turn on an emergency-access account for a while. It can read clinical records, every
    action it takes is in the access log and raises an alert."""
    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store:
        try:
            with store.unit_of_work(actor=actor) as uow:
                accounts = Accounts(uow)
                account = accounts.by_username(username)
                if account is None:
                    raise AccountError(f"no user named {username}")
                until = accounts.turn_on_emergency(account.user_id, minutes, reason)
        except AccountError as error:
            raise fail(escape(str(error))) from None
    console.print(f"{account.username} is on until {until:%Y-%m-%d %H:%M} UTC.")

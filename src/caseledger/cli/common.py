"""What every command shares: the chosen store, and how errors reach the user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from caseledger.config import database_url

if TYPE_CHECKING:
    from caseledger.security.accounts import Principal
    from caseledger.store.unit_of_work import UnitOfWork

console = Console()
err_console = Console(stderr=True)

#: Exit status for invalid input or usage, as the dataset contract specifies.
EXIT_INVALID = 2


@dataclass
class State:
    db_option: str | None = None

    @property
    def db_url(self) -> str:
        return database_url(self.db_option)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def fail(message: str, *, hint: str | None = None, code: int = EXIT_INVALID) -> typer.Exit:
    """Print an error (and what to do next) and return the exit to raise."""
    # soft_wrap: an error stays one line however narrow the terminal, so it can be grepped.
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    if hint:
        err_console.print(f"  {hint}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def refusals() -> Iterator[None]:
    """A permission refusal (see ``caseledger.security``) as one line and exit status 2; another
    agency's record reads as one that does not exist."""
    from caseledger.security.permissions import Denied, NotFound

    try:
        yield
    except (Denied, NotFound) as error:
        raise fail(escape(str(error))) from None


def parse_date(value: str | None, option: str) -> dt.date | None:
    """``--from 2025-01-31`` as a date (None when the option was not given)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} expects a date YYYY-MM-DD, got {value!r}") from None


@contextmanager
def acting(url: str, actor: str | None) -> Iterator[tuple[UnitOfWork, Principal | None]]:
    """One unit of work on the store at ``url``, and the account ``--as`` names (None for the
    operator): store failures and permission refusals become one-line errors."""
    from caseledger.cli.dataset import store_errors
    from caseledger.security.operator import acting_as
    from caseledger.store import Store

    with (
        store_errors(url),
        refusals(),
        Store.open(url) as store,
        store.unit_of_work(actor=actor) as uow,
    ):
        yield uow, acting_as(uow, actor)

"""What every command shares: the chosen store, and how errors reach the user."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
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
def store_errors(url: str) -> Iterator[None]:
    """Turns store failures into one line and exit status 2. Database messages can quote row
    values (PHI), so only the kind of error is shown."""
    from sqlalchemy import exc

    from caseledger.config import redacted
    from caseledger.store.errors import StoreError

    try:
        yield
    except StoreError as error:
        hint = escape(error.hint) if error.hint else None
        raise fail(escape(str(error)), hint=hint) from None
    except exc.DBAPIError as error:
        kind = type(error.orig).__name__ if error.orig is not None else type(error).__name__
        raise fail(
            f"the database {redacted(url)} reported an error ({kind}); the transaction was "
            "rolled back"
        ) from None
    except exc.SQLAlchemyError as error:
        raise fail(f"the store {redacted(url)} cannot be used ({type(error).__name__})") from None


@contextmanager
def refusals_of(kind: type[Exception]) -> Iterator[None]:
    """``kind`` of error as a one-line message and a failing exit."""
    try:
        yield
    except kind as error:
        raise fail(escape(str(error))) from None


def write_atomically(path: Path, data: str | bytes) -> None:
    """Writes ``path`` whole or not at all (a temporary file beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode() if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def acting(url: str, actor: str | None) -> Iterator[tuple[UnitOfWork, Principal | None]]:
    """One unit of work on the store at ``url``, and the account ``--as`` names (None for the
    operator): store failures and permission refusals become one-line errors."""
    from caseledger.security.operator import acting_as
    from caseledger.store import Store

    with (
        store_errors(url),
        refusals(),
        Store.open(url) as store,
        store.unit_of_work(actor=actor) as uow,
    ):
        yield uow, acting_as(uow, actor)

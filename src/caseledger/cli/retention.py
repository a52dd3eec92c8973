"""``caseledger hold``, ``holds`` and ``purge``: legal holds and removing what is past its
retention period. With ``--as`` naming an account, the command acts as that person: their role
must allow it, and a purge reaches their agency's clients only."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import typer
from rich.markup import escape
from rich.table import Table

from caseledger.cli.common import acting, console, fail, parse_date, state, store_errors
from caseledger.policy import load_policy
from caseledger.security.records import Records
from caseledger.store import Store, StoreError
from caseledger.store.retention import (
    hold_client,
    holds,
    place_hold,
    plan_purge,
    purge,
    release_hold,
)

hold_app = typer.Typer(help="Legal holds: a held client's records are never purged.",
                       no_args_is_help=True)  # fmt: skip


@hold_app.command("add")
def hold_add(
    ctx: typer.Context,
    client_id: str = typer.Argument(..., help="The client whose records are held."),
    reason: str = typer.Option(..., "--reason", help="Why (litigation, an audit...)."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who places it."),
) -> None:
    """Place a legal hold on a client: none of their records is purged until it is released."""
    url = state(ctx).db_url
    with acting(url, actor) as (uow, who):
        if who is not None:
            Records(uow, who).check_client("hold", "retention", client_id)
        number = place_hold(uow, client_id, reason)
    console.print(f"Legal hold {number} placed on client {escape(client_id)}.")


@hold_app.command("release")
def hold_release(
    ctx: typer.Context,
    number: int = typer.Argument(..., help="The hold's number (see caseledger holds)."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who releases it."),
) -> None:
    """Release a legal hold (it stays on record, marked released)."""
    url = state(ctx).db_url
    with acting(url, actor) as (uow, who):
        if who is not None:
            Records(uow, who).check_client("hold", "retention", hold_client(uow, number) or "")
        release_hold(uow, number)
    console.print(f"Legal hold {number} released.")


def holds_command(ctx: typer.Context) -> None:
    """The legal holds in force."""
    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as store, store.unit_of_work() as uow:
        found = holds(uow)
    table = Table("number", "client", "reason", "placed by", "placed (UTC)")
    for h in found:
        table.add_row(str(h.number), escape(h.client_id), escape(h.reason), escape(h.placed_by),
                      f"{h.placed_at:%Y-%m-%d %H:%M}")  # fmt: skip
    console.print(table)


def purge_command(
    ctx: typer.Context,
    before: str = typer.Option(
        ..., "--before", metavar="DATE", help="Only encounters dated before this day."
    ),
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE", help="Today."),
    apply: bool = typer.Option(False, "--apply", help="Remove them (without it: only show)."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who purges (logged)."),
) -> None:
    """Remove encounters (and their note amendments) past their keep-until date and not under a
    legal hold. Without --apply it only shows what it would remove."""
    cutoff = parse_date(before, "--before")
    today = parse_date(as_of, "--as-of") or dt.date.today()
    assert cutoff is not None
    url = state(ctx).db_url
    with acting(url, actor) as (uow, who):
        if who is not None:
            Records(uow, who).check_own("purge", "retention")
        try:
            plan = plan_purge(
                uow,
                load_policy(),
                before=cutoff,
                as_of=today,
                agency_id=who.agency_id if who else None,
            )
        except StoreError as error:
            raise fail(escape(str(error))) from None
        removable = plan.removable
        by_year = Counter(c.date.year for c in removable)
        table = Table("year of service", "encounters to remove")
        for year, count in sorted(by_year.items()):
            table.add_row(str(year), f"{count:,}")
        if removable:
            console.print(table)
        console.print(
            f"{len(removable):,} encounter(s) would be removed; "
            f"{plan.kept_for_retention:,} kept for retention, "
            f"{plan.kept_for_holds:,} kept for legal holds."
        )
        if not apply:
            uow.discard()
            console.print("Nothing was removed: add --apply to remove them.")
            return
        removed = purge(uow, plan)
    console.print(f"Removed {removed:,} encounter(s); the access log records it per client.")


def register(app: typer.Typer) -> None:
    app.add_typer(hold_app, name="hold")
    app.command("holds")(holds_command)
    app.command("purge")(purge_command)

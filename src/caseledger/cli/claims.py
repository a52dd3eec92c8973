"""``caseledger claims``: clean lines out as 837P files (or the SST invoice), held lines listed.

With ``--as`` naming an account, the command acts as that person: their role must allow
creating and exporting claims (billing does; clinical roles do not).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from caseledger.cli.common import (
    acting,
    console,
    fail,
    parse_date,
    refusals_of,
    state,
    store_errors,
    write_atomically,
)

if TYPE_CHECKING:
    from caseledger.claims.lines import HeldLine
    from caseledger.claims.profile import PayerProfile

app = typer.Typer(
    help="Claims: build 837P files of clean lines, and the SST invoice.", no_args_is_help=True
)


def _profile(payer: str) -> PayerProfile:
    """The payer profile ``--payer`` names (a shipped one, or a file)."""
    from caseledger.claims.profile import ProfileError, load_profile

    try:
        return load_profile(payer)
    except ProfileError as error:
        raise fail(escape(str(error))) from None


def _check_role(url: str, actor: str | None) -> None:
    if actor is None:
        return
    from caseledger.security.records import Records

    with acting(url, actor) as (uow, who):
        if who is not None:
            records = Records(uow, who)
            records.check_own("create", "claim")
            records.check_own("export", "claim")


def _held_table(held: Sequence[HeldLine], limit: int) -> Table:
    table = Table(title=f"Held lines ({len(held)})", show_lines=False)
    for column in ("encounter", "date", "code", "charge", "why"):
        table.add_column(column)
    for h in held[:limit]:
        why = "; ".join((f"{r.rule}: " if r.rule else "") + r.message for r in h.reasons)
        table.add_row(
            escape(h.line.encounter_id),
            h.line.date.isoformat(),
            escape(h.line.service_code),
            f"{h.line.charge:.2f}",
            escape(why),
        )
    return table


@app.command("build")
def build_command(
    ctx: typer.Context,
    start: str | None = typer.Option(None, "--from", help="First date of service (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--to", help="Last date of service (YYYY-MM-DD)."),
    payer: str = typer.Option(
        "mo_healthnet",
        "--payer",
        metavar="PROFILE",
        help="A shipped payer profile (mo_healthnet, dmh_pos) or the path of a profile file.",
    ),
    out: Path | None = typer.Option(None, "--out", help="Where to write the 837 file."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="The audit's today (deadlines); default: today."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what would be billed; write nothing."
    ),
    show: int = typer.Option(20, "--show", help="How many held lines to list."),
    agency: str | None = typer.Option(
        None,
        "--agency",
        metavar="ID",
        help="The agency to bill for (needed when the store holds several).",
    ),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who builds it."),
) -> None:
    """Build an 837P of the clean lines not billed yet; list the held lines and why.

    Every line is audited first (with the store's suppressions). A line with an error finding
    is held; the rest go on claims, one client and month per claim. The file's control
    number is never used again.
    """
    from caseledger.claims.billing import ClaimsError, build
    from caseledger.policy import load_policy
    from caseledger.store import Store

    if out is None and not dry_run:
        raise fail("say where to write the file with --out", hint="--out var/claims.837")
    profile = _profile(payer)
    url = state(ctx).db_url
    _check_role(url, actor)
    day = parse_date(as_of, "--as-of") or dt.date.today()
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    try:
        with store_errors(url), Store.open(url) as store:
            with console.status("Auditing and sorting the lines…"):
                result = build(
                    store,
                    load_policy(),
                    profile,
                    as_of=day,
                    start=first,
                    end=last,
                    actor=actor,
                    agency_id=agency,
                    dry_run=dry_run,
                )
            if result.text is not None and out is not None:
                write_atomically(out, result.text)
    except ClaimsError as error:
        raise fail(escape(str(error))) from None
    if result.held:
        console.print(_held_table(result.held, show))
        counts = Counter(r.rule or "claim data" for h in result.held for r in h.reasons)
        console.print("Held for: " + ", ".join(f"{escape(k)} {v}" for k, v in counts.most_common()))
    verb = "Would bill" if dry_run else "Billed"
    console.print(
        f"{verb} {result.lines} lines on {len(result.claims)} claims, "
        f"${result.total:,.2f}, to {escape(profile.name)}; held {len(result.held)} lines; "
        f"{result.already_billed} already billed; {result.other_payers} for other payers."
    )
    if result.text is not None and out is not None:
        console.print(f"Interchange {result.control_number} written to {escape(str(out))}.")
    elif not dry_run:
        console.print("Nothing new to bill: no file written.")


def _resubmit(
    ctx: typer.Context,
    claim_id: str,
    frequency: str,
    out: Path,
    payer: str,
    as_of: str | None,
    actor: str | None,
) -> None:
    from caseledger.claims.billing import ClaimsError, resubmit
    from caseledger.policy import load_policy
    from caseledger.store import Store

    profile = _profile(payer)
    url = state(ctx).db_url
    _check_role(url, actor)
    day = parse_date(as_of, "--as-of") or dt.date.today()
    try:
        with store_errors(url), Store.open(url) as store:
            result = resubmit(
                store,
                load_policy(),
                profile,
                claim_id,
                frequency=frequency,
                as_of=day,
                actor=actor,
            )
            assert result.text is not None
            write_atomically(out, result.text)
    except ClaimsError as error:
        raise fail(escape(str(error))) from None
    kind = "Replacement" if frequency == "7" else "Void"
    new = result.claims[0]
    console.print(
        f"{kind} of claim {escape(claim_id)} written as claim {escape(new.claim_id)} "
        f"({len(new.lines)} lines, ${new.total:,.2f}) in interchange {result.control_number}, "
        f"to {escape(str(out))}."
    )


@app.command("replace")
def replace_command(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="The claim to replace (CLM01, e.g. C12-000003)."),
    out: Path = typer.Option(..., "--out", help="Where to write the 837 file."),
    payer: str = typer.Option("mo_healthnet", "--payer", metavar="PROFILE"),
    as_of: str | None = typer.Option(None, "--as-of", help="The audit's today; default: today."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who sends it."),
) -> None:
    """Send a replacement (frequency 7) of a claim the payer answered, with its lines as they
    stand now; each must be clean."""
    _resubmit(ctx, claim_id, "7", out, payer, as_of, actor)


@app.command("void")
def void_command(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="The claim to void (CLM01)."),
    out: Path = typer.Option(..., "--out", help="Where to write the 837 file."),
    payer: str = typer.Option("mo_healthnet", "--payer", metavar="PROFILE"),
    as_of: str | None = typer.Option(None, "--as-of", help="The audit's today; default: today."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who sends it."),
) -> None:
    """Void (frequency 8) a claim the payer answered."""
    _resubmit(ctx, claim_id, "8", out, payer, as_of, actor)


@app.command("list")
def list_command(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", help="How many claims, newest first."),
) -> None:
    """The claims sent, newest first: lines, charge, payer claim number, what was paid."""
    import sqlalchemy as sa

    from caseledger.store import Store
    from caseledger.store.tables import claim_files, claims, remittance_lines

    url = state(ctx).db_url
    paid = (
        sa.select(remittance_lines.c.claim_id, sa.func.sum(remittance_lines.c.paid).label("paid"))
        .where(remittance_lines.c.procedure.is_not(None))
        .group_by(remittance_lines.c.claim_id)
        .subquery()
    )
    q = (
        sa.select(claims, claim_files.c.control_number, paid.c.paid)
        .join(claim_files, claim_files.c.id == claims.c.file_id)
        .outerjoin(paid, paid.c.claim_id == claims.c.claim_id)
        .order_by(claim_files.c.control_number.desc(), claims.c.claim_id)
        .limit(limit)
    )
    with store_errors(url), Store.open(url) as store, store.unit_of_work() as uow:
        rows = uow.connection.execute(q).all()
    table = Table(title=f"Claims ({len(rows)} shown)")
    for column in ("claim", "file", "frequency", "replaces", "charge", "payer number", "paid"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            escape(r.claim_id),
            str(r.control_number),
            r.frequency,
            escape(r.replaces or ""),
            f"{r.total:.2f}",
            escape(r.payer_claim_number or "not answered"),
            "" if r.paid is None else f"{r.paid:.2f}",
        )
    console.print(table)


@app.command("invoice")
def invoice_command(
    ctx: typer.Context,
    start: str | None = typer.Option(None, "--from", help="First date of service (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--to", help="Last date of service (YYYY-MM-DD)."),
    out: Path = typer.Option(
        ..., "--out", help="The file to write: .csv, or .pdf for the printable invoice."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="The audit's today; default: today."),
    agency: str | None = typer.Option(
        None,
        "--agency",
        metavar="ID",
        help="The agency to bill for (needed when the store holds several).",
    ),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who builds it."),
) -> None:
    """Write the SST invoice (services billed to DHSS) of the clean lines, as CSV or PDF."""
    from caseledger.claims.billing import ClaimsError, sorted_lines
    from caseledger.claims.invoice import invoice, to_csv, to_pdf
    from caseledger.policy import load_policy
    from caseledger.store import Store
    from caseledger.store.access_log import AccessEntry

    url = state(ctx).db_url
    _check_role(url, actor)
    day = parse_date(as_of, "--as-of") or dt.date.today()
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    with (
        store_errors(url),
        refusals_of(ClaimsError),
        Store.open(url) as store,
        store.unit_of_work(actor=actor) as uow,
    ):
        dataset, _result, billing = sorted_lines(
            uow, load_policy(), as_of=day, start=first, end=last, agency_id=agency
        )
        inv = invoice(
            billing.clean_for(["dhss"]),
            dataset,
            number=f"SST-{day:%Y%m%d}",
            created=day,
            start=first,
            end=last,
        )
        uow.access.record_many(
            AccessEntry("export", cid, "invoice", inv.number, "SST invoice")
            for cid in sorted({r["client_id"] for r in inv.rows})
        )
    write_atomically(out, to_pdf(inv) if out.suffix.lower() == ".pdf" else to_csv(inv))
    console.print(
        f"Invoice {inv.number}: {len(inv.rows)} lines, {inv.units} units, ${inv.total:,.2f}; "
        f"written to {escape(str(out))}."
    )


@app.command("simulate")
def simulate_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="An 837P file."),
    out: Path = typer.Option(..., "--out", help="Where to write the 835."),
    payer: str = typer.Option("mo_healthnet", "--payer", metavar="PROFILE"),
    paid_on: str | None = typer.Option(None, "--paid-on", help="Payment date; default: today."),
    as_of: str | None = typer.Option(None, "--as-of", help="The audit's today; default: today."),
    agency: str | None = typer.Option(
        None,
        "--agency",
        metavar="ID",
        help="The agency to bill for (needed when the store holds several).",
    ),
) -> None:
    """Play the payer: adjudicate an 837P with the same policy and write its 835 (for tests and
    the demo; the payer's edits are the rules' errors, suppressed or not, plus timely filing)."""
    from caseledger.claims.billing import ClaimsError, sorted_lines
    from caseledger.claims.simulator import payer_edits, simulate
    from caseledger.claims.x12 import X12Error
    from caseledger.policy import load_policy
    from caseledger.store import Store

    profile = _profile(payer)
    day = parse_date(paid_on, "--paid-on") or dt.date.today()
    url = state(ctx).db_url
    policy = load_policy()
    with (
        store_errors(url),
        refusals_of(ClaimsError),
        Store.open(url) as store,
        store.unit_of_work() as uow,
    ):
        dataset, result, _ = sorted_lines(
            uow,
            policy,
            as_of=parse_date(as_of, "--as-of") or day,
            start=None,
            end=None,
            agency_id=agency,
        )
    edits = payer_edits(dataset, result.findings, policy)
    try:
        text = simulate(
            file.read_bytes(),
            policy,
            profile,
            edits,
            paid_on=day,
            control_number=int(day.strftime("%y%j")) * 100 + 1,
        )
    except X12Error as error:
        raise fail(f"{escape(file.name)}: {escape(str(error))}") from None
    write_atomically(out, text)
    console.print(f"835 written to {escape(str(out))}.")


remit_app = typer.Typer(
    help="Remittances: load 835 files and report on them.", no_args_is_help=True
)


@remit_app.command("load")
def remit_load(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="An 835 file."),
    actor: str | None = typer.Option(None, "--as", metavar="USER", help="Who loads it."),
) -> None:
    """Load an 835: post every payment, adjustment and denial to the claim line it is for.
    A malformed file posts nothing; the same file loads once."""
    from caseledger.claims.posting import post
    from caseledger.claims.x12 import X12Error
    from caseledger.store import Store

    url = state(ctx).db_url
    if actor is not None:
        with acting(url, actor) as (uow, who):
            if who is not None:
                from caseledger.security.records import Records

                Records(uow, who).check_own("import", "claim")
    try:
        with store_errors(url), Store.open(url) as store:
            result = post(store, file.read_bytes(), actor=actor)
    except X12Error as error:
        raise fail(
            f"{escape(file.name)}: {escape(str(error))}", hint="nothing was posted"
        ) from None
    if result.duplicate:
        console.print(f"{escape(file.name)} was loaded before; nothing posted again.")
        return
    console.print(
        f"Posted {result.remittances} remittance(s): {result.claims} claims, {result.lines} "
        f"lines, ${result.paid:,.2f} paid."
    )
    if result.unknown_claims or result.unmatched_lines:
        console.print(
            f"[yellow]{len(result.unknown_claims)} claims and {result.unmatched_lines} lines "
            "match nothing we sent; they are posted unmatched.[/yellow]"
        )


@remit_app.command("report")
def remit_report(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="The audit's today; default: today."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    agency: str | None = typer.Option(
        None, "--agency", metavar="ID", help="The agency (needed when the store holds several)."
    ),
) -> None:
    """What was paid, adjusted and denied, and each denial traced to the rule that should have
    caught it (or reported as a missing rule)."""
    import json

    from caseledger.claims.billing import ClaimsError, traced_denials
    from caseledger.claims.reconcile import summary
    from caseledger.policy import load_policy
    from caseledger.store import Store

    url = state(ctx).db_url
    policy = load_policy()
    day = parse_date(as_of, "--as-of") or dt.date.today()
    with store_errors(url), Store.open(url) as store, store.unit_of_work() as uow:
        totals = summary(uow.connection)
        with refusals_of(ClaimsError):
            traces = traced_denials(uow, policy, as_of=day, agency_id=agency)
    if fmt == "json":
        console.print_json(json.dumps({"totals": totals, "denials": [t.to_dict() for t in traces]}))
        return
    table = Table(title="Remittances")
    for column in ("", "amount"):
        table.add_column(column)
    for key, value in totals.items():
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)
    if not traces:
        console.print("No denials.")
        return
    dt_table = Table(title=f"Denials traced to rules ({len(traces)})")
    for column in ("claim", "line", "encounter", "CARC", "amount", "verdict", "rules"):
        dt_table.add_column(column)
    for t in traces:
        dt_table.add_row(
            escape(t.claim_id),
            str(t.line_number or ""),
            escape(t.encounter_id or ""),
            f"{t.group}-{t.carc}",
            f"{t.amount:.2f}",
            t.verdict,
            ", ".join(t.rules),
        )
    console.print(dt_table)
    counts = Counter(t.verdict for t in traces)
    console.print(
        f"{counts['predicted']} predicted by a rule, {counts['missed']} missed by the rules that "
        f"name the code, {counts['no rule']} with no rule at all (missing rules)."
    )

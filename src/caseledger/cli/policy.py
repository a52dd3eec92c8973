"""``caseledger policy``: list, show, validate and diff policy packs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from caseledger.cli.common import EXIT_INVALID, fail
from caseledger.facts import schema as dataset_schema
from caseledger.policy import KnownNames, PackError, Policy, Registry, load_policy
from caseledger.policy.catalog import LoadedPack
from caseledger.policy.diff import Change, describe_value, diff_packs
from caseledger.policy.loader import read_pack_file
from caseledger.policy.registry import builtin_pack_files
from caseledger.policy.schema import Pack, Version
from caseledger.policy.walk import iter_timelines
from caseledger.policy.yamlread import format_path

app = typer.Typer(
    help=(
        "Policy packs: each program's rules as data (services, rates, limits, requirements, "
        "vocabulary and the rule catalog), every value with its citation and effective dates. "
        "Agency override packs are added with CASELEDGER_POLICY_PATH or --with."
    ),
    no_args_is_help=True,
)

WITH_HELP = "Also load this override pack file (repeatable), after CASELEDGER_POLICY_PATH."


def known_names() -> KnownNames:
    """The names of the dataset contract that packs may use."""
    return KnownNames.from_schema(dataset_schema)


def _report(exc: PackError) -> typer.Exit:
    for problem in exc.problems:
        typer.echo(str(problem), err=True)
    count = len(exc.problems)
    return fail(f"{count} problem{'s' if count != 1 else ''} in policy packs")


def _load(extra: Sequence[Path]) -> Policy:
    try:
        return load_policy(extra, known=known_names())
    except PackError as exc:
        raise _report(exc) from None


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--on: expected a date YYYY-MM-DD, got {text!r}") from None


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _in_force(versions: Iterable[Version], on: dt.date | None) -> list[Version]:
    return [v for v in versions if on is None or (v.from_ <= on and (v.to is None or on <= v.to))]


def _dates(v: Version) -> str:
    return v.from_.isoformat() + (f"..{v.to.isoformat()}" if v.to else "..")


def _cell(versions: Sequence[Version] | None, on: dt.date | None, dated: bool = True) -> Text:
    lines = [
        describe_value(v) + (f"  ({_dates(v)})" if dated and on is None else "")
        for v in _in_force(versions or (), on)
    ]
    return Text("\n".join(lines) or "—")


def _cites(versions: Sequence[Version] | None, on: dt.date | None) -> Text:
    return Text("\n".join(dict.fromkeys(v.cite for v in _in_force(versions or (), on))))


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=True, expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


# ------------------------------------------------------------------------------------- list


@app.command("list")
def list_packs(
    with_: list[Path] = typer.Option([], "--with", metavar="FILE", help=WITH_HELP),
) -> None:
    """List the loaded packs: id, program, version (with a content hash), how many dated values
    each holds, how many rules, and the files it was built from."""
    policy = _load(with_)
    table = _table(
        "Policy packs", "pack", "title", "program", "version", "values", "rules", "files"
    )
    for lp in policy.packs.values():
        table.add_row(
            Text(lp.id),
            Text(lp.pack.title or ""),
            Text(lp.pack.program or "(all)"),
            Text(policy.versions()[lp.id]),
            Text(str(lp.value_count)),
            Text(str(len(lp.pack.rules))),
            Text("\n".join(pf.display for pf in lp.files)),
        )
    _console().print(table)


# ------------------------------------------------------------------------------------- show


def _show_services(console: Console, lp: LoadedPack, on: dt.date | None) -> None:
    table = _table(
        "Services",
        "key",
        "code",
        "name",
        "unit (min)",
        "rounding",
        "rate",
        "pay rate",
        "funding",
        "prior auth",
        "group limit",
        "daily max",
        "in force",
    )
    for key, s in lp.pack.services.items():
        assert s.from_ is not None
        if on is not None and (on < s.from_ or (s.to is not None and on > s.to)):
            continue
        code = (s.code or key) + (" " + "+".join(s.modifiers) if s.modifiers else "")
        replaced = _cell(s.replaced_by, None)
        span = s.from_.isoformat() + (f"..{s.to.isoformat()}" if s.to else "..")
        if s.replaced_by:
            span += f"\nthen: {replaced.plain}"
        table.add_row(
            Text(key),
            Text(code),
            Text(s.name or ""),
            _cell(s.unit, on),
            _cell(s.rounding, on) if s.rounding else Text("(default)"),
            _cell(s.rates, on),
            _cell(s.pay_rates, on),
            _cell(s.funding, on),
            _cell(s.prior_auth, on),
            _cell(s.group_limit, on),
            _cell(s.daily_max, on),
            Text(span),
        )
    if table.row_count:
        console.print(table)
    shown = {
        key: s
        for key, s in lp.pack.services.items()
        if on is None or (s.from_ and s.from_ <= on and (s.to is None or on <= s.to))
    }
    _show_timelines(console, "Service terms and their sources", shown, ("services",), on)


def _show_timelines(
    console: Console, title: str, node: object, root: tuple[str, ...], on: dt.date | None
) -> None:
    found = list(iter_timelines(node, root))
    if not found:
        return
    table = _table(title, "key", "value", "source", "note")
    for path, versions in found:
        shown = _in_force(versions, on)
        if not shown:
            continue
        notes = "\n".join(v.note for v in shown if v.note)
        table.add_row(
            Text(format_path(path)), _cell(versions, on), _cites(versions, on), Text(notes)
        )
    if table.row_count:
        console.print(table)


def _show_rules(console: Console, lp: LoadedPack, on: dt.date | None) -> None:
    table = _table(
        "Rules", "id", "severity", "subject", "CARC", "description", "reads", "in force", "source"
    )
    for rule_id, rule in lp.pack.rules.items():
        assert rule.from_ is not None
        if on is not None and (on < rule.from_ or (rule.to is not None and on > rule.to)):
            continue
        span = rule.from_.isoformat() + (f"..{rule.to.isoformat()}" if rule.to else "..")
        table.add_row(
            Text(rule_id),
            Text(rule.severity or ""),
            Text(rule.subject or ""),
            Text(rule.carc or "—"),
            Text(rule.description or ""),
            Text("\n".join(rule.reads)),
            Text(span),
            Text(rule.cite or ""),
        )
    if table.row_count:
        console.print(table)


@app.command("show")
def show(
    pack: str = typer.Argument(
        ..., metavar="PROGRAM", help="Pack id or program: sst, cpr, sud, aba, mo_healthnet."
    ),
    on: str | None = typer.Option(
        None, "--on", metavar="DATE", help="Show only what is in force on this date (YYYY-MM-DD)."
    ),
    with_: list[Path] = typer.Option([], "--with", metavar="FILE", help=WITH_HELP),
) -> None:
    """Show one pack: services with units and rates, parameters, agency, staff and training
    requirements, documents, activity vocabulary and rules, each value with its citation and
    the dates it is in force (all dated versions unless --on picks one date)."""
    day = _date(on)
    policy = _load(with_)
    try:
        pack_id = policy.pack_of(pack)
    except LookupError:
        raise fail(
            f"unknown pack or program {pack!r}", hint=f"loaded packs: {', '.join(policy.packs)}"
        ) from None
    lp = policy.packs[pack_id]
    console = _console()
    header = f"{lp.pack.title}  [pack {lp.id}, version {policy.versions()[lp.id]}]"
    console.print(Text(header, style="bold"))
    console.print(Text("files: " + ", ".join(pf.display for pf in lp.files)))
    if lp.pack.authority:
        console.print(Text("authority: " + lp.pack.authority))
    if day is not None:
        console.print(Text(f"in force on {day.isoformat()}"))
    for note in lp.pack.notes:
        console.print(Text(f"note: {note.text} ({note.cite})"))
    console.print()
    if lp.pack.services:
        _show_services(console, lp, day)
    _show_timelines(console, "Parameters", lp.pack.params, ("params",), day)
    _show_timelines(console, "Agency requirements", lp.pack.agency, ("agency",), day)
    _show_timelines(console, "Staff requirements", lp.pack.staff, ("staff",), day)
    _show_timelines(console, "Trainings", lp.pack.trainings, ("trainings",), day)
    _show_timelines(console, "Documents", lp.pack.documents, ("documents",), day)
    _show_timelines(console, "Activity vocabulary", lp.pack.activities, ("activities",), day)
    _show_timelines(console, "CARC codes", lp.pack.carc, ("carc",), day)
    _show_timelines(console, "Modifiers", lp.pack.modifiers, ("modifiers",), day)
    if lp.pack.rules:
        _show_rules(console, lp, day)


# --------------------------------------------------------------------------------- validate


def _policy_with(path: Path) -> tuple[Policy, str]:
    """The built-in packs with ``path`` registered through the same function; a full pack
    replaces the built-in pack of the same id. Returns the policy and the id ``path`` affects."""
    target = read_pack_file(path)
    registry = Registry(known_names())
    if target.pack.extends is None:
        registry.register(path)
    for builtin in builtin_pack_files():
        if target.pack.extends is None and read_pack_file(builtin).pack.pack == target.pack.pack:
            continue
        registry.register(builtin)
    if target.pack.extends is not None:
        registry.register(path)
    return registry.build(), target.pack.extends or target.pack.pack


@app.command("validate")
def validate(
    file: Path = typer.Argument(..., metavar="FILE", help="The pack file to check."),
) -> None:
    """Check a pack file (an agency override, or a new version of a built-in pack) together
    with the built-in packs. Exit 0 with a summary when it is valid; exit 2 listing every
    problem as file:line: key: message."""
    try:
        policy, pack_id = _policy_with(file)
    except PackError as exc:
        raise _report(exc) from None
    pf = read_pack_file(file)
    pack = pf.pack
    values = sum(len(v) for _, v in iter_timelines(pack))
    kind = f"extends {pack.extends}" if pack.extends else "full pack"
    typer.echo(
        f"ok: {file}: pack {pack.pack} version {pack.version} ({kind}): "
        f"{len(pack.services)} services, {len(pack.params)} parameters, "
        f"{len(pack.rules)} rules, {values} dated values"
    )
    typer.echo(f"{pack_id} is now {policy.versions()[pack_id]}")


# ------------------------------------------------------------------------------------- diff


def _resolve(arg: str, extra: Sequence[Path]) -> tuple[str, Pack]:
    path = Path(arg)
    if path.suffix in (".yaml", ".yml") or path.exists():
        policy, pack_id = _policy_with(path)
        return f"{arg} ({pack_id} with this file)", policy.packs[pack_id].pack
    policy = load_policy(extra, known=known_names())
    try:
        pack_id = policy.pack_of(arg)
    except LookupError:
        raise fail(
            f"{arg!r} is neither a pack file nor a loaded pack",
            hint=f"loaded packs: {', '.join(policy.packs)}",
        ) from None
    return f"{pack_id} (loaded)", policy.packs[pack_id].pack


def _print_change(console: Console, change: Change) -> None:
    mark, style = {"added": ("+", "green"), "removed": ("-", "red"), "changed": ("~", "yellow")}[
        change.kind
    ]
    console.print(Text(f"{mark} {change.path}", style=f"bold {style}"))
    for line in change.before:
        console.print(Text(f"    - {line}", style="red"))
    for line in change.after:
        console.print(Text(f"    + {line}", style="green"))


@app.command("diff")
def diff(
    a: str = typer.Argument(..., metavar="A", help="A loaded pack id, or a pack file."),
    b: str = typer.Argument(..., metavar="B", help="A loaded pack id, or a pack file."),
    with_: list[Path] = typer.Option([], "--with", metavar="FILE", help=WITH_HELP),
) -> None:
    """Show what changes from A to B: values added, removed, or with new dated versions (each
    with its dates and citation). A file that extends a pack is compared as that pack with the
    file laid over it, so `policy diff sst my-override.yaml` shows what the override changes."""
    try:
        name_a, pack_a = _resolve(a, with_)
        name_b, pack_b = _resolve(b, with_)
    except PackError as exc:
        raise _report(exc) from None
    changes = diff_packs(pack_a, pack_b)
    console = _console()
    console.print(Text(f"--- {name_a}\n+++ {name_b}", style="bold"))
    if not changes:
        console.print(Text("no differences"))
        return
    for change in changes:
        _print_change(console, change)
    counts = {
        kind: sum(c.kind == kind for c in changes) for kind in ("added", "removed", "changed")
    }
    console.print(Text(", ".join(f"{n} {kind}" for kind, n in counts.items())))


__all__ = ["EXIT_INVALID", "app", "known_names"]

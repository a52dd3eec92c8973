"""``caseledger audit``: check a dataset folder or the store against every rule."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import typer
from rich.markup import escape

from caseledger.audit.engine import AuditResult, builtin_rules, run_audit, select_rules
from caseledger.audit.findings import SEVERITY_RANK
from caseledger.audit.html import render_html
from caseledger.audit.report import print_table, to_csv, to_json
from caseledger.audit.utilization import ReportExtras
from caseledger.cli.common import console, err_console, fail, parse_date, state
from caseledger.config import ENV_DB
from caseledger.facts.columnar import Facts, FactsUnavailable, facts_from_folder
from caseledger.facts.dataset import DatasetNotFound
from caseledger.facts.engines import ENGINES, LoadFailed, make_engine
from caseledger.notes import lexical_analyzer
from caseledger.policy import PackError, Policy, load_policy

FORMATS = ("table", "json", "csv", "html")
#: how the note rules read a note (``--notes``)
NOTE_READINGS = ("words", "embeddings")
FAIL_ON = ("error", "warning", "info", "none")
EXIT_FINDINGS = 1


def _as_of(option: str | None, folder: Path | None) -> tuple[dt.date, str]:
    if option:
        found = parse_date(option, "--as-of")
        assert found is not None
        return found, "--as-of"
    if folder is not None and (folder / "demo.json").exists():
        try:
            recorded = json.loads((folder / "demo.json").read_text(encoding="utf-8")).get("as_of")
            if recorded:
                return dt.date.fromisoformat(recorded), "demo.json"
        except (ValueError, OSError):
            pass
    return dt.date.today(), "today"


def audit_command(
    ctx: typer.Context,
    folder: Path | None = typer.Argument(
        None,
        help="A dataset folder (CSV files, or Parquet files for very large data).",
        show_default=False,
    ),
    store: bool = typer.Option(
        False, "--store", help="Audit the store (see --db) instead of a folder."
    ),
    start: str | None = typer.Option(
        None, "--from", metavar="DATE", help="First date of service to report."
    ),
    end: str | None = typer.Option(
        None, "--to", metavar="DATE", help="Last date of service to report."
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        metavar="DATE",
        help="The day deadlines are judged on (48-hour follow-ups, monthly reports, trainings "
        "due). Default: the as_of a demo folder records, else today.",
    ),
    rule: list[str] = typer.Option(
        [], "--rule", metavar="ID", help="Run only this rule (repeatable)."
    ),
    exclude: list[str] = typer.Option(
        [], "--exclude-rule", metavar="ID", help="Skip this rule (repeatable)."
    ),
    fmt: str = typer.Option("table", "--format", help=f"Output: {', '.join(FORMATS)}."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file instead of the terminal."
    ),
    fail_on: str = typer.Option(
        "error",
        "--fail-on",
        help="Exit 1 when a finding of this severity or worse remains (or 'none').",
    ),
    engine: str = typer.Option(
        "duckdb", "--engine", help=f"Where the rules run: {', '.join(ENGINES)}."
    ),
    policy_files: list[Path] = typer.Option(
        [], "--policy", metavar="FILE", help="An agency override pack to apply (repeatable)."
    ),
    actor: str | None = typer.Option(
        None, "--as", metavar="USER", help="Who runs the audit (access log)."
    ),
    show: int = typer.Option(
        100, "--show", metavar="N", help="Findings to list in the terminal table (0: summary only)."
    ),
    notes: str = typer.Option(
        "embeddings",
        "--notes",
        help="How the note rules read a note's tie to the plan goals: embeddings (the packs' "
        "words and phrases, and sentence similarity to each goal) or words (the words alone: "
        "faster on notes never read before, blind to a goal worked on in other words). See "
        "docs/notes.md.",
    ),
) -> None:
    """Check every service against the program rules and report what is wrong, why, with the rule's
    citation and the dollars at risk.

    Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 when the input or the
    command is invalid."""
    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fail_on not in FAIL_ON:
        raise fail(f"--fail-on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
    if engine not in ENGINES:
        raise fail(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if notes not in NOTE_READINGS:
        raise fail(f"--notes must be one of {', '.join(NOTE_READINGS)}, got {notes!r}")
    if (folder is None) == (not store):
        raise fail(
            "give a dataset folder or --store (one of them)", hint="caseledger audit var/demo"
        )
    period = (parse_date(start, "--from"), parse_date(end, "--to"))
    if period[0] and period[1] and period[0] > period[1]:
        raise fail(f"--from {period[0]} is after --to {period[1]}")
    today, source = _as_of(as_of, folder)
    try:
        policy = load_policy(policy_files)
    except PackError as error:
        for problem in error.problems:
            err_console.print(escape(str(problem)), highlight=False, soft_wrap=True)
        raise fail("the policy packs are invalid; nothing was audited") from None
    try:
        chosen_rules = select_rules(builtin_rules(), policy, rule, exclude)
    except ValueError as error:
        raise fail(str(error), hint="caseledger policy show PACK lists the rule ids") from None
    texts = any(d.kind == "note" for d in chosen_rules)
    facts = _load_facts(ctx, folder, engine, actor, texts=texts, policy=policy)
    extras = None
    try:
        result = run_audit(
            facts,
            policy,
            as_of=today,
            start=period[0],
            end=period[1],
            only=rule,
            exclude=exclude,
            analyzer=lexical_analyzer(policy) if notes == "words" else None,
        )
        if fmt == "html":
            from caseledger.audit.utilization import report_extras

            extras = report_extras(facts, policy, today, result.findings)
    except ValueError as error:
        raise fail(str(error), hint="caseledger policy show PACK lists the rule ids") from None
    except LoadFailed as error:
        raise fail(
            f"{folder}: {error.table}.parquet could not be read "
            f"({error.kind}); nothing was audited",
            hint="docs/dataset.md gives the type of each column",
        ) from None
    finally:
        facts.engine.close()
    if store or state(ctx).db_option or os.environ.get(ENV_DB):
        _suppress(ctx, result)
    _emit(result, fmt, output, source, show, extras)
    if fail_on != "none" and any(
        not f.suppressed and SEVERITY_RANK[f.severity] <= SEVERITY_RANK[fail_on]
        for f in result.findings
    ):
        raise typer.Exit(EXIT_FINDINGS)


def _load_facts(
    ctx: typer.Context,
    folder: Path | None,
    engine: str,
    actor: str | None,
    *,
    texts: bool = True,
    policy: Policy | None = None,
) -> Facts:
    """The facts to audit. ``texts`` false: no note-text rule runs, so free text may be kept as
    only whether it holds something (Parquet folders, where it saves the most). With
    ``policy``, the encounters of a Parquet folder carry their fee-schedule row and program
    under it (``facts_from_parquet``)."""
    chosen = make_engine(engine)
    if folder is not None:
        try:
            return facts_from_folder(folder, chosen, texts=texts, policy=policy)
        except DatasetNotFound:
            raise fail(
                f"no dataset folder at {folder}", hint="caseledger demo generate DIR makes one"
            ) from None
        except FactsUnavailable as error:
            for problem in error.problems:
                err_console.print(escape(str(problem)), highlight=False, soft_wrap=True)
            raise fail(
                f"{len(error.problems)} problem(s) in {folder}; nothing was audited"
            ) from None
    from caseledger.audit.sources import facts_from_store
    from caseledger.cli.common import store_errors
    from caseledger.store import Store

    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as opened:
        return facts_from_store(opened, chosen, actor=actor)


def _suppress(ctx: typer.Context, result: AuditResult) -> None:
    """Marks the findings the store's suppressions cover (a folder audit uses them only when a
    store is named with --db or CASELEDGER_DB)."""
    from caseledger.audit.suppressions import apply_suppressions
    from caseledger.cli.common import store_errors
    from caseledger.store import Store
    from caseledger.store.suppressions import active

    url = state(ctx).db_url
    with store_errors(url), Store.open(url) as opened, opened.unit_of_work() as uow:
        apply_suppressions(result, active(uow))


def _emit(
    result: AuditResult,
    fmt: str,
    output: Path | None,
    as_of_source: str,
    show: int,
    extras: ReportExtras | None = None,
) -> None:
    if fmt == "table":
        if output is not None:
            from rich.console import Console

            with output.open("w", encoding="utf-8") as out:
                print_table(result, Console(file=out, width=160), limit=None)
        else:
            print_table(result, console, limit=max(show, 0))
            if as_of_source != "--as-of":
                console.print(f"Deadlines judged as of {result.as_of} ({as_of_source}).")
        return
    if fmt == "html":
        text = render_html(result, extras=extras)
    else:
        text = {"json": to_json, "csv": to_csv}[fmt](result)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"Wrote {output} ({len(result.findings)} findings).", highlight=False)

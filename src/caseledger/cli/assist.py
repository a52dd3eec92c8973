"""``caseledger code search`` and ``caseledger ask``: finding a service code by what it is, and
answering a plain question with the passages of the packs (and the agency's own source
documents) that say so, each with its citation. Both run offline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from caseledger.cli.common import console, fail, parse_date

if TYPE_CHECKING:
    from caseledger.codes.ask import Answer
    from caseledger.codes.search import CodeHit
    from caseledger.notes.embeddings import Embedder

FORMATS = ("table", "json")
ASK_FORMATS = ("text", "json")


def _embedder(words_only: bool) -> Embedder | None:
    if words_only:
        return None
    from caseledger.notes.embeddings import default_embedder

    return default_embedder()


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise fail(f"--format expects {' or '.join(allowed)}, got {escape(repr(fmt))}")


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise fail(f"--limit expects a whole number of at least 1, got {limit}")


def code_search(
    query: str = typer.Argument(..., help='Words or a code: "social skills group", "H2017".'),
    on: str | None = typer.Option(
        None, "--date", help="Status and rate on this date (YYYY-MM-DD); default: today."
    ),
    limit: int = typer.Option(10, "--limit", help="How many codes to show."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    words_only: bool = typer.Option(
        False, "--words-only", help="Rank by shared words alone (no sentence model)."
    ),
) -> None:
    """Service codes ranked by how well they match QUERY, by meaning and by words; a code named
    in QUERY comes first. Shows each code's program, name, unit, rate and status on the date,
    deleted codes included (with their replacements), and why it matched."""
    from caseledger.codes.search import search
    from caseledger.policy import load_policy

    _check_format(fmt, FORMATS)
    _check_limit(limit)
    day = parse_date(on, "--date") or dt.date.today()
    if not query.strip():
        raise fail("the search is empty", hint='give a few words or a code, e.g. "H2017"')
    hits = search(load_policy(), query, day, embedder=_embedder(words_only), limit=limit)
    if fmt == "json":
        console.print_json(json.dumps([_hit_json(h) for h in hits]))
        return
    table = Table(title=f"Service codes for {escape(repr(query))} on {day}")
    for column in ("code", "program", "name", "unit", "rate", "status", "why"):
        table.add_column(column)
    for h in hits:
        status = h.status + (f"; use {', '.join(h.replaced_by)}" if h.replaced_by else "")
        table.add_row(
            escape(h.label),
            escape(h.program or ""),
            escape(h.name),
            escape(h.unit),
            escape(h.rate),
            escape(status),
            escape(h.why),
        )
    console.print(table)


def _hit_json(h: CodeHit) -> dict[str, Any]:
    return {
        "code": h.code,
        "label": h.label,
        "key": h.key,
        "pack": h.pack,
        "program": h.program,
        "name": h.name,
        "unit": h.unit,
        "rate": h.rate,
        "status": h.status,
        "replaced_by": list(h.replaced_by),
        "score": round(h.score, 4),
        "meaning": None if h.meaning is None else round(h.meaning, 4),
        "words": round(h.words, 4),
        "shared_words": list(h.shared),
        "exact": h.exact,
    }


def ask_command(
    question: str = typer.Argument(..., help="A plain question, in quotes."),
    sources: str | None = typer.Option(
        None,
        "--sources",
        metavar="DIR",
        envvar="CASELEDGER_SOURCES",
        help="A folder of source documents (.txt, .md) to quote besides the policy packs. "
        "Default: $CASELEDGER_SOURCES.",
        show_envvar=False,
    ),
    limit: int = typer.Option(3, "--limit", help="Most passages to quote."),
    on: str | None = typer.Option(
        None, "--date", help="Only pack entries in force on this date (YYYY-MM-DD)."
    ),
    fmt: str = typer.Option("text", "--format", help="text or json."),
    words_only: bool = typer.Option(
        False, "--words-only", help="Rank by shared words alone (no sentence model)."
    ),
) -> None:
    """Answers QUESTION by quoting the passages of the policy packs, the rule catalog and any
    source documents that address it, best first, each with its citation. It retrieves and
    quotes; it never invents. When nothing is relevant enough, it says so."""
    from caseledger.codes.ask import SourceError, Sources, ask
    from caseledger.policy import load_policy

    _check_format(fmt, ASK_FORMATS)
    _check_limit(limit)
    day = parse_date(on, "--date")
    if not question.strip():
        raise fail("the question is empty", hint='ask in words, e.g. "what is the SST rate?"')
    read: Sources | None = None
    if sources:
        try:
            read = Sources.read(Path(sources))
        except SourceError as error:
            raise fail(
                f"--sources: {escape(str(error))}",
                hint="point --sources (or CASELEDGER_SOURCES) at a folder of .txt or .md files",
            ) from None
    answer = ask(
        load_policy(),
        question,
        embedder=_embedder(words_only),
        sources=read,
        limit=limit,
        on=day,
    )
    if fmt == "json":
        console.print_json(json.dumps(answer_json(answer)))
        return
    _print_answer(answer)


def answer_json(answer: Answer) -> dict[str, Any]:
    """The answer as plain data (``--format json``)."""
    return {
        "question": answer.question,
        "found": answer.found,
        "message": answer.message,
        "verdict": answer.verdict,
        "verdict_from": answer.verdict_from.where if answer.verdict_from else None,
        "passages": [
            {
                "text": q.passage.text,
                "cite": q.passage.cite,
                "where": q.passage.where,
                "kind": q.passage.kind,
                "in_force": q.passage.span or None,
                "score": round(q.score, 4),
                "meaning": None if q.meaning is None else round(q.meaning, 4),
                "words": round(q.words, 4),
            }
            for q in answer.quotes
        ],
        "source_files": list(answer.source_files),
    }


def _print_answer(answer: Answer) -> None:
    if answer.verdict and answer.verdict_from:
        console.print(
            f"[bold]{escape(answer.verdict)}[/bold]\n"
            f"  [dim](as {escape(answer.verdict_from.where)} states it)[/dim]"
        )
    console.print(escape(answer.message))
    for n, q in enumerate(answer.quotes, start=1):
        p = q.passage
        console.print(f"\n[bold]{n}.[/bold] {escape(p.text)}", soft_wrap=False)
        facts = [p.where if p.kind != "document" else "", p.cite]
        if p.span:
            facts.append(f"in force {p.span}")
        scores = f"score {q.score:.2f}"
        if q.meaning is not None:
            scores += f" (meaning {q.meaning:.2f}, words {q.words:.2f})"
        facts.append(scores)
        console.print("   [dim]" + escape(" · ".join(f for f in facts if f)) + "[/dim]")

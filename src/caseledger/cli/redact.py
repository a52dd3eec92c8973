"""``caseledger redact FILE``: a text with its protected health information replaced."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from caseledger.cli.common import fail, state, store_errors, write_atomically


def redact_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A UTF-8 text file: a note, a letter, an export."),
    client: str | None = typer.Option(
        None,
        "--client",
        help="The client's id: what the store knows of them (names, Medicaid id, birth date, "
        "address, phone) and the agency's staff names are found in every form. The read is "
        "recorded in the access log.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Where to write the result; default: standard output."
    ),
    keep_shape: bool = typer.Option(
        False,
        "--keep-shape",
        help="Replace letters with X and digits with 0 instead of [TYPE] placeholders, so the "
        "text keeps its length and layout.",
    ),
    fmt: str = typer.Option(
        "text",
        "--format",
        help="text: the redacted text; json: the redacted text and each span's type and "
        "offsets (never the original values).",
    ),
) -> None:
    """Replace names, dates, phone numbers, e-mail addresses, SSNs, Medicaid ids, addresses,
    record numbers and ages over 89 in FILE with typed placeholders."""
    from caseledger.redaction import KnownIdentifiers, UnknownClient, from_store, redact

    if fmt not in ("text", "json"):
        raise fail(f"--format expects text or json, got {escape(fmt)!r}")
    if not file.is_file():
        raise fail(f"{escape(file.name)}: no such file", hint="give the path of a text file")
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail(
            f"{escape(file.name)}: not UTF-8 text (byte {error.start} cannot be read)",
            hint="save the file as UTF-8 and run again",
        ) from None
    except OSError as error:
        raise fail(f"{escape(file.name)}: cannot be read ({error.strerror})") from None
    known: KnownIdentifiers | None = None
    if client is not None:
        from caseledger.store import Store

        url = state(ctx).db_url
        with store_errors(url), Store.open(url) as store, store.unit_of_work() as uow:
            try:
                known = from_store(uow, client)
            except UnknownClient:
                raise fail(
                    f"no client {escape(client)} in the store",
                    hint="check the id with the client list, or leave out --client",
                ) from None
    result = redact(text, known=known, keep_shape=keep_shape)
    if fmt == "json":
        body = {
            "text": result.text,
            "spans": [{"start": s.start, "end": s.end, "type": str(s.type)} for s in result.spans],
        }
        rendered = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    else:
        rendered = result.text
    if output is not None:
        write_atomically(output, rendered)
    else:
        typer.echo(rendered, nl=False)

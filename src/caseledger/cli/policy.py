"""``caseledger policy``: list, show, validate and diff policy packs."""

from __future__ import annotations

import typer

app = typer.Typer(help="Policy packs: the program rules as data.", no_args_is_help=True)

"""``caseledger demo``: the synthetic demo agency."""

from __future__ import annotations

import typer

app = typer.Typer(help="The synthetic demo agency.", no_args_is_help=True)

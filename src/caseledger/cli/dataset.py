"""``caseledger import`` / ``export`` / ``summary``: the dataset format in and out of the store."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Adds the dataset commands to the root command."""

"""The command line is a public surface: every command is documented and answers --help."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from caseledger import __version__
from caseledger.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _command_paths(cmd: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    subcommands = getattr(cmd, "commands", None)
    if isinstance(subcommands, dict):
        paths: list[tuple[str, ...]] = []
        for name, sub in subcommands.items():
            paths.extend(_command_paths(sub, (*prefix, name)))
        return paths
    return [prefix]


COMMANDS = _command_paths(typer.main.get_command(app))


def test_there_are_commands() -> None:
    assert len(COMMANDS) >= 3


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    assert f"caseledger {' '.join(path)}" in README.read_text(encoding="utf-8"), (
        f"'caseledger {' '.join(path)}' is missing from README.md"
    )


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output

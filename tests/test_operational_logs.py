"""Operational logs carry no protected health information: a day's work on the demo agency,
everything logged at every level, and not one PHI value of the dataset in the log text."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caseledger.cli import app
from caseledger.facts.dataset import read_dataset
from caseledger.facts.schema import TABLES

runner = CliRunner()


def _phi_values(folder: Path) -> set[str]:
    dataset = read_dataset(folder).dataset
    found: set[str] = set()
    for table in TABLES:
        phi = [c.name for c in table.columns if c.phi]
        for row in dataset.rows(table.name):
            for name in phi:
                value = row.get(name)
                if value is None or isinstance(value, bool):
                    continue
                values = value if isinstance(value, tuple) else (value,)
                for v in values:
                    text = v.isoformat() if isinstance(v, dt.date) else str(v)
                    if len(text) >= 6:  # shorter values (a sex, a state) are not identifying
                        found.add(text)
    return found


def test_a_days_work_logs_no_phi(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    folder, db = tmp_path / "demo", f"sqlite:///{tmp_path / 'store.db'}"
    steps = [
        ["demo", "generate", str(folder), "--clients", "40", "--months", "3", "--force"],
        ["--db", db, "import", str(folder)],
        ["--db", db, "demo", "users"],
        ["--db", db, "summary"],
        ["--db", db, "audit", "--store", "--fail-on", "none", "--show", "5"],
        ["--db", db, "access-log", "report", "--format", "json"],
        ["--db", db, "access-log", "verify"],
        ["--db", db, "purge", "--before", "2030-01-01"],
    ]
    for args in steps:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    as_of = json.loads((folder / "demo.json").read_text())["as_of"]
    first = read_dataset(folder).dataset.rows("encounters")[0]["encounter_id"]
    assert runner.invoke(app, ["--db", db, "check", str(first), "--as-of", as_of]).exit_code in (
        0,
        1,
    )
    assert runner.invoke(app, ["--db", db, "user", "disable", "demo.billing"]).exit_code == 0
    text = caplog.text
    assert "account created" in text  # the logs were captured at all
    leaked = sorted(v for v in _phi_values(folder) if v in text)
    assert not leaked, f"PHI in the operational log: {leaked[:5]}"

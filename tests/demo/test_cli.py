"""``caseledger demo generate`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from caseledger.cli import app

runner = CliRunner()
SMALL = ["--clients", "40", "--months", "3"]


def test_generate_writes_the_folder_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "generate", str(out), *SMALL, "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert (out / "encounters.csv").is_file() and (out / "planted.csv").is_file()
    manifest = json.loads((out / "demo.json").read_text())
    assert manifest["arguments"] == {"clients": 40, "months": 3, "seed": 5,
                                     "start": "2025-01-01", "clean": False}  # fmt: skip
    assert manifest["period"] == {"start": "2025-01-01", "end": "2025-03-31"}
    assert manifest["as_of"] == "2025-04-30"
    assert "encounters.csv" in result.output and "SST-LIFETIME-CAP" in result.output


def test_a_folder_with_files_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert runner.invoke(app, ["demo", "generate", str(out), *SMALL]).exit_code == 0
    (out / "notes.txt").write_text("mine")
    again = runner.invoke(app, ["demo", "generate", str(out), *SMALL, "--clean"])
    assert again.exit_code == 2
    assert "--force" in again.output
    forced = runner.invoke(app, ["demo", "generate", str(out), *SMALL, "--clean", "--force"])
    assert forced.exit_code == 0, forced.output
    assert (out / "planted.csv").read_text().count("\n") == 1
    assert (out / "notes.txt").read_text() == "mine"  # only the generator's own files go


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    for args in (["--clients", "5"], ["--start", "2025-13-01"], ["--months", "99"],
                 ["--format", "parquet"], ["--encounters", "10"], ["--format", "xml"]):  # fmt: skip
        result = runner.invoke(app, ["demo", "generate", str(tmp_path / "x"), *args])
        assert result.exit_code == 2, (args, result.output)


def test_benchmark_mode_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    result = runner.invoke(
        app, ["demo", "generate", str(out), "--encounters", "5000", "--format", "parquet"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "encounters.parquet").is_file() and (out / "planted.parquet").is_file()

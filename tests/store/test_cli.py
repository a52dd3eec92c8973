"""The dataset commands as a user runs them: exit codes, messages, and what lands in the store."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from caseledger.cli import app
from caseledger.store import Store, migrate
from caseledger.store.access_log import entries

from .conftest import FIXTURE, table_contents


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def said(text: str) -> str:
    """The text with line wrapping undone (the terminal width decides where rich wraps)."""
    return " ".join(text.split())


def test_import_export_summary(db_url: str, tmp_path: Path) -> None:
    result = run("--db", db_url, "import", str(FIXTURE), "--as", "clerk")
    assert result.exit_code == 0, result.output
    assert "45 row(s) read" in result.stdout
    assert "45 added" in said(result.stdout)

    again = run("--db", db_url, "import", str(FIXTURE))
    assert again.exit_code == 0, again.output
    assert "0 added, 0 changed, 45 unchanged, 0 removed" in said(again.stdout)

    exported = run("--db", db_url, "export", str(tmp_path / "out"), "--as", "auditor")
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "out" / "encounters.csv").exists()

    summary = run("--db", db_url, "summary")
    assert summary.exit_code == 0, summary.output
    for expected in ("encounters", "sst", "cpr", "sud", "2024-02-06", "2024-07-02"):
        assert expected in summary.stdout
    assert "Zoë" not in summary.stdout

    with Store.open(db_url) as store, store.unit_of_work(actor="t") as uow:
        actors = {(e.actor, e.action) for e in entries(uow.connection)}
    assert actors == {("clerk", "import"), ("auditor", "export")}


def test_a_bad_dataset_lists_every_problem_sorted_and_exits_2(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(FIXTURE, folder)

    def edit(name: str, old: str, new: str) -> None:
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    # Rows nothing refers to, in files whose load order is not their alphabetical order.
    edit("encounters.csv", "2024-02-06,09:00,12:00", "2024-02-30,09:00,12:00")
    edit("other_services.csv", "2023-01-01,2023-12-31", "2023-01-01,2023-12-32")
    edit("staff_trainings.csv", ",2.5,", ",2.5h,")
    with Store.open(db_url) as store:
        before = table_contents(store)
        result = run("--db", db_url, "import", str(folder))
        after = table_contents(store)
    assert result.exit_code == 2, result.output
    assert after == before
    problems = [line for line in result.stderr.splitlines() if re.match(r"\S+\.csv:\d", line)]
    assert [p.split(": ")[0] for p in problems] == [
        "encounters.csv:4:date",
        "other_services.csv:2:end_date",
        "staff_trainings.csv:2:hours",
    ]
    assert "3 problem(s)" in said(result.stderr)
    assert "nothing was imported" in said(result.stderr)


def test_partial_exits_1_and_imports_the_rest(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(FIXTURE, folder)
    enc = folder / "encounters.csv"
    text = enc.read_text(encoding="utf-8")
    enc.write_text(text.replace("2024-02-06,09:00,12:00", "2024-02-30,09:00,12:00"), "utf-8")
    result = run("--db", db_url, "import", str(folder), "--partial")
    assert result.exit_code == 1, result.output
    assert "encounters.csv:4:date" in result.stderr
    assert "skipped" in result.stderr
    with Store.open(db_url) as store, store.unit_of_work(actor="t") as uow:
        assert sorted(uow.encounters.ids()) == ["E2", "E3", "E4"]


def test_dry_run_writes_nothing(db_url: str) -> None:
    with Store.open(db_url) as store:
        before = table_contents(store)
        result = run("--db", db_url, "import", str(FIXTURE), "--dry-run")
        assert table_contents(store) == before
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written" in result.stdout


def test_export_refuses_a_folder_that_is_not_empty(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    result = run("--db", db_url, "export", str(tmp_path))
    assert result.exit_code == 2
    assert "not empty" in said(result.stderr) and "--force" in result.stderr
    assert run("--db", db_url, "export", str(tmp_path), "--force").exit_code == 0


def test_db_upgrade_and_current(empty_url: str) -> None:
    current = run("--db", empty_url, "db", "current")
    assert current.exit_code == 0, current.output
    assert "none" in current.stdout and "behind" in current.stdout
    upgraded = run("--db", empty_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"upgraded from schema none to {migrate.head()}" in said(upgraded.stdout)
    assert "up to date" in run("--db", empty_url, "db", "upgrade").stdout
    assert "up to date" in run("--db", empty_url, "db", "current").stdout


def test_a_new_postgresql_database_asks_for_db_upgrade(empty_url: str) -> None:
    if not empty_url.startswith("postgresql"):
        pytest.skip("a new SQLite store is created on first use")
    result = run("--db", empty_url, "summary")
    assert result.exit_code == 2
    assert "db upgrade" in said(result.stderr)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://user:s3cret@localhost/db", "unsupported database"),
        ("postgresql://user:s3cret@127.0.0.1:1/nothing", "cannot connect"),
        ("sqlite:////no/such/folder/store.db", "does not exist"),
        ("postgresql://user:s3cret@[::1", "not a database URL"),
    ],
)
def test_bad_store_urls_give_one_clear_line(url: str, expected: str) -> None:
    result = run("--db", url, "summary")
    assert result.exit_code == 2, result.output
    assert expected in said(result.stderr)
    assert "s3cret" not in result.output
    assert "Traceback" not in result.output


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    result = run("--db", f"sqlite:///{tmp_path / 'x.db'}", "import", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "dataset folder not found" in said(result.stderr)
    assert not (tmp_path / "x.db").exists()  # the store is not even created


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("these are not the tables you are looking for\n" * 100, encoding="utf-8")
    result = run("--db", str(not_a_db), "summary")
    assert result.exit_code == 2
    assert "not a database" in said(result.stderr)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["import", "export"])
def test_a_blank_actor_is_refused(tmp_path: Path, command: str) -> None:
    result = run("--db", f"sqlite:///{tmp_path / 'x.db'}", command, str(FIXTURE), "--as", " ")
    assert result.exit_code == 2
    assert "--as needs a user name" in said(result.stderr)

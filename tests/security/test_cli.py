"""``caseledger user`` and ``caseledger demo users``."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from caseledger.cli import app
from caseledger.store import Store
from tests.security.conftest import PASSWORD

runner = CliRunner()


def test_no_default_accounts_and_the_first_is_an_administrator(store: Store) -> None:
    db = store.url
    listed = runner.invoke(app, ["--db", db, "user", "list"])
    assert listed.exit_code == 0 and "demo." not in listed.output
    args = ["--db", db, "user", "add", "dana", "--name", "Dana W", "--agency", "A1"]
    first = runner.invoke(app, [*args, "--role", "clinician", "--password-stdin"], input=PASSWORD)
    assert first.exit_code == 2 and "first account must be an administrator" in first.output
    admin = runner.invoke(
        app, [*args, "--role", "administrator", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert admin.exit_code == 0, admin.output
    assert "otpauth://totp/" in admin.output and admin.output.count("-") >= 20
    assert PASSWORD not in admin.output
    weak = runner.invoke(
        app,
        ["--db", db, "user", "add", "lee", "--name", "Lee", "--agency", "A1", "--role",
         "billing", "--password-stdin"],
        input="password1234\n",
    )  # fmt: skip
    assert weak.exit_code == 2 and "most common" in weak.output
    off = runner.invoke(app, ["--db", db, "user", "disable", "dana"])
    assert off.exit_code == 0 and "0 session(s) ended" in off.output
    assert "disabled" in runner.invoke(app, ["--db", db, "user", "list"]).output


def test_demo_users_are_marked_and_made_once(store: Store, tmp_path: Path) -> None:
    db = store.url
    first = runner.invoke(app, ["--db", db, "demo", "users"])
    assert first.exit_code == 0, first.output
    assert "7 created" in first.output and "demo.clinician" in first.output
    again = runner.invoke(app, ["--db", db, "demo", "users"])
    assert "0 created, 7 already there" in again.output
    listed = runner.invoke(app, ["--db", db, "user", "list"]).output
    assert listed.count("demo") >= 7

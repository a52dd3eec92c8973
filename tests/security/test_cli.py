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


def _accounts(store: Store) -> None:
    from tests.security.conftest import accounts

    with store.unit_of_work(actor="admin") as uow:
        a = accounts(uow)
        a.add("cora", "Cora Compliance", "A1", "compliance", PASSWORD)
        a.add("dana", "Dana Clinician", "A1", "clinician", PASSWORD)
        gone, _ = a.add("olly", "Olly Former", "A1", "compliance", PASSWORD)
        a.disable(gone.user_id)


def test_as_an_account_the_command_line_passes_the_same_guard(store: Store, tmp_path: Path) -> None:
    import json

    _accounts(store)
    db = store.url

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["--db", db, *args])
        return result.exit_code, result.output

    assert run("hold", "add", "C-B", "--reason", "audit", "--as", "cora") == (
        2,
        "error: no such client\n",
    )
    code, out = run("hold", "add", "C-CPR", "--reason", "audit", "--as", "dana")
    assert code == 2 and "clinician" in out and "may not hold" in out
    code, out = run("hold", "add", "C-CPR", "--reason", "audit", "--as", "cora")
    assert code == 0, out
    code, out = run("hold", "add", "C-CPR", "--reason", "audit", "--as", "olly")
    assert code == 2 and "disabled" in out
    code, out = run("access-log", "report", "--format", "json", "--as", "cora")
    assert code == 0, out
    clients = {r["client_id"] for r in json.loads(out)}
    assert "C-CPR" in clients and "C-B" not in clients
    assert run("access-log", "report", "--as", "dana")[0] == 2
    fixed = tmp_path / "fixed.txt"
    fixed.write_text("Corrected.", encoding="utf-8")
    amend = ["note", "amend", "--reason", "typo", "--text-file", str(fixed), "--as", "dana"]
    assert run(*amend[:2], "E-A", *amend[2:])[0] == 0
    assert run(*amend[:2], "E-B", *amend[2:]) == (2, "error: no such encounter\n")
    code, out = run("purge", "--before", "2030-01-01", "--as", "dana")
    assert code == 2 and "may not purge" in out
    # Without --as naming an account, it is the operator's: the machine's own user.
    assert run("hold", "add", "C-B", "--reason", "audit")[0] == 0

"""Evidence packages: what they hold, that ``verify`` catches any change, and that the export is
on the access log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from caseledger.cli.common import State
from caseledger.cli.evidence import register
from caseledger.demo import DemoOptions, generate
from caseledger.documents.evidence import (
    MANIFEST,
    EvidenceError,
    Scope,
    credential_in_force,
    export_package,
    training_completed,
    verify_package,
)
from caseledger.facts.dataset import write_dataset
from caseledger.store import FixedClock, Store
from caseledger.store.access_log import entries
from caseledger.store.amendments import amend
from caseledger.store.importer import import_dataset
from caseledger.store.suppressions import suppress
from caseledger.store.tables import claim_files, claim_lines, claims
from tests.rules.scenario import AS_OF, D, Scenario, policy

runner = CliRunner()
JANUARY = Scope("C-CPR", D(2025, 1, 1), D(2025, 1, 31))
PERIOD = ["--from", "2025-01-01", "--to", "2025-01-31"]
NOW = dt.datetime(2025, 3, 15, 12, 0, tzinfo=dt.UTC)


def _cli() -> typer.Typer:
    """The root command as the application builds it, with only ``evidence`` registered."""
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context, db: str = typer.Option(None, "--db")) -> None:
        ctx.obj = State(db_option=db)

    register(root)
    return root


def _scenario() -> Scenario:
    """C-CPR seen twice in January (the second note unsigned) and once in February; S-LPC's
    license ends on 10 January and a training is completed on 12 January."""
    s = Scenario()
    s.encounter("cpr", D(2025, 1, 8), encounter_id="E-SIGNED")
    s.encounter(
        "cpr", D(2025, 1, 15), encounter_id="E-UNSIGNED", note_signed_by=None, note_signed_on=None
    )
    s.encounter("cpr", D(2025, 2, 12), encounter_id="E-FEB")
    s.encounter("sud", D(2025, 1, 9), encounter_id="E-OTHER")
    s.row("staff_credentials", staff_id="S-LPC", kind="lpc")["end_date"] = D(2025, 1, 10)
    s.add(
        "staff_trainings",
        staff_id="S-LPC",
        topic="continuing_education",
        hours=Decimal("6"),
        completed_on=D(2025, 1, 12),
        waived=False,
        waiver_note=None,
    )
    return s


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("evidence")
    write_dataset(_scenario().dataset(), folder / "data")
    with Store.open(f"sqlite:///{folder / 'store.db'}", clock=FixedClock(NOW)) as opened:
        assert import_dataset(opened, folder / "data", actor="setup").committed
        with opened.unit_of_work(actor="dana") as uow:
            amend(uow, "E-SIGNED", "Corrected: 45 minutes, not 30.", "wrong duration")
            suppress(uow, "GEN-NOTE-UNSIGNED", "encounter", "E-UNSIGNED", "signed on paper")
        yield opened


@pytest.fixture(scope="module")
def package(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package") / "c-cpr.zip"
    export_package(store, policy(), JANUARY, out, as_of=AS_OF, actor="auditor")
    return out


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, archive.read(i)) for i in archive.infolist()]


def _rezip(path: Path, members: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)


def _text(path: Path, name: str) -> str:
    return dict(_members(path))[name].decode("utf-8")


# ------------------------------------------------------------------------ what is in it


def test_the_package_holds_the_period_encounters_and_every_listed_file(package: Path) -> None:
    names = [name for name, _ in _members(package)]
    assert names == [*sorted(names[:-1]), MANIFEST]
    manifest = json.loads(_text(package, MANIFEST))
    assert manifest["purpose"] == {
        "client_id": "C-CPR",
        "claim_id": None,
        "encounter_id": None,
        "period": {"from": "2025-01-01", "to": "2025-01-31"},
    }
    assert (manifest["as_of"], manifest["created_by"]) == ("2025-03-15", "auditor")
    assert manifest["created_at"] == "2025-03-15T12:00:00Z"
    assert [f["name"] for f in manifest["files"]] == names[:-1]
    assert manifest["encounters"] == ["E-SIGNED", "E-UNSIGNED"]
    rows = list(csv.DictReader(io.StringIO(_text(package, "encounters.csv"))))
    assert [r["encounter_id"] for r in rows] == ["E-SIGNED", "E-UNSIGNED"]
    for name in ("plans.csv", "plan_goals.csv", "authorizations.csv", "policy.json"):
        assert name in names
    assert json.loads(_text(package, "policy.json"))["versions"] == policy().versions()


def test_an_amendment_appears_with_its_note(package: Path) -> None:
    note = _text(package, "notes/E-SIGNED.txt")
    signed = note.index("--- Note as signed ---")
    amended = note.index("--- Amendment")
    assert signed < note.index("coping skills for anxiety") < amended
    assert "Reason: wrong duration" in note and "Author: dana" in note
    assert note.rstrip().endswith("Corrected: 45 minutes, not 30.")
    assert "Amendments: 0" in _text(package, "notes/E-UNSIGNED.txt")


def test_findings_are_the_packages_with_suppressions_marked(package: Path) -> None:
    findings = json.loads(_text(package, "findings.json"))
    unsigned = [f for f in findings if f["rule"] == "GEN-NOTE-UNSIGNED"]
    assert [(f["subject_id"], f["suppressed"]) for f in unsigned] == [("E-UNSIGNED", True)]
    assert "signed on paper" in unsigned[0]["suppression_reason"]
    assert {f["client_id"] for f in findings} <= {"C-CPR", None}
    assert all(f["subject_id"] not in ("E-FEB", "E-OTHER") for f in findings)
    assert set(unsigned[0]) >= {"rule", "severity", "subject_type", "citation", "amount_at_risk"}


def _snapshot(path: Path, staff: str, day: str) -> set[tuple[str, str]]:
    rows = csv.DictReader(io.StringIO(_text(path, "staff_snapshot.csv")))
    return {
        (r["record"], r["what"])
        for r in rows
        if (r["staff_id"], r["date_of_service"]) == (staff, day)
    }


def test_the_snapshot_holds_what_was_in_force_on_each_date_of_service(package: Path) -> None:
    before = _snapshot(package, "S-LPC", "2025-01-08")
    after = _snapshot(package, "S-LPC", "2025-01-15")
    # 8 January: licensed, the new training not done yet.
    assert ("credential", "lpc") in before
    assert ("training", "continuing_education") not in before
    # 15 January: the license has ended, the training is done.
    assert ("credential", "lpc") not in after
    assert ("training", "continuing_education") in after
    assert ("credential", "mh_specialized_training") in before & after


def test_in_force_rules_at_their_edges() -> None:
    lpc = {"start_date": D(2025, 1, 1), "end_date": D(2025, 1, 10)}
    assert credential_in_force(lpc, D(2025, 1, 1)) and credential_in_force(lpc, D(2025, 1, 10))
    assert not credential_in_force(lpc, D(2024, 12, 31))
    assert not credential_in_force(lpc, D(2025, 1, 11))
    assert credential_in_force({"start_date": None, "end_date": None}, D(1990, 1, 1))
    training = {"completed_on": D(2025, 1, 12)}
    assert training_completed(training, D(2025, 1, 12))
    assert not training_completed(training, D(2025, 1, 11))
    assert not training_completed({"completed_on": None, "waived": True}, D(2025, 1, 12))


def test_a_claim_package_holds_the_claims_encounters(store: Store, tmp_path: Path) -> None:
    with store.unit_of_work(actor="setup") as uow:
        inserted = uow.connection.execute(
            claim_files.insert().values(
                control_number=900,
                kind="837P",
                profile="mo_healthnet",
                created_at=NOW.replace(tzinfo=None),
                created_by="setup",
                sha256="0" * 64,
                claims=1,
                lines=2,
                total=Decimal("10"),
            )
        ).inserted_primary_key
        assert inserted is not None
        file_id = inserted[0]
        uow.connection.execute(
            claims.insert().values(
                claim_id="CL-1", file_id=file_id, client_id="C-CPR", frequency="1", total=10
            )
        )
        for n, eid in enumerate(("E-SIGNED", "E-FEB"), start=1):
            uow.connection.execute(
                claim_lines.insert().values(
                    claim_id="CL-1",
                    line_number=n,
                    encounter_id=eid,
                    service_code="H2017",
                    date=D(2025, 1, 8),
                    units=1,
                    charge=5,
                )
            )
    scope = Scope("C-CPR", D(2025, 1, 1), D(2025, 1, 31), claim_id="CL-1")
    export_package(store, policy(), scope, tmp_path / "claim.zip", as_of=AS_OF)
    manifest = json.loads(_text(tmp_path / "claim.zip", MANIFEST))
    assert manifest["encounters"] == ["E-SIGNED"]
    assert manifest["claim_encounters_not_included"] == ["E-FEB"]
    with pytest.raises(EvidenceError, match="is not client C-SUD's"):
        bad = Scope("C-SUD", D(2025, 1, 1), D(2025, 1, 31), claim_id="CL-1")
        export_package(store, policy(), bad, tmp_path / "bad.zip", as_of=AS_OF)


def test_an_encounter_package_and_the_same_bytes_twice(store: Store, tmp_path: Path) -> None:
    scope = Scope("C-CPR", D(2025, 1, 1), D(2025, 1, 31), encounter_id="E-UNSIGNED")
    first = export_package(store, policy(), scope, tmp_path / "a.zip", as_of=AS_OF)
    second = export_package(store, policy(), scope, tmp_path / "b.zip", as_of=AS_OF)
    assert first.encounters == 1 and first.sha256 == second.sha256
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert [n for n, _ in _members(tmp_path / "a.zip") if n.startswith("notes/")] == [
        "notes/E-UNSIGNED.txt"
    ]


# ------------------------------------------------------------------------ the access log


def test_the_export_is_on_the_access_log(store: Store, tmp_path: Path) -> None:
    with store.unit_of_work() as uow:
        before = len(entries(uow.connection))
    export_package(store, policy(), JANUARY, tmp_path / "p.zip", as_of=AS_OF, actor="auditor")
    with store.unit_of_work() as uow:
        new = entries(uow.connection)[before:]
    exports = [e for e in new if e.action == "export"]
    assert [(e.actor, e.client_id, e.record_type, e.record_id, e.detail) for e in exports] == [
        ("auditor", "C-CPR", "evidence", None, "evidence package")
    ]


def test_a_refused_package_writes_nothing_and_logs_no_export(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "p.zip"
    out.write_bytes(b"the previous package")
    with store.unit_of_work() as uow:
        before = len(entries(uow.connection))
    scope = Scope("C-CPR", D(2025, 1, 1), D(2025, 1, 31), claim_id="NO-SUCH-CLAIM")
    with pytest.raises(EvidenceError, match="no claim NO-SUCH-CLAIM"):
        export_package(store, policy(), scope, out, as_of=AS_OF)
    assert out.read_bytes() == b"the previous package"
    assert [p.name for p in tmp_path.iterdir()] == ["p.zip"]
    with store.unit_of_work() as uow:
        assert len(entries(uow.connection)) == before


# ------------------------------------------------------------------------ verify


def test_an_untouched_package_verifies(package: Path) -> None:
    verdict = verify_package(package)
    assert verdict.ok and verdict.files == len(_members(package)) - 1


@given(data=st.data())
def test_any_changed_byte_fails_naming_its_file(
    package: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    members = _members(package)
    index = data.draw(st.integers(0, len(members) - 1), label="member")
    name, content = members[index]
    at = data.draw(st.integers(0, len(content) - 1), label="byte")
    mask = data.draw(st.integers(1, 255), label="mask")
    changed = content[:at] + bytes([content[at] ^ mask]) + content[at + 1 :]
    members[index] = (name, changed)
    tampered = tmp_path_factory.mktemp("tampered") / "p.zip"
    _rezip(tampered, members)
    verdict = verify_package(tampered)
    assert not verdict.ok and verdict.name == name, verdict.message


def test_a_removed_or_added_file_fails_naming_it(package: Path, tmp_path: Path) -> None:
    members = _members(package)
    _rezip(tmp_path / "removed.zip", [m for m in members if m[0] != "staff.csv"])
    verdict = verify_package(tmp_path / "removed.zip")
    assert (verdict.ok, verdict.name, verdict.problem) == (False, "staff.csv", "missing")
    _rezip(tmp_path / "added.zip", [*members, ("notes/extra.txt", b"added later\n")])
    verdict = verify_package(tmp_path / "added.zip")
    assert (verdict.ok, verdict.name) == (False, "notes/extra.txt")
    _rezip(tmp_path / "bare.zip", [m for m in members if m[0] != MANIFEST])
    assert verify_package(tmp_path / "bare.zip").name == MANIFEST
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    assert not verify_package(tmp_path / "junk.zip").ok


# ------------------------------------------------------------------------ the commands


def test_the_commands_build_and_verify(store: Store, tmp_path: Path) -> None:
    cli, db = _cli(), ["--db", store.url]
    out = tmp_path / "cli.zip"
    built = runner.invoke(
        cli,
        [*db, "evidence", "--client", "C-CPR", *PERIOD, "--out", str(out), "--as-of", "2025-03-15"],
    )
    assert built.exit_code == 0, built.output
    assert "2 encounters" in built.output
    checked = runner.invoke(cli, [*db, "evidence", "verify", str(out)])
    assert checked.exit_code == 0, checked.output
    assert len(checked.output.strip().splitlines()) == 1 and "OK" in checked.output
    members = _members(out)
    members[0] = (members[0][0], members[0][1] + b"x")
    _rezip(out, members)
    failed = runner.invoke(cli, [*db, "evidence", "verify", str(out)])
    assert failed.exit_code == 1 and members[0][0] in failed.output
    missing = runner.invoke(cli, [*db, "evidence", "--client", "C-CPR", "--out", str(out)])
    assert missing.exit_code == 2 and "--from" in missing.output
    unknown = runner.invoke(
        cli,
        [*db, "evidence", "--client", "C-NOBODY", *PERIOD, "--out", str(tmp_path / "none.zip")],
    )
    assert unknown.exit_code == 2 and "no client C-NOBODY" in unknown.output
    assert not (tmp_path / "none.zip").exists()
    helped = runner.invoke(cli, ["evidence", "--help"])
    assert helped.exit_code == 0 and "verify" in helped.output and "--client" in helped.output


# ------------------------------------------------------------------------ a demo agency


def test_a_package_for_a_demo_client_verifies(tmp_path: Path) -> None:
    generate(tmp_path / "demo", DemoOptions(clients=40, months=3))
    as_of = dt.date.fromisoformat(
        json.loads((tmp_path / "demo" / "demo.json").read_text(encoding="utf-8"))["as_of"]
    )
    with Store.open(f"sqlite:///{tmp_path / 'demo.db'}") as store:
        assert import_dataset(store, tmp_path / "demo", actor="setup").committed
        with store.unit_of_work() as uow:
            busiest = uow.connection.execute(
                sa.text(
                    "SELECT client_id, min(date), max(date) FROM encounters "
                    "GROUP BY client_id ORDER BY count(*) DESC, client_id LIMIT 1"
                )
            ).one()
        first, last = (dt.date.fromisoformat(str(d)) for d in busiest[1:])
        scope = Scope(str(busiest[0]), first, last)
        report = export_package(store, policy(), scope, tmp_path / "demo.zip", as_of=as_of)
    assert report.encounters > 1
    verdict = verify_package(tmp_path / "demo.zip")
    assert verdict.ok, verdict.message
    notes = [n for n, _ in _members(tmp_path / "demo.zip") if n.startswith("notes/")]
    assert len(notes) == report.encounters

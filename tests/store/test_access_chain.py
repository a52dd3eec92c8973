"""The access log is a keyed hash chain: ``verify`` catches an entry edited, inserted, deleted or
moved directly in the database, and the newest entries removed; PostgreSQL refuses to update or
delete entries at all."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from caseledger.cli import app
from caseledger.store import Store
from caseledger.store.access_chain import Verdict, verify
from caseledger.store.secrets import SecretMissing
from caseledger.store.tables import access_log

runner = CliRunner()
ENTRIES = 6


def _write(store: Store, count: int = ENTRIES) -> None:
    for n in range(count):
        with store.unit_of_work(actor=f"user{n % 2}") as uow:
            uow.access.record("read", client_id=f"C{n}", record_type="clients", record_id=f"C{n}")


def _verify(store: Store) -> Verdict:
    with store.engine.connect() as conn:
        return verify(conn, store.secrets)


def _tamper(store: Store, *statements: str) -> None:
    """Runs ``statements`` as someone with full rights on the database would."""
    with store.engine.begin() as conn:
        if store.dialect == "postgresql":
            conn.exec_driver_sql("ALTER TABLE access_log DISABLE TRIGGER USER")
        for statement in statements:
            conn.exec_driver_sql(statement)
        if store.dialect == "postgresql":
            conn.exec_driver_sql("ALTER TABLE access_log ENABLE TRIGGER USER")


def test_an_untouched_log_verifies(store: Store) -> None:
    _write(store)
    verdict = _verify(store)
    assert verdict.ok, verdict.problem
    assert verdict.checked == ENTRIES
    assert verdict.head is not None and verdict.head.id == ENTRIES


def test_entries_are_numbered_without_gaps_and_each_carries_a_hash(store: Store) -> None:
    _write(store)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(access_log.c.id, access_log.c.mac)).all()
    assert [r.id for r in rows] == list(range(1, ENTRIES + 1))
    assert all(len(r.mac) == 64 for r in rows)
    assert len({r.mac for r in rows}) == ENTRIES


TAMPERING: dict[str, tuple[list[str], int, str]] = {
    "edited": (["UPDATE access_log SET client_id = 'C9' WHERE id = 3"], 3, "does not match"),
    "edited actor": (["UPDATE access_log SET actor = 'someone' WHERE id = 4"], 4, "not match"),
    "deleted": (["DELETE FROM access_log WHERE id = 3"], 3, "is missing"),
    "inserted": (
        [
            "UPDATE access_log SET id = id + 100 WHERE id >= 3",
            "UPDATE access_log SET id = id - 99 WHERE id >= 103",
            "INSERT INTO access_log (id, at, actor, action, client_id, mac) "
            "SELECT 3, at, actor, action, 'C99', mac FROM access_log WHERE id = 2",
        ],
        3,
        "does not match",
    ),
    "reordered": (
        [
            "UPDATE access_log SET id = 100 WHERE id = 2",
            "UPDATE access_log SET id = 2 WHERE id = 3",
            "UPDATE access_log SET id = 3 WHERE id = 100",
        ],
        2,
        "does not match",
    ),
    "newest removed": (["DELETE FROM access_log WHERE id >= 5"], 5, "newest entries are missing"),
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_verify_names_the_first_tampered_entry(store: Store, kind: str) -> None:
    statements, first_bad, words = TAMPERING[kind]
    _write(store)
    _tamper(store, *statements)
    verdict = _verify(store)
    assert not verdict.ok
    assert verdict.first_bad_id == first_bad, verdict.problem
    assert words in (verdict.problem or "")


def test_a_forged_hash_needs_the_key(store: Store) -> None:
    """Recomputing a plain SHA-256 over the edited entry does not help: the hash is keyed."""
    _write(store)
    import hashlib

    forged = hashlib.sha256(b"anything").hexdigest()
    _tamper(store, f"UPDATE access_log SET detail = 'x', mac = '{forged}' WHERE id = {ENTRIES}")
    assert _verify(store).first_bad_id == ENTRIES


def test_an_altered_head_record_is_reported(store: Store) -> None:
    _write(store)
    head = store.secrets.head_path
    record = json.loads(head.read_text())
    record["id"] = 2
    head.write_text(json.dumps(record))
    verdict = _verify(store)
    assert not verdict.ok and "head record" in (verdict.problem or "")


def test_without_the_key_nothing_is_logged_and_the_message_says_where_it_was(
    store: Store,
) -> None:
    _write(store, 1)
    store.secrets.key_path.unlink()
    with pytest.raises(SecretMissing, match="access-log key"):
        _write(store, 1)
    with store.engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(access_log)).scalar_one()
    assert count == 1


def test_postgresql_refuses_to_update_or_delete_entries(
    db_url: str, backend: str, store: Store
) -> None:
    if backend != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    _write(store, 2)
    for statement in (
        "UPDATE access_log SET detail = 'x' WHERE id = 1",
        "DELETE FROM access_log WHERE id = 1",
        "TRUNCATE access_log",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert _verify(store).ok


def test_the_cli_verify_exit_status(db_url: str, store: Store) -> None:
    _write(store)
    ok = runner.invoke(app, ["--db", db_url, "access-log", "verify"])
    assert ok.exit_code == 0, ok.output
    assert f"intact: {ENTRIES} entries" in ok.output
    _tamper(store, "DELETE FROM access_log WHERE id = 2")
    bad = runner.invoke(app, ["--db", db_url, "access-log", "verify"])
    assert bad.exit_code == 1
    assert "entry 2 is missing" in bad.output


def test_the_cli_report_filters_and_is_itself_logged(db_url: str, store: Store) -> None:
    _write(store)
    result = runner.invoke(
        app,
        ["--db", db_url, "access-log", "report", "--user", "user1", "--format", "json",
         "--as", "auditor"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["client_id"] for r in rows] == ["C1", "C3", "C5"]
    assert all(r["at"].endswith("Z") for r in rows)
    again = runner.invoke(
        app, ["--db", db_url, "access-log", "report", "--user", "auditor", "--format", "json"]
    )
    assert [r["action"] for r in json.loads(again.output)] == ["query"]
    assert _verify(store).ok


def test_entries_written_before_the_chain_are_chained_by_the_upgrade(empty_url: str) -> None:
    from caseledger.store import migrate

    engine = sa.create_engine(Store(empty_url).engine.url)
    migrate.upgrade(engine, "0002_suppressions")
    with engine.begin() as conn:
        for n in (7, 9, 12):  # ids with gaps, as rolled-back sequences leave them
            conn.execute(
                sa.text(
                    "INSERT INTO access_log (id, at, actor, action, client_id) "
                    "VALUES (:id, '2024-05-01 10:00:00', 'old', 'read', :c)"
                ),
                {"id": n, "c": f"C{n}"},
            )
    migrate.upgrade(engine)
    engine.dispose()
    with Store.open(empty_url) as store:
        _write(store, 1)
        verdict = _verify(store)
        with store.engine.connect() as conn:
            clients = conn.execute(
                sa.select(access_log.c.client_id).order_by(access_log.c.id)
            ).scalars()
            assert list(clients) == ["C7", "C9", "C12", "C0"]
    assert verdict.ok, verdict.problem
    assert verdict.checked == 4


def test_printing_is_an_action_of_its_own(store: Store) -> None:
    with store.unit_of_work(actor="dana") as uow:
        uow.access.record("print", client_id="C1", record_type="plans", detail="1 page")
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(access_log.c.action)).scalars().all() == ["print"]
    assert _verify(store).ok

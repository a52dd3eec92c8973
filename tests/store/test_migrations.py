"""The packaged migrations build exactly the tables the contract describes, on both backends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from caseledger.facts import schema
from caseledger.facts.schema import Kind
from caseledger.store import SchemaOutOfDate, Store, migrate
from caseledger.store.tables import metadata


def test_migrations_match_the_models(db_url: str) -> None:
    engine = Store(db_url).engine
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    engine.dispose()
    assert diff == []


def test_enum_checks_allow_exactly_the_contract_choices(db_url: str) -> None:
    # Alembic does not compare CHECK constraints, so a choice added to the contract without a
    # migration would only show up as a refused import; this catches it first.
    engine = Store(db_url).engine
    inspector = sa.inspect(engine)
    for contract in schema.TABLES:
        checks = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(contract.name)}
        for column in contract.columns:
            name = f"ck_{contract.name}_{column.name}_choice"
            closed = (
                column.kind is Kind.ENUM and (contract.name, column.name) not in schema.OPEN_ENUMS
            )
            if not closed:
                assert name not in checks
                continue
            allowed = set(re.findall(r"'([^']*)'", str(checks[name])))
            assert allowed == set(column.choices), name
    engine.dispose()


def test_every_contract_column_is_stored(db_url: str) -> None:
    engine = Store(db_url).engine
    inspector = sa.inspect(engine)
    for contract in schema.TABLES:
        stored = {c["name"]: c for c in inspector.get_columns(contract.name)}
        for column in contract.columns:
            assert column.name in stored, f"{contract.name}.{column.name}"
            assert (
                stored[column.name]["nullable"] is not column.required
                or column.name == contract.key[0]
            )
        assert "extra" in stored
    engine.dispose()


def test_a_new_sqlite_store_is_created_at_head(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store.open(f"sqlite:///{path}") as store:
        assert migrate.state(store.engine).at_head
    assert path.exists()


def test_an_empty_postgresql_database_asks_for_db_upgrade(empty_url: str) -> None:
    if not empty_url.startswith("postgresql"):
        pytest.skip("SQLite stores are created on first use")
    with pytest.raises(SchemaOutOfDate) as raised:
        Store.open(empty_url)
    assert raised.value.hint is not None
    assert "db upgrade" in raised.value.hint
    assert "--db" in raised.value.hint


def test_a_store_from_a_newer_version_is_refused(db_url: str) -> None:
    engine = Store(db_url).engine
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'an_older_one'")
    engine.dispose()
    with pytest.raises(SchemaOutOfDate, match="newer caseledger"):
        Store.open(db_url)


def _downgrade_to_base(url: str) -> None:
    engine = Store(url).engine
    with engine.begin() as conn:
        command.downgrade(migrate.config(conn), "base")
    assert [t for t in sa.inspect(engine).get_table_names() if t != "alembic_version"] == []
    engine.dispose()


def test_downgrade_to_nothing_and_back(db_url: str) -> None:
    _downgrade_to_base(db_url)
    engine = Store(db_url).engine
    before, after = migrate.upgrade(engine)
    assert (before, after) == (None, migrate.head())
    engine.dispose()


def test_a_store_behind_head_needs_db_upgrade_except_an_empty_sqlite_file(db_url: str) -> None:
    _downgrade_to_base(db_url)
    if db_url.startswith("sqlite"):
        with Store.open(db_url) as store:
            assert migrate.state(store.engine).at_head
        return
    with pytest.raises(SchemaOutOfDate) as raised:
        Store.open(db_url)
    assert "db upgrade" in str(raised.value.hint)


def test_a_database_of_something_else_is_refused(empty_url: str) -> None:
    engine = Store(empty_url).engine
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE payroll (id INTEGER PRIMARY KEY)")
    engine.dispose()
    with pytest.raises(SchemaOutOfDate, match="no caseledger schema"):
        Store.open(empty_url)


def test_foreign_keys_follow_the_contract_references(db_url: str) -> None:
    engine = Store(db_url).engine
    inspector = sa.inspect(engine)
    for contract in schema.TABLES:
        stored = {
            (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
            for fk in inspector.get_foreign_keys(contract.name)
        }
        expected = {
            ((c.name,), c.ref[0], (c.ref[1],))
            for c in contract.columns
            if c.ref is not None and c.kind is not Kind.LIST
        }
        assert stored == expected, contract.name
    engine.dispose()


def test_the_audit_lookups_are_indexed(db_url: str) -> None:
    engine = Store(db_url).engine
    indexed = {tuple(i["column_names"]) for i in sa.inspect(engine).get_indexes("encounters")}
    engine.dispose()
    for columns in (
        ("client_id", "date"),
        ("staff_id", "date"),
        ("group_id",),
        ("authorization_id",),
    ):
        assert columns in indexed

"""What the reader relies on in the contract: references point at ids, and load order puts every
referenced table first (so that references resolve in one pass)."""

from __future__ import annotations

from caseledger.facts.schema import BY_NAME, TABLES, Kind, load_order


def test_load_order_puts_referenced_tables_first_and_holds_every_table() -> None:
    order = [t.name for t in load_order()]
    assert sorted(order) == sorted(t.name for t in TABLES)
    for table in TABLES:
        for column in table.columns:
            if column.ref and column.ref[0] != table.name:
                assert order.index(column.ref[0]) < order.index(table.name), column


def test_every_reference_names_the_id_that_keys_its_table() -> None:
    for table in TABLES:
        for column in table.columns:
            if column.ref:
                target = BY_NAME[column.ref[0]]
                assert target.key == (column.ref[1],), column
                assert target.column(column.ref[1]).kind is Kind.ID
                assert column.kind in (Kind.ID, Kind.LIST), column


def test_keys_and_parents_name_real_columns() -> None:
    for table in TABLES:
        for name in table.key:
            assert table.has_column(name), (table.name, name)
            assert table.column(name).kind is not Kind.LIST
        if table.parent:
            assert table.has_column(table.parent[0])
            assert table.parent[1] in BY_NAME

"""The DuckDB engine inlines the common table expressions that only filter, project or join,
and keeps computed once those that group, rank or aggregate; results do not change."""

from __future__ import annotations

import duckdb
import ibis
import pyarrow as pa
import pytest
import sqlglot as sg
import sqlglot.expressions as sge
from hypothesis import given, settings
from hypothesis import strategies as st

from caseledger.facts.engines import DuckDBEngine, LoadFailed


def _shared(engine: DuckDBEngine, rows: list[tuple[str, int]]) -> ibis.Table:
    """Two readers of one filtered table and of one grouped table, so both become CTEs."""
    t = engine.register(
        "lines",
        pa.table(
            {"client": [c for c, _ in rows], "units": [u for _, u in rows]},
            schema=pa.schema([("client", pa.string()), ("units", pa.int64())]),
        ),
    )
    kept = t.filter(t.units > 1)
    totals = kept.group_by("client").aggregate(total=kept.units.sum())
    big = totals.filter(totals.total > 4).select(client=totals.client, flag=ibis.literal("big"))
    small = totals.filter(totals.total <= 4).select(client=totals.client, flag=ibis.literal("sm"))
    a = kept.join(big, "client").select("client", "units", "flag")
    b = kept.join(small, "client").select("client", "units", "flag")
    return ibis.union(a, b, distinct=False).order_by(["client", "units", "flag"])


def test_only_the_cheap_expressions_are_inlined() -> None:
    engine = DuckDBEngine()
    query = sg.parse_one(engine.sql(_shared(engine, [("a", 2)])), read="duckdb")
    marks = {
        "grouped" if cte.this.find(sge.Group) else "filtered": cte.args.get("materialized")
        for cte in query.find_all(sge.CTE)
    }
    assert marks == {"filtered": False, "grouped": None}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(min_value=0, max_value=5)),
        max_size=12,
    )
)
def test_inlining_changes_no_result(rows: list[tuple[str, int]]) -> None:
    engine = DuckDBEngine()
    expr = _shared(engine, rows)
    assert engine.execute(expr).to_pylist() == engine.backend.to_pyarrow(expr).to_pylist()


# ---------------------------------------------------------------- tables filled in the background

#: a query whose rows fail only when they are computed, not when it is planned
_FAILS_ON_ROWS = "SELECT CAST(s AS DOUBLE) AS x FROM (VALUES ('1'), ('not a number')) v(s)"


def test_a_loaded_table_is_read_whole_once_filled() -> None:
    engine = DuckDBEngine()
    tables = engine.load({"numbers": "SELECT range AS n FROM range(200000)"})
    # the table is there at once, with its columns, for the rules to be built against
    assert tables["numbers"].columns == ("n",)
    got = engine.execute(tables["numbers"].aggregate(rows=tables["numbers"].count()))
    assert got.to_pylist() == [{"rows": 200000}]
    engine.close()


def test_an_error_in_loading_is_raised_where_the_rows_are_read() -> None:
    engine = DuckDBEngine()
    tables = engine.load({"ok": "SELECT 1 AS n", "broken": _FAILS_ON_ROWS})
    for _ in range(2):  # and at every later read: the tables are incomplete
        with pytest.raises(LoadFailed) as raised:
            engine.execute(tables["ok"])
        assert raised.value.table == "broken"
        # the engine's own words may quote a cell; the message does not repeat them
        assert "not a number" not in str(raised.value)
        assert isinstance(raised.value.__cause__, duckdb.ConversionException)
    engine.close()


def test_closing_while_loading_stops_the_load() -> None:
    engine = DuckDBEngine()
    engine.load({"big": "SELECT sum(a.range * b.range) AS s FROM range(100000) a, range(100000) b"})
    engine.close()  # returns once the load is interrupted, rather than after it
    assert engine._load_error is not None
    assert isinstance(engine._load_error.__cause__, duckdb.InterruptException)

"""The DuckDB engine inlines the common table expressions that only filter, project or join,
and keeps computed once those that group, rank or aggregate; results do not change."""

from __future__ import annotations

import ibis
import pyarrow as pa
import sqlglot as sg
import sqlglot.expressions as sge
from hypothesis import given, settings
from hypothesis import strategies as st

from caseledger.facts.engines import DuckDBEngine


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

"""The SQLite the single-encounter check runs most one-line rules on computes what DuckDB
computes: date shifts by days, weeks, months and years (months stop on the last day of the month
they reach), lists collected, sorted, joined and searched, text joined with its null parts left
out, integer remainders, and the types of the results."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseledger.facts.engines import DuckDBEngine
from caseledger.facts.sqlite_rows import SQLiteRows, sqlite_sql

DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))
WORDS = st.sampled_from(["a", "b", "CS", "HM", "ab", "", "Z"])

SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("day", pa.date32()),
        ("at", pa.timestamp("ms")),
        ("n", pa.int64()),
        ("kind", pa.string()),
        ("kinds", pa.list_(pa.string())),
        ("flag", pa.bool_()),
        ("rate", pa.float64()),
    ]
)


def _both(table: pa.Table, build: object) -> tuple[list[dict[str, object]], list[dict]]:
    """``build(t)`` run on DuckDB and on SQLite over the same rows."""
    duck = DuckDBEngine(threads=1)
    small = SQLiteRows()
    try:
        expr = build(duck.register("t", table))  # type: ignore[operator]
        statement = small.statement(expr, fixed=lambda name: table)
        assert statement is not None, sqlite_sql(expr)
        key = [c for c in expr.columns]
        expected = sorted(duck.execute(expr).to_pylist(), key=lambda r: [str(r[k]) for k in key])
        got = sorted(small.run(statement), key=lambda r: [str(r[k]) for k in key])
        return expected, got
    finally:
        small.close()
        duck.close()


def _table(rows: list[dict[str, object]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def _row(i: int, day: dt.date, n: int, kind: str, kinds: list[str] | None) -> dict[str, object]:
    return {
        "line": i,
        "day": day,
        "at": dt.datetime.combine(day, dt.time(9, 30)),
        "n": n,
        "kind": kind,
        "kinds": kinds,
        "flag": n % 2 == 0,
        "rate": n / 4,
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(DATES, st.integers(-40, 40), WORDS, st.none() | st.lists(WORDS, max_size=4)),
        min_size=1,
        max_size=8,
    )
)
def test_date_shifts_and_row_values_match_duckdb(
    rows: list[tuple[dt.date, int, str, list[str] | None]],
) -> None:
    table = _table([_row(i, *r) for i, r in enumerate(rows)])

    def build(t: ibis.Table) -> ibis.Table:
        return t.select(
            "line",
            "at",
            "flag",
            "rate",
            plus_days=t.day + t.n.as_interval("D"),
            minus_days=t.day - ibis.interval(days=3),
            weeks=t.day + ibis.interval(weeks=2),
            plus_months=t.day + t.n.as_interval("M"),
            minus_months=t.day - ibis.interval(months=6),
            six=t.day + ibis.interval(months=6),
            years=t.day + ibis.interval(years=1),
            years_back=t.day - t.n.as_interval("Y"),
            later=t.day + ibis.interval(days=10) > t.day,
            holds=t.kinds.contains(t.kind),
            joined=t.kinds.sort().join(", "),
            both=ibis.literal(" and ").join([ibis.cases((t.flag, t.kind), else_=None), t.kind]),
            rest=t.n % 7,
            # an operand that is itself an operation, as a month's index is in SST reports
            month=(t.n * 12 + t.day.month() - 1) % 12 + 1,
            cents=((t.rate * 100).round().cast("int64") % 100).cast("string"),
            whole=(t.n // 3).cast("string"),
        )

    expected, got = _both(table, build)
    assert got == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), WORDS | st.none()), min_size=1, max_size=10))
def test_collected_lists_match_duckdb(rows: list[tuple[int, str | None]]) -> None:
    table = _table(
        [
            {**_row(i, dt.date(2025, 1, 1), group, kind or "", None), "kind": kind}
            for i, (group, kind) in enumerate(rows)
        ]
    )

    def build(t: ibis.Table) -> ibis.Table:
        return t.group_by("n").aggregate(
            kinds=t.kind.collect().sort().join(", "),
            distinct=t.kind.collect(distinct=True).sort().join("; "),
            some=t.kind.collect(where=t.line > 1).sort().join(","),
        )

    expected, got = _both(table, build)
    assert got == expected


def test_an_expression_sqlite_cannot_write_is_refused() -> None:
    duck = DuckDBEngine(threads=1)
    try:
        t = duck.register("t", _table([_row(0, dt.date(2025, 1, 31), 1, "a", ["a"])]))
        assert sqlite_sql(t.select(n=t.kinds.length())) is None
        # an ordered list has no form in SQLite 3.40
        assert sqlite_sql(t.aggregate(k=t.kind.collect(order_by=t.line))) is None
    finally:
        duck.close()


def test_a_table_filled_again_holds_the_new_rows_only() -> None:
    small = SQLiteRows()
    try:
        first = _table([_row(0, dt.date(2025, 1, 31), 1, "a", ["a"])])
        small.create("t", SCHEMA)
        small.fill("t", first)
        small.fill("t", _table([_row(i, dt.date(2025, 2, 1), i, "b", None) for i in range(3)]))
        assert small.raw.execute('SELECT count(*), min(day) FROM "t"').fetchone() == (
            3,
            "2025-02-01",
        )
        small.fill("t", first)
        assert small.raw.execute('SELECT count(*) FROM "t"').fetchone() == (1,)
    finally:
        small.close()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
        (dt.date(2025, 1, 15), 1, dt.date(2025, 2, 15)),
        (dt.date(2024, 12, 31), 2, dt.date(2025, 2, 28)),
    ],
)
def test_a_month_shift_stops_on_the_last_day_of_the_month_it_reaches(
    day: dt.date, months: int, expected: dt.date
) -> None:
    table = _table([_row(0, day, months, "a", None)])
    expected_rows, got = _both(table, lambda t: t.select(d=t.day + t.n.as_interval("M")))
    assert got == expected_rows == [{"d": expected}]

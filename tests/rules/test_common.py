"""Shared rule expressions give the same answers on every engine."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from caseledger.facts.engines import DuckDBEngine, Engine, SparkEngine
from caseledger.policy import units_for_minutes
from caseledger.rules.common import has_text, trimmed, units_supported

SAMPLES = [" f331 ", "vivid", "Psychology ", "\tfive\n", "   ", "", None, "of", "v"]


def _trim_and_test(engine: Engine, values: list[str | None]) -> list[tuple[object, object]]:
    t = engine.register("samples", pa.table({"i": list(range(len(values))), "s": values}))
    rows = engine.execute(t.select("i", a=trimmed(t.s), b=has_text(t.s)).order_by("i"))
    return [(r["a"], r["b"]) for r in rows.to_pylist()]


def test_trimmed_keeps_letters_at_the_ends_on_duckdb_and_spark(spark_engine: SparkEngine) -> None:
    expected = [(None if v is None else v.strip(), bool(v and v.strip())) for v in SAMPLES]
    assert _trim_and_test(DuckDBEngine(), SAMPLES) == expected
    assert _trim_and_test(spark_engine, SAMPLES) == expected


@settings(max_examples=40, deadline=None)
@given(
    minutes=st.integers(0, 600),
    unit=st.sampled_from([15, 60, 180]),
    mode=st.sampled_from(["cms_8_minute", "cpt_midpoint", "whole_units", "untimed"]),
)
def test_units_supported_matches_the_policy_function(minutes: int, unit: int, mode: str) -> None:
    engine = DuckDBEngine()
    t = engine.register("m", pa.table({"m": [minutes], "u": [unit], "r": [mode]}))
    [row] = engine.execute(t.select(n=units_supported(t.m, t.u, t.r))).to_pylist()
    assert row["n"] == units_for_minutes(minutes, unit, mode)

"""Fixtures for rule tests: one Spark session for the whole run (starting one takes seconds)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from caseledger.facts.engines import SparkEngine


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[SparkEngine]:
    yield SparkEngine(master="local[1]")

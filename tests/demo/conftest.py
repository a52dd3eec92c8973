"""Small demo agencies shared by the demo tests (built once per session)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from caseledger.demo import DemoOptions, generate
from caseledger.facts.dataset import read_dataset

SMALL = {"clients": 40, "months": 3}


@dataclass
class Built:
    folder: Path
    tables: dict[str, list[dict[str, Any]]]
    as_of: dt.date
    planted: list[dict[str, str]]


def build(folder: Path, **options: Any) -> Built:
    generate(folder, DemoOptions(**options))
    result = read_dataset(folder)
    assert result.ok, result.problems[:5]
    manifest = json.loads((folder / "demo.json").read_text(encoding="utf-8"))
    with (folder / "planted.csv").open(encoding="utf-8", newline="") as f:
        planted = list(csv.DictReader(f))
    return Built(folder, result.dataset.tables, dt.date.fromisoformat(manifest["as_of"]), planted)


@pytest.fixture(scope="session")
def small_clean(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("clean"), clean=True, **SMALL)


@pytest.fixture(scope="session")
def small_planted(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("planted"), **SMALL)

"""Fixtures for the dataset tests: a folder of CSV files written exactly as given."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from caseledger.facts.dataset import ReadResult, read_dataset

Files = Mapping[str, str | bytes]


def write_files(folder: Path, files: Files) -> Path:
    """Writes each file byte for byte (text as UTF-8, line ends untouched)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def read(tmp_path: Path) -> Callable[..., ReadResult]:
    """``read({"encounters.csv": "..."}, known_ids=...)`` writes the files and reads the folder."""
    count = 0

    def run(files: Files, **options: object) -> ReadResult:
        nonlocal count
        count += 1
        folder = write_files(tmp_path / f"dataset{count}", files)
        return read_dataset(folder, **options)  # type: ignore[arg-type]

    return run

"""docs/dataset.md is the format's reference for users; it must match the contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from caseledger.facts import docs
from caseledger.facts.schema import OPEN_ENUMS, TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "dataset.md"


def test_committed_document_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == docs.render(), (
        f"docs/dataset.md is stale; regenerate it with: {docs.REGENERATE}"
    )


def test_every_file_and_column_is_documented_with_its_facts() -> None:
    text = docs.render()
    for table in TABLES:
        assert f"### {table.filename}\n" in text
        section = text.split(f"### {table.filename}\n", 1)[1].split("\n### ", 1)[0]
        for column in table.columns:
            row = next(
                line for line in section.splitlines() if line.startswith(f"| `{column.name}`")
            )
            assert ("| yes |" in row) == column.required, row
            assert row.rstrip().endswith("| PHI |") == column.phi, row
            for choice in column.choices:
                assert f"`{choice}`" in row
            if column.ref:
                assert f"`{column.ref[0]}.csv`" in row
    assert "other values are kept" in text and OPEN_ENUMS


def test_the_module_prints_the_document() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "caseledger.facts.docs"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert out == docs.render()

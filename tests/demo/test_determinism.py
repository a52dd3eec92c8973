"""Same arguments, same bytes; another seed, other data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from caseledger.demo import DemoOptions, generate
from tests.demo.conftest import SMALL, Built


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(small_planted: Built, tmp_path: Path) -> None:
    generate(tmp_path, DemoOptions(**SMALL))
    assert _files(tmp_path) == _files(small_planted.folder)


def test_another_seed_changes_the_data(small_planted: Built, tmp_path: Path) -> None:
    generate(tmp_path, DemoOptions(seed=2, **SMALL))
    mine, theirs = _files(tmp_path), _files(small_planted.folder)
    assert mine.keys() == theirs.keys()
    for name in ("encounters.csv", "clients.csv", "staff.csv", "planted.csv"):
        assert mine[name] != theirs[name], name


def test_clean_is_the_same_agency_without_the_plants(
    small_clean: Built, small_planted: Built
) -> None:
    clean = {c["client_id"]: c["last_name"] for c in small_clean.tables["clients"]}
    planted = {c["client_id"]: c["last_name"] for c in small_planted.tables["clients"]}
    assert clean == planted
    ids = {e["encounter_id"] for e in small_clean.tables["encounters"]}
    # plants change records in place or add new ones; they never drop a clean encounter
    assert ids <= {e["encounter_id"] for e in small_planted.tables["encounters"]}


def test_no_dependence_on_the_interpreter_hash_seed(small_planted: Built, tmp_path: Path) -> None:
    """Set and dict orders of strings change with PYTHONHASHSEED; the files must not."""
    code = (
        "import sys; from pathlib import Path; from caseledger.demo import DemoOptions, generate; "
        "generate(Path(sys.argv[1]), DemoOptions(clients=40, months=3))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env)
    assert _files(tmp_path) == _files(small_planted.folder)

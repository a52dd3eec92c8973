"""Writing the demo agency: one canonical CSV per dataset table, ``planted.csv`` (the violations
an audit should find) and ``demo.json`` (how the folder was made and the as-of date to audit on)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from caseledger import __version__
from caseledger.demo.builder import Demo
from caseledger.demo.model import rows
from caseledger.demo.plants.base import Planted
from caseledger.facts import csvio
from caseledger.facts.cells import Value
from caseledger.facts.schema import TABLES

PLANTED_FILE = "planted.csv"
PLANTED_COLUMNS = ("rule", "subject_type", "subject_id", "detail")
MANIFEST_FILE = "demo.json"
#: every file the generator may write, and so may replace under --force
OWN_FILES = (
    *(t.filename for t in TABLES),
    PLANTED_FILE,
    "planted.parquet",
    MANIFEST_FILE,
    *(f"{t.name}.parquet" for t in TABLES),
)


def _key(row: dict[str, Value], key: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    # the dataset's canonical order: by key, an empty cell first
    return tuple((0, "") if row[k] is None else (1, str(row[k])) for k in key)


def write_dataset(folder: Path, demo: Demo) -> dict[str, int]:
    """Writes every table; returns rows per file name."""
    records = demo.data.records()
    written: dict[str, int] = {}
    for table in TABLES:
        table_rows = rows(table.name, records[table.name])
        table_rows.sort(key=lambda r, k=table.key: _key(r, k))  # type: ignore[misc]
        written[table.filename] = csvio.write_table(folder, table, table_rows)
    return written


def write_planted(folder: Path, planted: Iterable[Planted]) -> int:
    ordered = sorted(planted, key=lambda p: (p.rule, p.subject_type, p.subject_id, p.detail))
    with (folder / PLANTED_FILE).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(PLANTED_COLUMNS)
        for p in ordered:
            writer.writerow((p.rule, p.subject_type, p.subject_id, p.detail))
    return len(ordered)


def manifest(demo: Demo, counts: dict[str, int]) -> dict[str, object]:
    o = demo.options
    period = o.period
    return {
        "generator": f"caseledger {__version__} demo generate",
        "arguments": {
            "clients": o.clients,
            "months": o.months,
            "seed": o.seed,
            "start": o.start.isoformat(),
            "clean": o.clean,
        },
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "as_of": period.as_of.isoformat(),
        "as_of_reason": (
            "last day of the month after the period: every SST monthly report deadline (end of "
            "the following month), note deadline (5 business days) and 48-hour follow-up in the "
            "data has passed, so each one is decidable"
        ),
        "history": (
            "services before the period: one earlier SST episode for some clients (lifetime "
            "half-days), and 2018-2019 adaptive behavior services for a few children (0372T "
            "until 2018-12-31, its replacement codes after)"
        ),
        "files": counts,
        "planted": dict(sorted(Counter(p.rule for p in demo.planted).items())),
    }


def write_manifest(folder: Path, demo: Demo, counts: dict[str, int]) -> None:
    text = json.dumps(manifest(demo, counts), indent=2, sort_keys=True) + "\n"
    (folder / MANIFEST_FILE).write_text(text, encoding="utf-8")


def clear(folder: Path) -> None:
    """Removes the files a previous run wrote (and nothing else)."""
    for name in OWN_FILES:
        path = folder / name
        if path.is_file():
            path.unlink()


def write(folder: Path, demo: Demo) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    counts = write_dataset(folder, demo)
    counts[PLANTED_FILE] = write_planted(folder, demo.planted)
    write_manifest(folder, demo, counts)
    return counts

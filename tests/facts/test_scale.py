"""Reading stays quick at the size of a busy agency's year, and linear even when every record of
a large file is broken. Bounds are generous (ten times what a laptop takes): they catch a slow
algorithm, not a slow machine."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

from caseledger.facts import csvio
from caseledger.facts.dataset import read_dataset
from caseledger.facts.schema import table

NOTE = 'Met at the library, practiced "small talk" with peers.\nNext: bus schedule, on Friday.'


def test_twenty_thousand_encounters_with_notes(tmp_path: Path) -> None:
    rows = [
        {
            "encounter_id": f"E{i:06d}",
            "client_id": f"C{i % 300}",
            "staff_id": f"S{i % 12}",
            "service_code": "H2017",
            "modifiers": ("HO", "HQ"),
            "date": dt.date(2024, 1, 1) + dt.timedelta(days=i % 360),
            "start_time": dt.time(9, 0),
            "end_time": dt.time(10, 15),
            "place": "community",
            "activity": "coordination",
            "billable": True,
            "note_text": NOTE * (1 + i % 3),
        }
        for i in range(20_000)
    ]
    csvio.write_table(tmp_path, table("encounters"), rows)
    started = time.perf_counter()
    result = read_dataset(tmp_path)
    elapsed = time.perf_counter() - started
    assert result.ok
    assert len(result.dataset.rows("encounters")) == 20_000
    assert result.dataset.rows("encounters")[-1]["note_text"] == NOTE * (1 + 19_999 % 3)
    assert elapsed < 5, f"reading 20,000 encounters took {elapsed:.1f} s"


def test_every_record_broken(tmp_path: Path) -> None:
    lines = ["encounter_id,client_id,service_code,date"]
    lines += [f'E{i},C1,"H2017"x,2024-01-02' for i in range(20_000)]
    (tmp_path / "encounters.csv").write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    result = read_dataset(tmp_path)
    elapsed = time.perf_counter() - started
    assert [p.line for p in result.problems] == list(range(2, 20_002))
    assert elapsed < 5, f"reading 20,000 broken records took {elapsed:.1f} s"


def test_an_unclosed_quote_early_in_a_large_file(tmp_path: Path) -> None:
    head = "encounter_id,client_id,service_code,date,note_text\n"
    good = "".join(f"E{i},C1,H2017,2024-01-02,note {i}\n" for i in range(6_000))
    text = head + 'E-1,C1,H2017,2024-01-02,"opened, never closed\n' + good + "E-2,C1,H2017,bad,x\n"
    assert len(good) > csv.field_size_limit()  # the quote would swallow more than a cell may hold
    (tmp_path / "encounters.csv").write_text(text)
    result = read_dataset(tmp_path)
    assert [(p.line, p.column) for p in result.problems] == [(2, "note_text"), (6_003, "date")]
    assert "closing quote is probably missing" in result.problems[0].message
    assert len(result.dataset.rows("encounters")) == 6_000

"""--clean: no planted violations, and the data keeps every rule the catalog lists."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.demo.conftest import Built, build
from tests.demo.oracle import Oracle, business_days_after, minutes, supported_units


def test_planted_csv_is_empty(small_clean: Built) -> None:
    assert small_clean.planted == []
    assert (small_clean.folder / "planted.csv").read_text() == (
        "rule,subject_type,subject_id,detail\n"
    )


def test_no_rule_finds_anything(small_clean: Built) -> None:
    assert Oracle(small_clean.tables, small_clean.as_of).run() == set()


@pytest.mark.parametrize("seed", [2, 3])
def test_no_rule_finds_anything_for_other_seeds_and_lengths(tmp_path: Path, seed: int) -> None:
    built = build(tmp_path, clients=60, months=5, seed=seed, clean=True)
    assert Oracle(built.tables, built.as_of).run() == set()


def _billable(built: Built) -> list[dict[str, object]]:
    return [e for e in built.tables["encounters"] if e["billable"]]


def test_sst_lifetime_stays_well_under_26(small_clean: Built) -> None:
    counts = Counter(e["client_id"] for e in _billable(small_clean) if e["service_code"] == "SST")
    assert counts and max(counts.values()) <= 22


def test_psr_groups_keep_eight_per_professional(small_clean: Built) -> None:
    size: dict[object, set[object]] = defaultdict(set)
    for e in _billable(small_clean):
        if e["group_id"]:
            size[e["group_id"]].add(e["client_id"])
    groups = small_clean.tables["group_sessions"]
    psr = [g for g in groups if g["service_code"] == "H2017"]
    assert psr
    assert all(len(size[g["group_id"]]) <= 8 * len(g["staff_ids"]) for g in psr)
    assert all(len(size[g["group_id"]]) <= 8 for g in groups if g["service_code"] != "H2017")


def test_units_match_documented_time(small_clean: Built) -> None:
    unit = {"SST": "half_day", "SST-TRANSPORT": "session", "0372T": "session"}
    for e in _billable(small_clean):
        mins = minutes(e)
        assert mins is not None
        assert e["units"] == supported_units(unit.get(e["service_code"], "quarter"), mins)


def test_notes_signed_by_the_worker_or_supervisor_within_five_business_days(
    small_clean: Built,
) -> None:
    staff = {s["staff_id"]: s for s in small_clean.tables["staff"]}
    for e in _billable(small_clean):
        assert e["note_text"]
        assert e["note_signed_by"] in (e["staff_id"], staff[e["staff_id"]]["supervisor_id"])
        # weekdays, holidays counted as working days: the strictest reading of the 5-day rule
        assert business_days_after(e["date"], e["note_signed_on"]) <= 5


def test_no_client_is_in_two_places_at_once(small_clean: Built) -> None:
    by_day: dict[tuple[object, object], list[tuple[dt.time, dt.time]]] = defaultdict(list)
    for e in _billable(small_clean):
        by_day[(e["client_id"], e["date"])].append((e["start_time"], e["end_time"]))
    for spans in by_day.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start


def test_every_program_and_history_is_present(small_clean: Built) -> None:
    codes = Counter(e["service_code"] for e in _billable(small_clean))
    for code in ("SST", "SST-TRANSPORT", "H2017", "H2017P", "H2017S", "CSW", "97153", "97155",
                 "97156", "97158", "0372T"):  # fmt: skip
        assert codes[code] > 0, code
    oldest = min(e["date"] for e in _billable(small_clean) if e["service_code"] == "0372T")
    newest = max(e["date"] for e in _billable(small_clean) if e["service_code"] == "0372T")
    assert oldest.year == 2018 and newest < dt.date(2019, 1, 1)
    assert small_clean.tables["missed_appointments"] and small_clean.tables["contacts"]
    assert small_clean.tables["progress_reports"]

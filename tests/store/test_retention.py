"""Retention and legal holds: a purge removes only what is past keep-until and not held, shows
what it would do first, and logs what it did."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from caseledger.cli import app
from caseledger.facts.dataset import write_dataset
from caseledger.store import Store
from caseledger.store.access_log import entries
from caseledger.store.importer import import_dataset
from caseledger.store.retention import (
    add_years,
    keep_until,
    place_hold,
    plan_purge,
    purge,
    purgeable,
    release_hold,
)
from caseledger.store.tables import table
from tests.rules.scenario import Scenario, policy

runner = CliRunner()
PROGRAMS = ("sst", "cpr", "sud")
CLIENTS = {"sst": "C-SST", "cpr": "C-CPR", "sud": "C-SUD"}
_ids = itertools.count()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    s = Scenario()
    for program in PROGRAMS:
        s.encounter(program, dt.date(2025, 1, 8))
    write_dataset(s.dataset(), folder / "data")
    return folder / "data"


@pytest.fixture
def store(base: Path, tmp_path: Path) -> Store:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    assert import_dataset(opened, base, actor="setup").committed
    return opened


def _years(program: str) -> int:
    """The oracle: the longer of the program's period and MO HealthNet's, from the packs."""
    p = policy()
    on = dt.date(2020, 1, 1)
    return max(
        int(p.param(program, "retention_years", on).value),
        int(p.param("mo_healthnet", "retention_years", on).value),
    )


def test_periods_follow_the_seeds_and_the_longest_applies() -> None:
    assert (_years("sst"), _years("cpr"), _years("sud")) == (6, 7, 7)
    p = policy()
    day = dt.date(2015, 6, 1)
    assert keep_until(p, "H2017", ("HO",), day) == dt.date(2022, 6, 1)  # CPR: 7 years
    assert keep_until(p, "NOPE", (), day) == dt.date(2022, 6, 1)  # unknown: the longest


def test_a_leap_day_is_kept_to_the_first_of_march() -> None:
    assert add_years(dt.date(2016, 2, 29), 7) == dt.date(2023, 3, 1)


def _add_encounters(store: Store, plan: list[tuple[str, dt.date]]) -> list[dict[str, Any]]:
    with store.unit_of_work(actor="setup") as uow:
        template = uow.encounters.list_where()
        by_program = {CLIENTS[p]: next(e for e in template if e["client_id"] == CLIENTS[p])
                      for p in PROGRAMS}  # fmt: skip
        rows = []
        for program, day in plan:
            row = dict(by_program[CLIENTS[program]])
            row.update(
                encounter_id=f"X{next(_ids)}",
                date=day,
                note_signed_on=day + dt.timedelta(days=1),
            )
            rows.append(row)
        uow.encounters.upsert_many(rows)
    return rows


def _remaining(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(table("encounters").c.encounter_id)).scalars())


days = st.dates(dt.date(2010, 1, 1), dt.date(2025, 6, 30))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.lists(st.tuples(st.sampled_from(PROGRAMS), days), min_size=1, max_size=25),
    held=st.sets(st.sampled_from(PROGRAMS)),
    before=days,
    as_of=st.dates(dt.date(2018, 1, 1), dt.date(2030, 1, 1)),
)
def test_a_purge_never_removes_a_held_or_young_record_and_removes_the_rest(
    store: Store,
    plan: list[tuple[str, dt.date]],
    held: set[str],
    before: dt.date,
    as_of: dt.date,
) -> None:
    rows = _add_encounters(store, plan)
    holds = []
    with store.unit_of_work(actor="counsel") as uow:
        holds = [place_hold(uow, CLIENTS[p], "litigation") for p in sorted(held)]
        found = plan_purge(uow, policy(), before=before, as_of=as_of)
        purge(uow, found)
    left = _remaining(store)
    program_of = {CLIENTS[p]: p for p in PROGRAMS}
    for row in rows:
        program = program_of[str(row["client_id"])]
        day = row["date"]
        assert isinstance(day, dt.date)
        expected_gone = (
            program not in held and add_years(day, _years(program)) < as_of and day < before
        )
        assert (row["encounter_id"] not in left) == expected_gone, (program, day, held)
    # Tidy up for the next example: this test's encounters and holds.
    with store.unit_of_work(actor="setup") as uow:
        enc = table("encounters")
        ids = [r["encounter_id"] for r in rows]
        uow.connection.execute(enc.delete().where(enc.c.encounter_id.in_(ids)))
        for number in holds:
            release_hold(uow, number)


def test_the_purge_logs_one_delete_per_client_and_no_phi(store: Store) -> None:
    _add_encounters(store, [("cpr", dt.date(2012, 1, 5)), ("cpr", dt.date(2012, 2, 5))])
    with store.unit_of_work(actor="records-officer") as uow:
        before = len(entries(uow.connection))
        assert purge(uow, plan_purge(uow, policy(), before=dt.date(2013, 1, 1),
                                     as_of=dt.date(2020, 1, 1))) == 2  # fmt: skip
        logged = entries(uow.connection)[before:]
    assert [(e.action, e.client_id, e.actor) for e in logged] == [
        ("delete", "C-CPR", "records-officer")
    ]
    assert "2 encounter(s)" in (logged[0].detail or "")


def test_purge_command_shows_first_and_applies_only_when_asked(store: Store) -> None:
    rows = _add_encounters(store, [("sst", dt.date(2011, 3, 1)), ("sud", dt.date(2011, 3, 1))])
    db = store.url
    hold = runner.invoke(app, ["--db", db, "hold", "add", "C-SUD", "--reason", "audit by MMAC"])
    assert hold.exit_code == 0, hold.output
    args = ["--db", db, "purge", "--before", "2012-01-01", "--as-of", "2025-01-01"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "1 encounter(s) would be removed" in shown.output
    assert "1 kept for legal holds" in shown.output
    assert {r["encounter_id"] for r in rows} <= _remaining(store)  # a dry run by default
    done = runner.invoke(app, [*args, "--apply"])
    assert done.exit_code == 0 and "Removed 1 encounter(s)" in done.output
    left = _remaining(store)
    assert rows[0]["encounter_id"] not in left and rows[1]["encounter_id"] in left
    assert "C-SUD" in runner.invoke(app, ["--db", db, "holds"]).output


def test_purgeable_needs_all_three() -> None:
    d, k = dt.date(2010, 1, 1), dt.date(2016, 1, 1)
    assert purgeable(d, k, False, before=dt.date(2011, 1, 1), as_of=dt.date(2017, 1, 1))
    assert not purgeable(d, k, True, before=dt.date(2011, 1, 1), as_of=dt.date(2017, 1, 1))
    assert not purgeable(d, k, False, before=dt.date(2010, 1, 1), as_of=dt.date(2017, 1, 1))
    assert not purgeable(d, k, False, before=dt.date(2011, 1, 1), as_of=dt.date(2016, 1, 1))

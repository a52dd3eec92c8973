"""``summarize``: counts and dates, read without touching PHI."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.store import Store
from caseledger.store.importer import import_dataset
from caseledger.store.summary import program_of, summarize

from .conftest import FIXTURE, table_contents


@pytest.mark.parametrize(
    ("code", "program"),
    [
        ("SST", "sst"),
        ("SST-TRANSPORT", "sst"),
        ("CSW", "sud"),
        ("H2017", "cpr"),
        ("H2017P", "cpr"),
        ("h2017s", "cpr"),
        ("0372T", "aba"),
        ("97153", "aba"),
        ("97158", "aba"),
        ("0373T", "aba"),
        ("99213", "other"),
    ],
)
def test_programs_by_service_code(code: str, program: str) -> None:
    assert program_of(code) == program


def test_the_fixture_agency_summarized(store: Store) -> None:
    import_dataset(store, FIXTURE, actor="t")
    before = table_contents(store)
    summary = summarize(store)
    assert table_contents(store) == before  # no access-log entry: no PHI was read
    assert (summary.clients, summary.staff, summary.encounters) == (3, 3, 4)
    assert summary.rows["plan_goals"] == 3
    assert (summary.first_encounter, summary.last_encounter) == (
        dt.date(2024, 2, 6),
        dt.date(2024, 7, 2),
    )
    assert (summary.clients_with_encounters, summary.staff_with_encounters) == (3, 3)
    assert [(p.program, p.encounters, p.clients, p.first, p.last) for p in summary.programs] == [
        ("sst", 2, 1, dt.date(2024, 2, 6), dt.date(2024, 2, 6)),
        ("cpr", 1, 1, dt.date(2024, 7, 2), dt.date(2024, 7, 2)),
        ("sud", 1, 1, dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
    ]
    assert summary.access_log_entries == 3


def test_an_empty_store(store: Store) -> None:
    summary = summarize(store)
    assert summary.encounters == 0 and summary.programs == []
    assert summary.first_encounter is None

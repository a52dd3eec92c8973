"""Protected health information never appears in a problem or a notice, whatever goes wrong
with the row that holds it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseledger.facts.dataset import ReadResult, read_dataset
from caseledger.facts.schema import TABLES, Column, Kind, Table
from tests.facts.conftest import write_files

PHI_TABLES = [t for t in TABLES if any(c.phi for c in t.columns)]

# Values that look like PHI and cannot occur in a message by accident: a capitalised word with
# digits (a name, a Medicaid id, a phone number), sometimes with a comma or a quote inside.
phi_texts = st.from_regex(r"\A[A-Z][a-z]{3,6}[,' \"]?[0-9]{4,7}\Z")
# A date of birth that is not a date (month 13-19), so that its cell is refused.
bad_dates = st.from_regex(r"\A(19|20)[0-9]{2}-1[3-9]-[0-3][0-9]\Z")

_VALID = {
    Kind.ID: "X1",
    Kind.STR: "s",
    Kind.TEXT: "t",
    Kind.DATE: "2024-01-02",
    Kind.DATETIME: "2024-01-02T10:00",
    Kind.MONTH: "2024-01",
}


def _filler(column: Column) -> str:
    if column.required:
        return column.choices[0] if column.choices else _VALID[column.kind]
    return ""


def _phi_file(table: Table, draw: st.DrawFn) -> tuple[str, list[str]]:
    """A file whose rows put PHI in every PHI column and go wrong in every way a row can."""
    secrets: list[str] = []

    def row() -> list[str]:
        cells = []
        for column in table.columns:
            if column.phi:
                value = draw(bad_dates if column.kind is Kind.DATE else phi_texts)
                secrets.append(value)
                cells.append(value)
            else:
                cells.append(_filler(column))
        return cells

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    first = row()
    writer.writerow(first)  # line 2: refused cells (a date of birth), references to left-out rows
    writer.writerow(first)  # line 3: the same key again, a duplicate
    writer.writerow([*row(), draw(phi_texts)])  # line 4: one cell too many
    secrets.append(draw(phi_texts))
    text = out.getvalue() + f'X9,"{secrets[-1]}\n'  # line 5: a quote that is never closed
    return text, secrets


@st.composite
def broken_folders(draw: st.DrawFn) -> tuple[dict[str, str], list[str]]:
    files: dict[str, str] = {}
    secrets: list[str] = []
    for table in draw(st.lists(st.sampled_from(PHI_TABLES), min_size=1, unique=True)):
        files[table.filename], found = _phi_file(table, draw)
        secrets += found
    files.setdefault("encounters.csv", "encounter_id,client_id,service_code,date\n")
    return files, secrets


def everything_said(result: ReadResult) -> list[str]:
    return [str(p) for p in result.problems] + result.notices


@given(broken_folders())
def test_phi_never_appears_in_problems_or_notices(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[dict[str, str], list[str]]
) -> None:
    files, secrets = case
    result = read_dataset(write_files(tmp_path_factory.mktemp("phi"), files))
    for name in files:
        if files[name].count("\n") > 1:
            assert {p.line for p in result.problems if p.file == name} >= {3, 4, 5}
    said = "\n".join(everything_said(result))
    leaked = [s for s in secrets if s in said]
    assert leaked == []


def test_a_refused_date_of_birth_says_what_was_expected_without_the_value(tmp_path: Path) -> None:
    files = {
        "encounters.csv": "encounter_id,client_id,service_code,date\n",
        "clients.csv": "client_id,agency_id,dob\nC1,A1,1961-31-12\n",
    }
    result = read_dataset(write_files(tmp_path, files))
    [problem] = result.problems
    assert (problem.file, problem.line, problem.column) == ("clients.csv", 2, "dob")
    assert "expected a date YYYY-MM-DD" in problem.message
    assert "protected health information" in problem.message
    assert "1961" not in str(problem)


def test_a_duplicate_diagnosis_does_not_show_the_code(tmp_path: Path) -> None:
    files = {
        "encounters.csv": "encounter_id,client_id,service_code,date\n",
        "diagnoses.csv": "client_id,icd10,start_date\nC1,F33.1,\nC1,F33.1,\n",
    }
    [problem] = read_dataset(write_files(tmp_path, files)).problems
    assert (problem.line, problem.column) == (3, None)
    assert "icd10 (same value, not shown)" in problem.message
    assert "F33" not in str(problem)


def test_invalid_utf8_in_a_note_names_the_byte_not_the_note(tmp_path: Path) -> None:
    head = b"encounter_id,client_id,service_code,date,note_text\n"
    files = {"encounters.csv": head + b"E1,C1,H2017,2024-01-02,Secretname \xff Moresecret\n"}
    [problem] = read_dataset(write_files(tmp_path, files)).problems
    assert (problem.line, problem.column) == (2, "note_text")
    assert "0xFF" in problem.message
    assert "secret" not in str(problem).lower()

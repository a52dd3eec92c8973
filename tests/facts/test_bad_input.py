"""Every kind of bad input is reported at its file, line and column, saying what was expected."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from caseledger.facts.dataset import DatasetNotFound, Problem, ReadResult, read_dataset

Read = Callable[..., ReadResult]

ENC = "encounter_id,client_id,service_code,date\n"


def only(result: ReadResult) -> Problem:
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


def where(problem: Problem) -> tuple[str, int | None, str | None]:
    return problem.file, problem.line, problem.column


def test_wrong_type_names_the_cell_and_what_was_expected(read: Read) -> None:
    result = read(
        {
            "encounters.csv": ENC + "E1,C1,H2017,2024-01-02\n",
            "authorizations.csv": "authorization_id,client_id,kind,units\nA1,C1,service,ten\n",
        }
    )
    problem = only(result)
    assert where(problem) == ("authorizations.csv", 2, "units")
    assert "expected a whole number" in problem.message
    assert "'ten'" in problem.message  # not PHI: a clerk needs to see what was found
    assert str(problem).startswith("authorizations.csv:2:units: expected a whole number")
    assert result.dataset.rows("authorizations") == []


def test_bad_date(read: Read) -> None:
    result = read({"encounters.csv": ENC + "E1,C1,H2017,2024-01-02\nE2,C1,H2017,2024-13-01\n"})
    problem = only(result)
    assert where(problem) == ("encounters.csv", 3, "date")
    assert "not a real calendar date" in problem.message
    assert [r["encounter_id"] for r in result.dataset.rows("encounters")] == ["E1"]


def test_date_in_another_format(read: Read) -> None:
    problem = only(read({"encounters.csv": ENC + "E1,C1,H2017,01/02/2024\n"}))
    assert where(problem) == ("encounters.csv", 2, "date")
    assert "expected a date YYYY-MM-DD" in problem.message


def test_unknown_enum_value_lists_the_allowed_ones(read: Read) -> None:
    problem = only(
        read(
            {
                "encounters.csv": "encounter_id,client_id,service_code,date,place\n"
                "E1,C1,H2017,2024-01-02,office\n"
            }
        )
    )
    assert where(problem) == ("encounters.csv", 2, "place")
    assert "unknown value 'office'" in problem.message
    assert "facility, community, home" in problem.message


def test_open_enum_keeps_unlisted_values(read: Read) -> None:
    result = read(
        {
            "encounters.csv": ENC,
            "staff_credentials.csv": "staff_id,kind\nS1,lcpc\n",
        }
    )
    assert result.ok, [str(p) for p in result.problems]
    assert result.dataset.rows("staff_credentials")[0]["kind"] == "lcpc"


def test_required_cell_empty(read: Read) -> None:
    problem = only(read({"encounters.csv": ENC + "E1,C1,  ,2024-01-02\n"}))
    assert where(problem) == ("encounters.csv", 2, "service_code")
    assert "required" in problem.message


def test_missing_required_column_is_reported_on_the_header(read: Read) -> None:
    result = read({"encounters.csv": "encounter_id,client_id,date\nE1,C1,2024-01-02\n"})
    problem = only(result)
    assert where(problem) == ("encounters.csv", 1, "service_code")
    assert "required column is missing" in problem.message
    assert result.dataset.rows("encounters") == []
    assert result.dataset.present("encounters")


def test_duplicate_column_in_header(read: Read) -> None:
    result = read(
        {
            "encounters.csv": "encounter_id,client_id,service_code,date,date\n"
            "E1,C1,H2017,2024-01-02,2024-01-03\n"
        }
    )
    problem = only(result)
    assert where(problem) == ("encounters.csv", 1, "date")
    assert "twice" in problem.message and "columns 4 and 5" in problem.message
    assert result.dataset.rows("encounters") == []  # which date is meant cannot be known


def test_header_column_without_a_name(read: Read) -> None:
    problem = only(
        read(
            {
                "encounters.csv": "encounter_id,client_id,service_code,date,\n"
                "E1,C1,H2017,2024-01-02,x\n"
            }
        )
    )
    assert where(problem) == ("encounters.csv", 1, None)
    assert "column 5 has no name" in problem.message


def test_duplicate_id_names_the_first_line(read: Read) -> None:
    result = read(
        {
            "encounters.csv": ENC + "E1,C1,H2017,2024-01-02\nE2,C1,H2017,2024-01-02\n"
            "E1,C2,H2017,2024-01-03\n"
        }
    )
    problem = only(result)
    assert where(problem) == ("encounters.csv", 4, "encounter_id")
    assert "duplicate encounter_id 'E1'" in problem.message
    assert "first on line 2" in problem.message
    kept = result.dataset.rows("encounters")
    assert [(r["encounter_id"], r["client_id"]) for r in kept] == [("E1", "C1"), ("E2", "C1")]


def test_duplicate_natural_key_treats_empty_cells_as_equal(read: Read) -> None:
    result = read(
        {
            "encounters.csv": ENC,
            "staff_credentials.csv": "staff_id,kind,number,start_date\n"
            "S1,lpc,111,\nS1,lpc,222,2020-01-01\nS1,lpc,333,\n",
        }
    )
    problem = only(result)
    assert where(problem) == ("staff_credentials.csv", 4, None)
    assert "duplicate row" in problem.message
    assert "staff_id 'S1'" in problem.message and "start_date empty" in problem.message
    assert "first on line 2" in problem.message


def test_dangling_reference(read: Read) -> None:
    result = read(
        {
            "clients.csv": "client_id,agency_id\nC1,A1\n",
            "encounters.csv": ENC + "E1,C1,H2017,2024-01-02\nE2,C9,H2017,2024-01-02\n",
        }
    )
    problem = only(result)
    assert where(problem) == ("encounters.csv", 3, "client_id")
    assert "'C9'" in problem.message and "not in clients.csv" in problem.message
    assert [r["encounter_id"] for r in result.dataset.rows("encounters")] == ["E1"]


def test_every_dangling_element_of_a_list_is_reported(read: Read) -> None:
    result = read(
        {
            "encounters.csv": ENC,
            "staff.csv": "staff_id,agency_id\nS1,A1\n",
            "group_sessions.csv": "group_id,staff_ids\nG1,S1;S8;S9\nG2,S1\n",
        }
    )
    assert [where(p) for p in result.problems] == [("group_sessions.csv", 2, "staff_ids")] * 2
    assert "'S8'" in result.problems[0].message and "'S9'" in result.problems[1].message
    assert [r["group_id"] for r in result.dataset.rows("group_sessions")] == ["G2"]


def test_unclosed_quote_is_reported_where_the_cell_began_and_reading_goes_on(read: Read) -> None:
    text = (
        "encounter_id,client_id,service_code,date,note_text\n"
        'E1,C1,H2017,2024-01-02,"a note\nover two lines"\n'  # lines 2-3
        'E2,C1,H2017,2024-01-02,"never closed\n'  # line 4
        "E3,C1,H2017,2024-01-02,fine\n"
        "E4,C1,H2017,2024-13-02,bad date\n"
    )
    result = read({"encounters.csv": text})
    assert [where(p) for p in result.problems] == [
        ("encounters.csv", 4, "note_text"),
        ("encounters.csv", 6, "date"),
    ]
    assert "closing quote is missing" in result.problems[0].message
    assert [r["encounter_id"] for r in result.dataset.rows("encounters")] == ["E1", "E3"]


def test_unclosed_quote_in_a_later_cell_of_a_multiline_record(read: Read) -> None:
    text = (
        "encounter_id,client_id,service_code,date,unusual_circumstances,note_text\n"
        'E1,C1,H2017,2024-01-02,"line one\nline two",  "ok"\n'  # lines 2-3: fine
        'E2,C1,H2017,2024-01-02,"first\nsecond","opened on line 5\n'
        "and never closed\n"
    )
    result = read({"encounters.csv": text})
    # Reading resumes on the line after the opening quote, which alone is a short row.
    assert [where(p) for p in result.problems] == [
        ("encounters.csv", 5, "note_text"),
        ("encounters.csv", 6, None),
    ]
    assert [r["encounter_id"] for r in result.dataset.rows("encounters")] == ["E1"]


def test_text_after_a_closing_quote(read: Read) -> None:
    text = ENC + 'E1,C1,"H2017"x,2024-01-02\nE2,C1,H2017,2024-01-02\n'
    result = read({"encounters.csv": text})
    problem = only(result)
    assert where(problem) == ("encounters.csv", 2, "service_code")
    assert "after the closing quote" in problem.message
    assert [r["encounter_id"] for r in result.dataset.rows("encounters")] == ["E2"]


@pytest.mark.parametrize(
    ("row", "count"), [("E1,C1,H2017", 3), ("E1,C1,H2017,2024-01-02,extra", 5)]
)
def test_row_with_more_or_fewer_cells_than_the_header(read: Read, row: str, count: int) -> None:
    result = read({"encounters.csv": ENC + row + "\nE2,C1,H2017,2024-01-02\n"})
    problem = only(result)
    assert where(problem) == ("encounters.csv", 2, None)
    assert f"has {count} cells but the header has 4 columns" in problem.message
    assert [r["encounter_id"] for r in result.dataset.rows("encounters")] == ["E2"]


def test_invalid_utf8_names_the_line_and_column(read: Read) -> None:
    data = (ENC + "E1,C1,H2017,2024-01-02\nE2,C1,caf\xe9,2024-01-02\n").encode("latin-1")
    result = read({"encounters.csv": data})
    problem = only(result)
    assert where(problem) == ("encounters.csv", 3, "service_code")
    assert "not valid UTF-8" in problem.message and "0xE9" in problem.message
    assert [r["encounter_id"] for r in result.dataset.rows("encounters")] == ["E1"]


def test_invalid_utf8_inside_a_multiline_note_is_reported_on_the_record(read: Read) -> None:
    head = "encounter_id,client_id,service_code,date,note_text\n"
    data = head.encode() + b'E1,C1,H2017,2024-01-02,"line\nna\xefve"\n'
    problem = only(read({"encounters.csv": data}))
    assert where(problem) == ("encounters.csv", 2, "note_text")


def test_nul_character_cannot_be_stored(read: Read) -> None:
    problem = only(read({"encounters.csv": ENC + "E1,C1,H20\x0017,2024-01-02\n"}))
    assert where(problem) == ("encounters.csv", 2, "service_code")
    assert "NUL" in problem.message


def test_cell_longer_than_the_csv_limit(read: Read) -> None:
    head = "encounter_id,client_id,service_code,date,note_text\n"
    huge = "x" * (csv.field_size_limit() + 1)
    text = head + f'E1,C1,H2017,2024-01-02,"{huge}"\nE2,C1,H2017,2024-01-02,short\n'
    result = read({"encounters.csv": text})
    problem = only(result)
    assert where(problem) == ("encounters.csv", 2, "note_text")
    assert "longer than the limit" in problem.message
    assert [r["encounter_id"] for r in result.dataset.rows("encounters")] == ["E2"]


def test_missing_encounters_file_is_about_the_whole_file(read: Read) -> None:
    result = read({"clients.csv": "client_id,agency_id\nC1,A1\n"})
    problem = only(result)
    assert where(problem) == ("encounters.csv", None, None)
    assert "is missing" in problem.message
    assert str(problem).startswith("encounters.csv: is missing")
    assert not result.dataset.present("encounters")
    assert len(result.dataset.rows("clients")) == 1


def test_empty_file(read: Read) -> None:
    problem = only(read({"encounters.csv": ""}))
    assert where(problem) == ("encounters.csv", None, None)
    assert "header row" in problem.message


def test_every_problem_is_reported_in_load_order_then_line(read: Read) -> None:
    result = read(
        {
            "encounters.csv": ENC + "E1,C1,H2017,2024-99-01\nE2,C1,,2024-01-02\n",
            "clients.csv": "client_id,agency_id,dob\nC1,A1,\nC2,,\n",
            "staff.csv": "staff_id,agency_id,hire_date\nS1,A1,yesterday\n",
        }
    )
    assert [where(p) for p in result.problems] == [
        ("staff.csv", 2, "hire_date"),
        ("clients.csv", 3, "agency_id"),
        ("encounters.csv", 2, "date"),
        ("encounters.csv", 3, "service_code"),
    ]
    assert not result.ok


def test_problem_text_forms() -> None:
    assert str(Problem("a.csv", 3, "date", "bad")) == "a.csv:3:date: bad"
    assert str(Problem("a.csv", 3, None, "bad")) == "a.csv:3: bad"
    assert str(Problem("a.csv", None, None, "bad")) == "a.csv: bad"


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFound, match="not found"):
        read_dataset(tmp_path / "nowhere")
    (tmp_path / "file.csv").write_text("x")
    with pytest.raises(DatasetNotFound, match="not a folder"):
        read_dataset(tmp_path / "file.csv")
    assert issubclass(DatasetNotFound, FileNotFoundError)

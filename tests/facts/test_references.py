"""References: resolved forwards and within a file, through the store's ids, and a row that
refers to a left-out row is left out too."""

from __future__ import annotations

from collections.abc import Callable

from caseledger.facts.dataset import ReadResult

Read = Callable[..., ReadResult]

AGENCY = "agency_id,name\nA1,Agency\n"
ENC = "encounter_id,client_id,staff_id,service_code,date\n"


def where(result: ReadResult) -> list[tuple[str, int | None, str | None]]:
    return [(p.file, p.line, p.column) for p in result.problems]


def ids(result: ReadResult, table: str, column: str) -> list[object]:
    return [row[column] for row in result.dataset.rows(table)]


def test_supervisor_on_a_later_line_and_supervision_cycles_resolve(read: Read) -> None:
    result = read(
        {
            "agency.csv": AGENCY,
            "staff.csv": "staff_id,agency_id,supervisor_id\nS1,A1,S3\nS2,A1,S2\nS3,A1,S1\n",
            "encounters.csv": ENC,
        }
    )
    assert result.ok, [str(p) for p in result.problems]
    assert ids(result, "staff", "staff_id") == ["S1", "S2", "S3"]


def test_cascade_through_supervisors_and_into_encounters(read: Read) -> None:
    result = read(
        {
            "agency.csv": AGENCY,
            # S1 has a bad date; S2 is supervised by S1, S3 by S2; S4 stands alone.
            "staff.csv": "staff_id,agency_id,hire_date,supervisor_id\n"
            "S3,A1,,S2\nS1,A1,2020-02-30,\nS2,A1,,S1\nS4,A1,,\n",
            "clients.csv": "client_id,agency_id\nC1,A1\n",
            "encounters.csv": ENC + "E1,C1,S3,H2017,2024-01-02\nE2,C1,S4,H2017,2024-01-02\n",
        }
    )
    assert where(result) == [
        ("staff.csv", 2, "supervisor_id"),
        ("staff.csv", 3, "hire_date"),
        ("staff.csv", 4, "supervisor_id"),
        ("encounters.csv", 2, "staff_id"),
    ]
    s3, _, s2, e1 = result.problems
    assert "'S2' on line 4, which is left out" in s3.message
    assert "'S1' on line 3, which is left out" in s2.message
    assert "'S3' on staff.csv line 2, which is left out" in e1.message
    assert ids(result, "staff", "staff_id") == ["S4"]
    assert ids(result, "encounters", "encounter_id") == ["E2"]


def test_cascade_from_a_row_with_the_wrong_number_of_cells(read: Read) -> None:
    result = read(
        {
            "agency.csv": AGENCY,
            "clients.csv": "client_id,agency_id\nC1,A1,surplus\n",
            "encounters.csv": ENC + "E1,C1,,H2017,2024-01-02\n",
        }
    )
    assert where(result) == [("clients.csv", 2, None), ("encounters.csv", 2, "client_id")]
    assert "on clients.csv line 2, which is left out" in result.problems[1].message


def test_a_row_with_its_own_problem_still_has_its_references_checked(read: Read) -> None:
    result = read(
        {
            "agency.csv": AGENCY,
            "clients.csv": "client_id,agency_id\nC1,A1\n",
            "encounters.csv": ENC + "E1,C9,,H2017,never\n",
        }
    )
    assert where(result) == [("encounters.csv", 2, "date"), ("encounters.csv", 2, "client_id")]


def test_ids_already_in_the_store_satisfy_references(read: Read) -> None:
    files = {
        "clients.csv": "client_id,agency_id\nC1,A1\n",
        "encounters.csv": ENC + "E1,C1,S7,H2017,2024-01-02\nE2,C2,S8,H2017,2024-01-02\n",
        "staff.csv": "staff_id,agency_id,supervisor_id\nS8,A1,S0\n",
    }
    known = {"agency": {"A1"}, "clients": ["C2"], "staff": frozenset({"S7", "S0"})}
    result = read(files, known_ids=known)
    assert result.ok, [str(p) for p in result.problems]
    assert ids(result, "encounters", "encounter_id") == ["E1", "E2"]


def test_store_ids_are_checked_when_the_file_is_absent(read: Read) -> None:
    result = read(
        {"encounters.csv": ENC + "E1,C1,,H2017,2024-01-02\nE2,C2,,H2017,2024-01-02\n"},
        known_ids={"clients": {"C1"}},
    )
    assert where(result) == [("encounters.csv", 3, "client_id")]
    assert "not in the store" in result.problems[0].message


def test_references_into_an_absent_file_are_not_checked(read: Read) -> None:
    result = read({"encounters.csv": ENC + "E1,C1,S1,H2017,2024-01-02\n"})
    assert result.ok
    assert "encounters.csv: client_id is not checked because clients.csv is absent" in (
        result.notices
    )
    assert "encounters.csv: staff_id is not checked because staff.csv is absent" in result.notices


def test_a_present_but_empty_file_checks_references(read: Read) -> None:
    result = read(
        {
            "clients.csv": "client_id,agency_id\n",
            "encounters.csv": ENC + "E1,C1,,H2017,2024-01-02\n",
        }
    )
    assert where(result) == [("encounters.csv", 2, "client_id")]


def test_a_file_whose_header_is_unusable_leaves_out_its_rows_and_their_dependents(
    read: Read,
) -> None:
    result = read(
        {
            "clients.csv": "client_id,first_name\nC1,Ann\n",  # agency_id column missing
            "encounters.csv": ENC + "E1,C1,,H2017,2024-01-02\n",
        }
    )
    assert where(result) == [("clients.csv", 1, "agency_id"), ("encounters.csv", 2, "client_id")]
    assert "left out" in result.problems[1].message
    assert result.dataset.rows("clients") == []
    assert result.dataset.rows("encounters") == []


def test_a_duplicate_id_keeps_the_first_row_for_references(read: Read) -> None:
    result = read(
        {
            "agency.csv": AGENCY,
            "clients.csv": "client_id,agency_id\nC1,A1\nC1,A1\n",
            "encounters.csv": ENC + "E1,C1,,H2017,2024-01-02\n",
        }
    )
    assert where(result) == [("clients.csv", 3, "client_id")]
    assert ids(result, "encounters", "encounter_id") == ["E1"]


def test_group_session_leaders_and_encounter_groups(read: Read) -> None:
    result = read(
        {
            "agency.csv": AGENCY,
            "staff.csv": "staff_id,agency_id\nS1,A1\nS2,A1\n",
            "clients.csv": "client_id,agency_id\nC1,A1\n",
            "group_sessions.csv": "group_id,staff_ids\nG1,S1;S2\nG2,S2;S3\n",
            "encounters.csv": "encounter_id,client_id,service_code,date,group_id\n"
            "E1,C1,H2017,2024-01-02,G1\nE2,C1,H2017,2024-01-02,G2\n",
        }
    )
    assert where(result) == [
        ("group_sessions.csv", 3, "staff_ids"),
        ("encounters.csv", 3, "group_id"),
    ]
    assert ids(result, "encounters", "encounter_id") == ["E1"]
    assert ids(result, "group_sessions", "staff_ids") == [("S1", "S2")]

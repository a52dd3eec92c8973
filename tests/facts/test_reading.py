"""What a well-formed dataset reads as: quoting, line breaks, byte-order mark, column order,
extra columns and unknown files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from caseledger.facts.dataset import ReadResult

Read = Callable[..., ReadResult]

HEAD = "encounter_id,client_id,service_code,date,note_text\n"


def test_quoted_notes_keep_commas_quotes_and_line_breaks(read: Read) -> None:
    text = (
        HEAD
        + 'E1,C1,H2017,2024-01-02,"Met at home, reviewed ""goals"".\nNext: call Friday."\n'
        + "E2,C1,H2017,2024-01-03,plain\n"
    )
    result = read({"encounters.csv": text})
    assert result.ok
    notes = [r["note_text"] for r in result.dataset.rows("encounters")]
    assert notes == ['Met at home, reviewed "goals".\nNext: call Friday.', "plain"]


def test_line_numbers_are_physical_lines_after_a_multiline_record(read: Read) -> None:
    text = (
        HEAD
        + 'E1,C1,H2017,2024-01-02,"one\ntwo\nthree"\n'  # lines 2-4
        + "E2,C1,H2017,2024-02-30,x\n"  # line 5
    )
    result = read({"encounters.csv": text})
    assert [(p.line, p.column) for p in result.problems] == [(5, "date")]


def test_crlf_line_ends_and_crlf_inside_notes(read: Read) -> None:
    text = HEAD.replace("\n", "\r\n") + 'E1,C1,H2017,2024-01-02,"a\r\nb"\r\nE2,C1,H2017,bad,x\r\n'
    result = read({"encounters.csv": text})
    assert [(p.line, p.column) for p in result.problems] == [(4, "date")]
    assert result.dataset.rows("encounters")[0]["note_text"] == "a\r\nb"


def test_byte_order_mark_is_accepted(read: Read) -> None:
    data = b"\xef\xbb\xbf" + (HEAD + "E1,C1,H2017,2024-01-02,x\n").encode()
    result = read({"encounters.csv": data})
    assert result.ok, [str(p) for p in result.problems]
    assert result.dataset.rows("encounters")[0]["encounter_id"] == "E1"


def test_blank_lines_are_skipped_and_still_counted(read: Read) -> None:
    text = HEAD + "\nE1,C1,H2017,2024-01-02,x\n\n\nE2,C1,H2017,2024-01-32,y\n\n"
    result = read({"encounters.csv": text})
    assert [(p.line, p.column) for p in result.problems] == [(6, "date")]
    assert len(result.dataset.rows("encounters")) == 1


def test_last_line_without_line_end(read: Read) -> None:
    result = read({"encounters.csv": HEAD + "E1,C1,H2017,2024-01-02,x"})
    assert result.ok
    assert result.dataset.rows("encounters")[0]["note_text"] == "x"


def test_values_are_parsed_and_trimmed_but_notes_keep_their_spacing(read: Read) -> None:
    text = (
        "date , encounter_id,client_id,service_code,units,billable,modifiers,start_time,note_text\n"
        '2024-01-02, E1 ,C1,H2017, 1.50 ,No, HO ; HQ ,09:05,"  indented\n"\n'
    )
    result = read({"encounters.csv": text})
    assert result.ok, [str(p) for p in result.problems]
    row = result.dataset.rows("encounters")[0]
    assert row["encounter_id"] == "E1"
    assert row["date"] == dt.date(2024, 1, 2)
    assert row["units"] == Decimal("1.50")
    assert row["billable"] is False
    assert row["modifiers"] == ("HO", "HQ")
    assert row["start_time"] == dt.time(9, 5)
    assert row["note_text"] == "  indented\n"


def test_absent_optional_columns_read_as_empty_or_their_default(read: Read) -> None:
    result = read(
        {"encounters.csv": "encounter_id,client_id,service_code,date\nE1,C1,X,2024-01-02\n"}
    )
    row = result.dataset.rows("encounters")[0]
    assert row["billable"] is True  # the contract's default
    assert row["goal_ids"] == ()
    assert row["staff_id"] is None
    assert any("no column staff_id" in n for n in result.notices)


def test_extra_columns_are_kept_as_text_with_a_notice(read: Read) -> None:
    text = "encounter_id,site,client_id,service_code,date,payer ref\nE1, North ,C1,X,2024-01-02,\n"
    result = read({"encounters.csv": text})
    assert result.ok
    assert result.dataset.extra_columns == {"encounters": ("site", "payer ref")}
    row = result.dataset.rows("encounters")[0]
    assert row["site"] == " North "
    assert row["payer ref"] == ""
    assert any("site, payer ref" in n for n in result.notices)


def test_unknown_files_are_ignored_with_a_notice(read: Read) -> None:
    result = read(
        {
            "encounters.csv": "encounter_id,client_id,service_code,date\n",
            "planted.csv": "not,a,dataset\nfile\n",
            "demo.json": "{}",
            "Staff.csv": "staff_id\n",
            ".hidden": "",
        }
    )
    assert result.ok
    assert set(result.dataset.tables) == {"encounters"}
    assert "planted.csv: not part of the dataset format; ignored" in result.notices
    assert "demo.json: not part of the dataset format; ignored" in result.notices
    assert any(n.startswith("Staff.csv") and "did you mean staff.csv" in n for n in result.notices)
    assert not any(".hidden" in n for n in result.notices)


def test_a_file_with_only_a_header_is_present_and_empty(read: Read) -> None:
    result = read({"encounters.csv": "encounter_id,client_id,service_code,date\n"})
    assert result.ok
    assert result.dataset.present("encounters")
    assert result.dataset.rows("encounters") == []
    assert not result.dataset.present("clients")
    assert result.dataset.rows("clients") == []

"""The cell codec: every kind parses what it formats, accepts the documented lenient spellings,
and says what it expected when it refuses a cell. The dataset reader must agree with it cell for
cell (it takes shortcuts for speed)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseledger.facts import cells
from caseledger.facts.dataset import read_dataset
from caseledger.facts.schema import TABLES, Column, Kind, Table, table
from tests.facts.conftest import write_files
from tests.facts.strategies import present_values, values

EVERY_COLUMN = [(t.name, c) for t in TABLES for c in t.columns]


def col(kind: Kind, **options: object) -> Column:
    return Column("c", kind, **options)  # type: ignore[arg-type]


@given(st.sampled_from(EVERY_COLUMN).flatmap(lambda tc: st.tuples(st.just(tc), values(*tc[::-1]))))
def test_every_value_survives_format_then_parse(case: tuple[tuple[str, Column], object]) -> None:
    (name, column), value = case
    text = cells.format(column, value)  # type: ignore[arg-type]
    assert cells.parse(column, text, table=name) == value
    # and the written form is the one spelling of that value
    assert cells.format(column, cells.parse(column, text, table=name)) == text


@pytest.mark.parametrize(
    ("column", "text", "value"),
    [
        (col(Kind.BOOL), " Yes ", True),
        (col(Kind.BOOL), "NO", False),
        (col(Kind.BOOL), "1", True),
        (col(Kind.BOOL), "0", False),
        (col(Kind.INT), "+007", 7),
        (col(Kind.DECIMAL), " 20.360 ", Decimal("20.360")),
        (col(Kind.LIST), " HO ;; HQ;", ("HO", "HQ")),
        (col(Kind.LIST), "", ()),
        (col(Kind.MONTH), "2024-02", dt.date(2024, 2, 1)),
        (col(Kind.DATETIME), "2024-02-29T23:59", dt.datetime(2024, 2, 29, 23, 59)),
        (col(Kind.TIME), "00:00", dt.time(0, 0)),
        (col(Kind.TEXT), "  two\nlines ", "  two\nlines "),
        (col(Kind.STR), "  Social Work ", "Social Work"),
        (col(Kind.BOOL, default=True), "  ", True),
        (col(Kind.DATE), "", None),
    ],
)
def test_lenient_spellings(column: Column, text: str, value: object) -> None:
    assert cells.parse(column, text) == value


@pytest.mark.parametrize(
    ("column", "text", "expected"),
    [
        (col(Kind.DATE), "2024-1-2", "expected a date YYYY-MM-DD"),
        (col(Kind.DATE), "2023-02-29", "not a real calendar date"),
        (col(Kind.TIME), "9:05", "expected a time HH:MM"),
        (col(Kind.TIME), "24:00", "not a time of day"),
        (col(Kind.DATETIME), "2024-01-02 10:00", "expected a date-time YYYY-MM-DDTHH:MM"),
        (col(Kind.MONTH), "2024-13", "expected a month YYYY-MM"),
        (col(Kind.BOOL), "maybe", "expected true or false"),
        (col(Kind.INT), "1.5", "expected a whole number"),
        (col(Kind.DECIMAL), "1,5", "expected a number"),
        (col(Kind.DECIMAL), "NaN", "expected a finite number"),
        (col(Kind.ENUM, choices=("a", "b")), "c", "expected one of: a, b"),
        (col(Kind.ID, required=True), " ", "required"),
    ],
)
def test_refusals_say_what_was_expected(column: Column, text: str, expected: str) -> None:
    with pytest.raises(cells.CellError, match=expected):
        cells.parse(column, text)


def test_open_enum_is_open_only_in_its_own_table() -> None:
    kind = table("staff_credentials").column("kind")
    assert cells.parse(kind, "lcpc", table="staff_credentials") == "lcpc"
    with pytest.raises(cells.CellError):
        cells.parse(kind, "lcpc", table="other")


def test_early_datetimes_survive_format_then_parse() -> None:
    column = col(Kind.DATETIME)
    value = dt.datetime(999, 1, 2, 3, 4)
    assert cells.parse(column, cells.format(column, value)) == value


# --- the reader agrees with cells.parse ------------------------------------------------------

_VALID = {
    Kind.ID: "X1",
    Kind.STR: "s",
    Kind.TEXT: "t",
    Kind.DATE: "2024-01-02",
    Kind.DATETIME: "2024-01-02T10:00",
    Kind.MONTH: "2024-01",
}


def _id_tables() -> list[tuple[Table, Column]]:
    """Columns of id-keyed tables that can be varied alone: not the key, not a self-reference."""
    return [
        (t, c)
        for t in TABLES
        if len(t.key) == 1
        for c in t.columns
        if c.name != t.key[0] and not (c.ref and c.ref[0] == t.name)
    ]


_PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))


def _cell_texts(column: Column, table_name: str) -> st.SearchStrategy[str]:
    formatted = present_values(column, table_name).map(lambda v: cells.format(column, v))
    return st.one_of(
        formatted,
        st.tuples(st.sampled_from(["", " ", "  "]), formatted, st.sampled_from(["", " "])).map(
            "".join
        ),
        st.sampled_from(["", " ", "yes", "NO", "0", "00:00", "24:00", "2024-02-30", "x;;y", "-0"]),
        st.text(_PRINTABLE, max_size=8),
    )


@given(
    st.sampled_from(_id_tables()).flatmap(
        lambda tc: st.tuples(
            st.just(tc), st.lists(_cell_texts(tc[1], tc[0].name), min_size=1, max_size=4)
        )
    )
)
def test_reader_reads_every_cell_as_cells_parse_does(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[tuple[Table, Column], list[str]]
) -> None:
    (tbl, column), texts = case
    texts = texts + texts  # a repeated text is read from the reader's memo the second time
    others = [c for c in tbl.columns if c.required and c.name not in (tbl.key[0], column.name)]
    header = [tbl.key[0], column.name, *(c.name for c in others)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # a cell holding a bare CR is quoted too
    writer.writerow(header)
    for i, text in enumerate(texts):
        writer.writerow(
            [f"K{i}", text, *(c.choices[0] if c.choices else _VALID[c.kind] for c in others)]
        )
    files = {tbl.filename: out.getvalue()}
    if tbl.name != "encounters":
        files["encounters.csv"] = "encounter_id,client_id,service_code,date\n"
    folder: Path = write_files(tmp_path_factory.mktemp("cells"), files)
    result = read_dataset(folder)

    kept = {row[tbl.key[0]]: row for row in result.dataset.rows(tbl.name)}
    flagged = {p.line for p in result.problems if p.column == column.name}
    assert {p.column for p in result.problems} <= {column.name}
    for i, text in enumerate(texts):
        try:
            expected = cells.parse(column, text, table=tbl.name)
        except cells.CellError:
            assert i + 2 in flagged and f"K{i}" not in kept
        else:
            assert i + 2 not in flagged
            assert kept[f"K{i}"][column.name] == expected


@pytest.mark.parametrize("text", [str(2**63), str(-(2**63) - 1), "9" * 40])
def test_whole_numbers_beyond_64_bits_are_refused(text: str) -> None:
    with pytest.raises(cells.CellError, match="too large"):
        cells.parse(col(Kind.INT), text)


@pytest.mark.parametrize("text", [str(2**63 - 1), str(-(2**63) + 1), "0", "-3"])
def test_whole_numbers_within_64_bits_are_kept(text: str) -> None:
    assert cells.parse(col(Kind.INT), text) == int(text)


@pytest.mark.parametrize("text", ["1e30", "1234567890123456", "0.1234567", "1E-7"])
def test_decimals_out_of_range_are_refused(text: str) -> None:
    with pytest.raises(cells.CellError, match="out of range"):
        cells.parse(col(Kind.DECIMAL), text)


@pytest.mark.parametrize("text", ["123456789012345", "0.123456", "20.36", "1E+3", "-4.43"])
def test_decimals_in_range_are_kept(text: str) -> None:
    assert cells.parse(col(Kind.DECIMAL), text) == Decimal(text)

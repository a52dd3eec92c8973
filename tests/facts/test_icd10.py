"""The ICD-10-CM code set: normalization, validity and billability."""

from __future__ import annotations

import pytest

from caseledger.facts import icd10


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("F33.1", "F33.1"),
        ("f331", "F33.1"),
        (" s06.2x9s ", "S06.2X9S"),
        ("S062X9S", "S06.2X9S"),
        ("F33", "F33"),
        ("F 33 1", "F33.1"),
        ("ZZZ", "ZZZ"),
        ("", ""),
    ],
)
def test_normalize(raw: str, code: str) -> None:
    assert icd10.normalize(raw) == code


@pytest.mark.parametrize(
    ("code", "valid", "billable"),
    [
        ("F33.1", True, True),  # recurrent major depressive disorder, moderate
        ("F33", True, False),  # a category with subdivisions
        ("S06.2X9S", True, True),  # a 7th-character code (sequela)
        ("S06.2X9", True, False),  # needs its 7th character
        ("F10.20", True, True),
        ("F84.0", True, True),
        ("f331", True, True),
        ("ZZZ", False, False),
        ("F33.9999", False, False),
        ("F01-F99", False, False),  # a block, not a code
        ("5", False, False),  # a chapter, not a code
    ],
)
def test_status(code: str, valid: bool, billable: bool) -> None:
    assert icd10.status(code) == (valid, billable)


def test_codes_table_holds_the_distinct_normalized_codes() -> None:
    t = icd10.codes_table(["f331", "F33.1", "F33", "ZZZ"])
    assert t.schema == icd10.CODES_SCHEMA
    assert t.to_pylist() == [
        {"code": "F33", "valid": True, "billable": False},
        {"code": "F33.1", "valid": True, "billable": True},
        {"code": "ZZZ", "valid": False, "billable": False},
    ]


def test_the_whole_code_set_is_built_once() -> None:
    t = icd10.billable_codes_table()
    assert t is icd10.billable_codes_table()
    assert t.schema == icd10.CODES_SCHEMA
    rows = dict(zip(t["code"].to_pylist(), t["billable"].to_pylist(), strict=True))
    assert 70_000 < sum(rows.values()) < 80_000
    assert rows["F33.1"] is True and rows["F33"] is False and rows["S06.2X9S"] is True
    assert "ZZZ" not in rows and "F01-F99" not in rows
    assert all(t["valid"].to_pylist())


def test_the_code_list_reads_as_the_package_tree_does() -> None:
    """The fast reading of the package's code list (no import of the package) gives exactly the
    codes and billability of the package's own tree, each code once."""
    icd = icd10._codes()
    tree = [
        c
        for c in icd.get_all_codes(with_dots=True)
        if icd.is_category_or_subcategory(c) or icd.is_extended_subcategory(c)
    ]
    t = icd10.billable_codes_table()
    assert t["code"].to_pylist() == list(dict.fromkeys(tree))
    assert t["billable"].to_pylist() == [bool(icd.is_leaf(c)) for c in dict.fromkeys(tree)]


def test_a_block_named_as_its_one_category_is_one_code() -> None:
    # C50 is both a block and a category with subdivisions; B20 a block and a billable category
    codes = icd10.billable_codes_table()["code"].to_pylist()
    assert codes.count("C50") == 1 and codes.count("B20") == 1
    assert icd10.status("C50") == (True, False) and icd10.status("B20") == (True, True)

"""The ICD-10-CM code set, offline, from the ``simple-icd-10-cm`` package.

A claim's diagnosis must be a real ICD-10-CM code and a *billable* one: the most specific code of
its branch (a leaf of the classification, e.g. ``F33.1``), never a category that has subdivisions
(``F33``). The X12 837P carries it in the HI segment.

The package parses its classification file when first imported (about three seconds), so it is
imported only when a code set is asked for, and the table of every code is built once per process.
The package holds one release of the code set (its data files name the release); codes deleted or
added by other releases are judged by that one release.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterable
from functools import cache
from types import ModuleType

import pyarrow as pa

#: The columns of a code-status table.
CODES_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("valid", pa.bool_()),
        ("billable", pa.bool_()),
    ]
)


def normalize(code: str) -> str:
    """A diagnosis code as the code set writes it: no spaces, upper case, and a dot after the
    third character when the code is longer than three characters and has none (``f331`` →
    ``F33.1``)."""
    text = "".join(code.split()).upper()
    if "." not in text and len(text) > 3:
        text = f"{text[:3]}.{text[3:]}"
    return text


@cache
def _codes() -> ModuleType:
    with warnings.catch_warnings():
        # the package reads its data with an importlib.resources call Python deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module("simple_icd_10_cm")


def _is_code(icd: ModuleType, code: str) -> bool:
    """A category, subcategory or 7th-character code (not a chapter or a block of categories)."""
    return bool(icd.is_category_or_subcategory(code) or icd.is_extended_subcategory(code))


def status(code: str) -> tuple[bool, bool]:
    """``(valid, billable)`` of one code, after :func:`normalize`."""
    icd = _codes()
    text = normalize(code)
    valid = bool(icd.is_valid_item(text)) and _is_code(icd, text)
    return valid, valid and bool(icd.is_leaf(text))


def codes_table(codes: Iterable[str]) -> pa.Table:
    """The distinct codes of ``codes`` (say, a dataset's diagnoses), normalized, with whether each
    is a real ICD-10-CM code and whether it is billable."""
    rows = []
    for code in sorted({normalize(c) for c in codes if c is not None}):
        valid, billable = status(code)
        rows.append({"code": code, "valid": valid, "billable": billable})
    return pa.Table.from_pylist(rows, schema=CODES_SCHEMA)


@cache
def billable_codes_table() -> pa.Table:
    """Every code of the code set (about 98,000 categories, subcategories and 7th-character
    codes; about 75,000 of them billable), with ``valid`` always true. A code absent from this
    table is not an ICD-10-CM code. Built once per process."""
    icd = _codes()
    codes = [c for c in icd.get_all_codes(with_dots=True) if _is_code(icd, c)]
    return pa.table(
        {
            "code": pa.array(codes, type=pa.string()),
            "valid": pa.array([True] * len(codes), type=pa.bool_()),
            "billable": pa.array([bool(icd.is_leaf(c)) for c in codes], type=pa.bool_()),
        },
        schema=CODES_SCHEMA,
    )

"""The ICD-10-CM code set, offline, from the ``simple-icd-10-cm`` package.

A claim's diagnosis must be a real ICD-10-CM code and a *billable* one: the most specific code of
its branch (a leaf of the classification, e.g. ``F33.1``), never a category that has subdivisions
(``F33``). The X12 837P carries it in the HI segment.

Whether a code is real and billable is read from the package's list of every code, without
importing the package: importing it parses its whole classification file (about two seconds), which
only descriptions and the tree need (``caseledger.codes.diagnoses``). The list is in the
classification's order, each code before the codes under it, so a code is billable exactly when the
next one does not extend it. A test holds this reading equal to the package's tree.

The package holds one release of the code set (its data files name the release); codes deleted or
added by other releases are judged by that one release.
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path
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


def data_folder() -> Path:
    """The package's data folder, found without importing the package."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the simple-icd-10-cm package is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def code_list_file() -> Path:
    """The package's list of every code of its release (``code-list-<Month>-<year>.txt``)."""
    found = sorted(data_folder().glob("code-list-*.txt"))
    if len(found) != 1:
        raise RuntimeError(f"expected one code list in {data_folder().name}, found {len(found)}")
    return found[0]


@cache
def _billable() -> dict[str, bool]:
    """Every code (category, subcategory or 7th-character code, with its dot) and whether it is
    billable. The list also names chapters ("5") and blocks ("F01-F99"), which are not codes; a
    block that is a single category ("C50") comes just before that category and is one entry."""
    names: list[str] = []
    for line in code_list_file().read_text(encoding="utf-8").splitlines():
        name = line.split(" ")[0]
        if not name or name.isdigit() or "-" in name or (names and names[-1] == name):
            continue
        names.append(name)
    out: dict[str, bool] = {}
    for this, following in zip(names, [*names[1:], ""], strict=True):
        narrower = len(following) > len(this) and following.startswith(this)
        out[f"{this[:3]}.{this[3:]}" if len(this) > 3 else this] = not narrower
    return out


@cache
def _codes() -> ModuleType:
    with warnings.catch_warnings():
        # the package reads its data with an importlib.resources call Python deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module("simple_icd_10_cm")


def status(code: str) -> tuple[bool, bool]:
    """``(valid, billable)`` of one code, after :func:`normalize`."""
    billable = _billable().get(normalize(code))
    return billable is not None, bool(billable)


def codes_table(codes: Iterable[str]) -> pa.Table:
    """The distinct codes of ``codes`` (say, a dataset's diagnoses), normalized, with whether each
    is a real ICD-10-CM code and whether it is billable."""
    rows = []
    for code in sorted({normalize(c) for c in codes if c is not None}):
        valid, billable = status(code)
        rows.append({"code": code, "valid": valid, "billable": billable})
    return pa.Table.from_pylist(rows, schema=CODES_SCHEMA)


def code_set_rows(codes: Iterable[object]) -> pa.Table:
    """The rows of :func:`billable_codes_table` that ``codes``, once normalized, name: all of
    the code set a table of these codes joins with. (A code absent from the code set has no
    row, as in the whole table; a cell that is not text names none.)"""
    named = codes_table(c for c in codes if isinstance(c, str))
    return named.filter(named["valid"])


@cache
def billable_codes_table() -> pa.Table:
    """Every code of the code set, each once (about 98,000 categories, subcategories and
    7th-character codes; about 75,000 of them billable), with ``valid`` always true. A code
    absent from this table is not an ICD-10-CM code. Built once per process."""
    codes = _billable()
    return pa.table(
        {
            "code": pa.array(list(codes), type=pa.string()),
            "valid": pa.array([True] * len(codes), type=pa.bool_()),
            "billable": pa.array(list(codes.values()), type=pa.bool_()),
        },
        schema=CODES_SCHEMA,
    )

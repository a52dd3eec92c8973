"""The reference of the dataset format, written from the contract itself.

``python -m caseledger.facts.docs > docs/dataset.md`` regenerates the document; a test fails when
the committed copy no longer matches ``facts/schema.py``.
"""

from __future__ import annotations

import sys

from caseledger.facts.cells import LIST_SEPARATOR
from caseledger.facts.schema import OPEN_ENUMS, TABLES, Column, Kind, Table

REGENERATE = "python -m caseledger.facts.docs > docs/dataset.md"

_INTRO = f"""\
# Dataset format

<!-- Generated from src/caseledger/facts/schema.py by `{REGENERATE}`; do not edit by hand. -->

A dataset is a folder of CSV files describing one agency: its staff and their credentials and
trainings, the clients it serves and their enrollments, plans and authorizations, and every service
delivered. caseledger reads it to import (`caseledger import DIR`), writes it to export
(`caseledger export DIR`), and audits it directly.

The format is a public contract. New columns may appear in later versions; the columns below keep
their names and meanings. Only `encounters.csv` is required: a check whose facts are in a file that
is absent reports that it could not be made, rather than passing.
"""

_CONVENTIONS = f"""\
## Conventions

- **Encoding and layout.** UTF-8 (a leading byte-order mark is accepted), comma-separated, one
  header row naming the columns, RFC 4180 quoting: a cell holding a comma, a quote or a line break
  is enclosed in double quotes, and a quote inside it is doubled (`"He said ""no"" twice"`).
  A note may therefore span several lines.
- **Column order** does not matter on input; columns are found by their header name. A missing
  optional column reads as empty. caseledger writes columns in the order listed below.
- **Empty cells** mean unknown, unless the column states a default. Spaces around a value are
  ignored, except in free text (notes keep their own spacing and line breaks).
- **Ids** are opaque text, unique within their file. A file without an id column is keyed by the
  columns named as its key; two rows with the same key are a problem (empty key cells count as
  equal).
- **References.** A column that refers to another file must hold an id of a row in that file (or
  one the store already holds, on import). For a list column, every element must. When the
  referred-to file is absent from the folder, the reference is not checked.
- **Extra columns** that the format does not name are kept as text and written back after the
  format's columns. Files that the format does not name are ignored.
- **Protected health information** (PHI) is marked below. Error messages never quote a PHI cell.

| kind | written as | example |
|---|---|---|
| id | opaque text | `E-1042` |
| text | one line of text | `Social Work` |
| long text | any text, with commas, quotes and line breaks | `"Met at home, reviewed goals."` |
| date | `YYYY-MM-DD` | `2024-03-07` |
| time | `HH:MM`, 24-hour clock | `14:30` |
| date-time | `YYYY-MM-DDTHH:MM` | `2024-03-07T14:30` |
| month | `YYYY-MM` | `2024-03` |
| yes/no | `true` or `false` (any case; `yes`/`no`/`1`/`0` accepted) | `true` |
| whole number | digits, optional sign | `4` |
| number | exact decimal, no thousands separator | `20.36` |
| list | elements separated by `{LIST_SEPARATOR}` | `HO{LIST_SEPARATOR}HQ` |
| choice | one of the allowed values listed for the column | `community` |

## Problems

Reading a dataset reports every problem at once, each as `file:line:column: message`, where the line
is the one on which the record starts (the header is line 1). A row with a problem is left out, and
so is any row that refers to a left-out row. An import writes nothing when there is any problem,
unless it is asked to take the good rows only.
"""

_KIND_NAMES = {
    Kind.ID: "id",
    Kind.STR: "text",
    Kind.TEXT: "long text",
    Kind.DATE: "date",
    Kind.TIME: "time",
    Kind.DATETIME: "date-time",
    Kind.MONTH: "month",
    Kind.BOOL: "yes/no",
    Kind.INT: "whole number",
    Kind.DECIMAL: "number",
    Kind.LIST: "list",
    Kind.ENUM: "choice",
}


def render() -> str:
    """The whole document."""
    parts = [_INTRO, _CONVENTIONS, _overview(), *(_table(t) for t in TABLES)]
    return "\n".join(parts)


def _overview() -> str:
    lines = [
        "## Files",
        "",
        "| file | required | key | holds |",
        "|---|---|---|---|",
    ]
    for t in TABLES:
        required = "yes" if t.required_file else ""
        key = ", ".join(f"`{k}`" for k in t.key)
        lines.append(f"| [`{t.filename}`](#{_anchor(t)}) | {required} | {key} | {t.description} |")
    return "\n".join(lines) + "\n"


def _anchor(table: Table) -> str:
    return table.filename.replace(".", "")


def _table(table: Table) -> str:
    lines = [f"### {table.filename}", ""]
    if table.description:
        lines += [table.description, ""]
    facts = ["required" if table.required_file else "optional"]
    facts.append("key: " + ", ".join(f"`{k}`" for k in table.key))
    if table.parent:
        through, parent = table.parent
        facts.append(f"each row belongs to the `{parent}` row named by `{through}`")
    lines += ["File " + "; ".join(facts) + ".", ""]
    lines += ["| column | kind | required | values | PHI |", "|---|---|---|---|---|"]
    for column in table.columns:
        required = "yes" if column.required else ""
        phi = "PHI" if column.phi else ""
        lines.append(
            f"| `{column.name}` | {_KIND_NAMES[column.kind]} | {required} "
            f"| {_values(table, column)} | {phi} |"
        )
    return "\n".join(lines) + "\n"


def _values(table: Table, column: Column) -> str:
    notes: list[str] = []
    if column.choices:
        notes.append(", ".join(f"`{c}`" for c in column.choices))
        if (table.name, column.name) in OPEN_ENUMS:
            notes.append("other values are kept")
    if column.ref:
        ref_table, ref_column = column.ref
        each = "each an id" if column.kind is Kind.LIST else "an id"
        notes.append(f"{each} from `{ref_table}.csv` (`{ref_column}`)")
    if column.default is not None:
        shown = column.default
        if isinstance(shown, bool):
            shown = "true" if shown else "false"
        notes.append(f"empty means `{shown}`")
    return "; ".join(notes)


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()

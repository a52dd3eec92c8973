"""What is wrong with a dataset, said so that a person can find and fix it.

A problem names the file, the line where the record starts and the column, and says what was
expected. Cells of protected health information are never quoted: the message says what kind of
value was expected without echoing what was found, so problems can be logged and shown freely.
"""

from __future__ import annotations

from dataclasses import dataclass

from caseledger.facts import cells
from caseledger.facts.schema import Column, Kind


@dataclass(frozen=True)
class Problem:
    file: str
    #: physical line where the record starts (the header is line 1); None for the whole file
    line: int | None
    #: the column the problem is about, None when it is not about one cell
    column: str | None
    #: what is wrong and what was expected; never quotes the content of a PHI cell
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        elif self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"


#: What a cell of each kind must look like, for messages that may not echo the cell.
EXPECTED: dict[Kind, str] = {
    Kind.ID: "an identifier",
    Kind.STR: "text",
    Kind.TEXT: "text",
    Kind.DATE: "a date YYYY-MM-DD",
    Kind.TIME: "a time HH:MM (24 h)",
    Kind.DATETIME: "a date-time YYYY-MM-DDTHH:MM",
    Kind.MONTH: "a month YYYY-MM",
    Kind.BOOL: "true or false (yes/no/1/0 accepted)",
    Kind.INT: "a whole number",
    Kind.DECIMAL: "a number such as 12 or 20.36",
    Kind.LIST: f"a '{cells.LIST_SEPARATOR}'-separated list",
    Kind.ENUM: "one of the allowed values",
}

PHI_WITHHELD = "the value is not shown because the column holds protected health information"


def cell_message(column: Column, text: str, error: cells.CellError) -> str:
    """The message for a cell that did not parse. The cell codec's own message quotes the cell,
    which is what a clerk needs, except in PHI columns, where only the expectation is given."""
    if not column.phi or not text.strip():
        return str(error)
    expected = EXPECTED[column.kind]
    if column.kind is Kind.ENUM:
        expected = "one of: " + ", ".join(column.choices)
    return f"is not valid; expected {expected} ({PHI_WITHHELD})"

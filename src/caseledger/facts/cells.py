"""Reading and writing one dataset cell (conventions in docs/dataset.md).

``parse`` turns the text of a cell into a Python value or raises ``CellError`` with a message that
says what was expected; ``format`` is its inverse and always writes the canonical form, so a
dataset exported by caseledger re-imports and re-exports byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from caseledger.facts.schema import OPEN_ENUMS, Column, Kind

Value = str | int | bool | Decimal | dt.date | dt.time | dt.datetime | tuple[str, ...] | None

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_INT = re.compile(r"[+-]?\d+")
LIST_SEPARATOR = ";"
#: Bounds every store can hold exactly: 64-bit whole numbers, and decimals of at most 15 digits
#: before the point and 6 after (money, hours and units need far less).
INT_LIMIT = 2**63 - 1
DECIMAL_INTEGER_DIGITS = 15
DECIMAL_FRACTION_DIGITS = 6


class CellError(ValueError):
    """A cell whose text does not fit its column; the message says what was expected."""


def parse(column: Column, text: str, *, table: str = "") -> Value:
    """The value of a cell, ``None`` for an empty one (or the column's stated default)."""
    raw = text.strip()
    if raw == "":
        if column.required:
            raise CellError("is required and empty")
        if column.kind is Kind.LIST:
            return ()
        return column.default  # type: ignore[return-value]
    kind = column.kind
    if kind in (Kind.ID, Kind.STR):
        return raw
    if kind is Kind.TEXT:
        return text  # notes keep their own spacing and line breaks
    if kind is Kind.DATE:
        return _parse_date(raw)
    if kind is Kind.TIME:
        if not _TIME.fullmatch(raw):
            raise CellError(f"expected a time HH:MM (24 h), got {raw!r}")
        try:
            return dt.time.fromisoformat(raw)
        except ValueError:
            raise CellError(f"{raw!r} is not a time of day (00:00 to 23:59)") from None
    if kind is Kind.DATETIME:
        if not _DATETIME.fullmatch(raw):
            raise CellError(f"expected a date-time YYYY-MM-DDTHH:MM, got {raw!r}")
        try:
            return dt.datetime.fromisoformat(raw)
        except ValueError:
            raise CellError(f"{raw!r} is not a real date and time") from None
    if kind is Kind.MONTH:
        if not _MONTH.fullmatch(raw) or not 1 <= int(raw[5:]) <= 12:
            raise CellError(f"expected a month YYYY-MM, got {raw!r}")
        return dt.date(int(raw[:4]), int(raw[5:]), 1)
    if kind is Kind.BOOL:
        low = raw.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise CellError(f"expected true or false (yes/no/1/0 accepted), got {raw!r}")
    if kind is Kind.INT:
        if not _INT.fullmatch(raw):
            raise CellError(f"expected a whole number, got {raw!r}")
        number = int(raw)
        if abs(number) > INT_LIMIT:
            raise CellError(f"{raw!r} is too large; whole numbers go up to {INT_LIMIT}")
        return number
    if kind is Kind.DECIMAL:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise CellError(f"expected a number such as 12 or 20.36, got {raw!r}") from None
        if not value.is_finite():
            raise CellError(f"expected a finite number, got {raw!r}")
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        fraction = max(0, -exponent)
        integer = max(0, len(digits) + exponent)
        if integer > DECIMAL_INTEGER_DIGITS or fraction > DECIMAL_FRACTION_DIGITS:
            raise CellError(
                f"{raw!r} is out of range; expected at most {DECIMAL_INTEGER_DIGITS} digits before "
                f"the decimal point and {DECIMAL_FRACTION_DIGITS} after"
            )
        return value
    if kind is Kind.LIST:
        return tuple(part.strip() for part in raw.split(LIST_SEPARATOR) if part.strip())
    if kind is Kind.ENUM:
        if raw not in column.choices and (table, column.name) not in OPEN_ENUMS:
            raise CellError(f"unknown value {raw!r}; expected one of: {', '.join(column.choices)}")
        return raw
    raise AssertionError(f"unhandled column kind {kind}")  # pragma: no cover


def _parse_date(raw: str) -> dt.date:
    if not _DATE.fullmatch(raw):
        raise CellError(f"expected a date YYYY-MM-DD, got {raw!r}")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CellError(f"{raw!r} is not a real calendar date") from None


def format(column: Column, value: Value) -> str:
    """The canonical text of a value (empty for ``None``)."""
    if value is None:
        return ""
    kind = column.kind
    if kind is Kind.BOOL:
        return "true" if value else "false"
    if kind is Kind.MONTH:
        assert isinstance(value, dt.date)
        return f"{value.year:04d}-{value.month:02d}"
    if kind is Kind.DATETIME:
        assert isinstance(value, dt.datetime)
        # strftime does not zero-pad years before 1000; the contract's form is always four digits.
        return f"{value.date().isoformat()}T{value.hour:02d}:{value.minute:02d}"
    if kind is Kind.TIME:
        assert isinstance(value, dt.time)
        return value.strftime("%H:%M")
    if kind is Kind.DATE:
        assert isinstance(value, dt.date)
        return value.isoformat()
    if kind is Kind.DECIMAL:
        assert isinstance(value, Decimal | int)
        return f"{Decimal(value):f}"
    if kind is Kind.LIST:
        assert isinstance(value, tuple | list)
        return LIST_SEPARATOR.join(value)
    return str(value)

"""Column types that keep dataset values exact on both SQLite and PostgreSQL.

The initial migration refers to these types by name, so change their storage only together with
a new migration (and a new type name if the stored form changes).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, Numeric, String, Time
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class ExactDecimal(TypeDecorator[Decimal]):
    """Money and hours. PostgreSQL ``NUMERIC`` keeps every digit (and the written scale); SQLite
    has no decimal type and would turn ``20.36`` into a binary float, so there the value is kept
    as its plain decimal text, which converts back to the identical ``Decimal``."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(value)
        if not number.is_finite():
            raise ValueError("only finite decimals can be stored")
        return f"{number:f}" if dialect.name == "sqlite" else number

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


class StringList(TypeDecorator[tuple[str, ...]]):
    """A ``;``-list cell (modifiers, goal ids, group leaders) as a portable JSON array; read back
    as a tuple, the form the dataset reader produces."""

    impl = JSON(none_as_null=True)  # an absent list is SQL NULL, not the JSON text 'null'
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return [str(item) for item in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> tuple[str, ...] | None:
        if value is None:
            return None
        return _tuple_of(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        # SQLite hands back the JSON text; most cells are one of a few lists ("[]", '["HQ"]'),
        # so each text is decoded once (the tuples are immutable, so sharing them is safe)
        return _list_of_text


def _tuple_of(items: Sequence[Any]) -> tuple[str, ...]:
    return tuple(str(item) for item in items)


@functools.lru_cache(maxsize=4096)
def _list_of(text: str) -> tuple[str, ...] | None:
    items = json.loads(text)
    return None if items is None else _tuple_of(items)


def _list_of_text(value: Any) -> tuple[str, ...] | None:
    return None if value is None else _list_of(value)


class _IsoOnSQLite(TypeDecorator[Any]):
    """A date or time that SQLite keeps as ISO text (how SQLAlchemy writes it there), read back
    with the standard library's ISO parser rather than SQLAlchemy's regular expression: a
    client's history is thousands of them per encounter checked. Other databases return the
    value typed, unchanged."""

    cache_ok = True
    parse: Callable[[str], Any]

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse = type(self).parse

        def process(value: Any) -> Any:
            return None if value is None else parse(value)

        return process


class IsoDate(_IsoOnSQLite):
    impl = Date
    cache_ok = True
    parse = dt.date.fromisoformat


class IsoTime(_IsoOnSQLite):
    impl = Time
    cache_ok = True
    parse = dt.time.fromisoformat

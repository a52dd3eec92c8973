"""Filling a rule's message template with the numbers of one finding.

Templates use ``{value}``, ``{limit}``, ``{detail}`` and ``{amount}``, each with an optional spec:
``:int`` (whole number), ``:ord`` (27th), ``:num`` (2.5, no trailing zeros), ``:money`` ($69.00).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import Any

_FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _num(x: Any) -> str:
    d = Decimal(str(x)).normalize()
    text = f"{d:f}"
    return text


def _fill(value: Any, spec: str | None) -> str:
    if value is None:
        return "?"
    if spec == "int":
        return str(round(float(value)))
    if spec == "ord":
        return ordinal(round(float(value)))
    if spec == "num":
        return _num(value)
    if spec == "money":
        return f"${Decimal(str(value)).quantize(Decimal('0.01')):,}"
    return str(value)


@cache
def _parts(template: str) -> tuple[str, tuple[tuple[str, str | None, str], ...]]:
    """The template's text before its first field, then each field (name, spec) with the text
    that follows it: read once per template, as an audit fills each one many times."""
    pieces = _FIELD.split(template)
    # split gives text, then name, spec and text for each field
    fields = tuple((pieces[i], pieces[i + 1], pieces[i + 2]) for i in range(1, len(pieces), 3))
    return pieces[0], fields


def render(template: str, values: dict[str, Any]) -> str:
    head, fields = _parts(template)
    if not fields:
        return head
    out = [head]
    for name, spec, after in fields:
        out.append(_fill(values.get(name), spec))
        out.append(after)
    return "".join(out)

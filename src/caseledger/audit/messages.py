"""Filling a rule's message template with the numbers of one finding.

Templates use ``{value}``, ``{limit}``, ``{detail}`` and ``{amount}``, each with an optional spec:
``:int`` (whole number), ``:ord`` (27th), ``:num`` (2.5, no trailing zeros), ``:money`` ($69.00).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

_FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _num(x: Any) -> str:
    d = Decimal(str(x)).normalize()
    text = f"{d:f}"
    return text


def render(template: str, values: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        name, spec = match.group(1), match.group(2)
        value = values.get(name)
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

    return _FIELD.sub(fill, template)

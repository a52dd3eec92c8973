"""Filling message templates: read once per template, filled the same as field by field."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from caseledger.audit.messages import _fill, render

FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")
NAMES = ("value", "limit", "detail", "amount")


def one_field_at_a_time(template: str, values: dict[str, Any]) -> str:
    return FIELD.sub(lambda m: _fill(values.get(m.group(1)), m.group(2)), template)


text = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=12)
field = st.builds(
    lambda name, spec: "{" + name + (f":{spec}" if spec else "") + "}",
    st.sampled_from(NAMES),
    st.sampled_from([None, "int", "ord", "num", "money"]),
)
template = st.lists(st.one_of(text, field), max_size=8).map("".join)
value = st.one_of(
    st.none(),
    st.integers(min_value=-10_000, max_value=10_000),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.decimals(min_value=-10_000, max_value=10_000, places=2),
)


@given(template, st.fixed_dictionaries({n: value for n in NAMES}))
def test_a_template_is_filled_as_each_field_in_turn(template: str, values: dict[str, Any]) -> None:
    assert render(template, values) == one_field_at_a_time(template, values)


def test_the_specs() -> None:
    template = "{value:int} / {limit:ord} / {detail} / {amount:money} / {value:num} / {nothing}"
    values = {"value": 7.0, "limit": 27, "detail": "H2017", "amount": Decimal("1234.5")}
    assert render(template, values) == "7 / 27th / H2017 / $1,234.50 / 7 / ?"
    assert render("no fields at all", values) == "no fields at all"

"""Turning pydantic's validation errors into ``file:line: key: message`` problems.

pydantic reports each error with a ``loc`` (the path to the bad value) and a type; we look the path
up in the file's :class:`~caseledger.policy.yamlread.LineMap` and say in plain words what was
expected and what was found.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Sequence
from decimal import Decimal
from inspect import isclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from caseledger.policy.errors import Problem
from caseledger.policy.schema import PATTERN_WORDS
from caseledger.policy.yamlread import LineMap

_EXPECTED = {
    "int": "a whole number",
    "decimal": "a number",
    "float": "a number",
    "bool": "true or false",
    "date": "a date YYYY-MM-DD",
    "string": "text",
    "list": "a list",
    "tuple": "a list",
    "dict": "a mapping (key: value lines)",
    "model": "a mapping (key: value lines)",
}


def shown(value: Any) -> str:
    """A short, readable rendering of a bad input for an error message."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, Decimal):
        return str(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            models = [m for m in members if isclass(m) and issubclass(m, BaseModel)]
            tp = models[0] if models else members[0]
        else:
            return tp


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            return info.annotation
    return None


def allowed_keys(root: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys the model found at ``loc`` accepts (empty when ``loc`` is not a model)."""
    tp: Any = root
    for step in loc:
        tp = _unwrap(tp)
        if isclass(tp) and issubclass(tp, BaseModel):
            if not isinstance(step, str):
                return []
            tp = _field_by_key(tp, step)
            if tp is None:
                return []
            continue
        origin = get_origin(tp)
        if origin in (list, tuple) and isinstance(step, int):
            tp = get_args(tp)[0]
        elif origin is dict:
            tp = get_args(tp)[1]
        else:
            return []
    tp = _unwrap(tp)
    if get_origin(tp) is list:  # a single dated version written as a mapping
        tp = _unwrap(get_args(tp)[0])
    if isclass(tp) and issubclass(tp, BaseModel):
        return [info.alias or name for name, info in tp.model_fields.items()]
    return []


def _message(error: ErrorDetails, root: type[BaseModel]) -> str:
    kind = error["type"]
    got = shown(error.get("input"))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        loc = error["loc"]
        key = str(loc[-1])
        allowed = allowed_keys(root, loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            return f"unknown key '{key}'; did you mean '{close[0]}'?"
        if allowed:
            return f"unknown key '{key}'; expected one of: {', '.join(allowed)}"
        return f"unknown key '{key}'"
    if kind in ("value_error", "assertion_error"):
        msg = error["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            msg = msg.removeprefix(prefix)
        return msg
    if kind == "literal_error":
        expected = str(ctx.get("expected", "?"))
        text = f"expected one of {expected}, got {got}"
        choices = re.findall(r"'([^']*)'", expected)
        close = difflib.get_close_matches(str(error.get("input")), choices, n=1, cutoff=0.6)
        return f"{text}; did you mean '{close[0]}'?" if close else text
    if kind in ("too_short", "string_too_short"):
        return "must not be empty" if kind == "string_too_short" else "needs at least one entry"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return f"expected {PATTERN_WORDS.get(pattern, 'text matching ' + pattern)}, got {got}"
    if kind in ("greater_than", "greater_than_equal"):
        bound = ctx.get("gt", ctx.get("ge"))
        word = "greater than" if kind == "greater_than" else "at least"
        return f"must be {word} {bound}, got {got}"
    if kind == "int_from_float":
        return f"expected a whole number, got {got}"
    for prefix, words in _EXPECTED.items():
        if kind.startswith(prefix + "_") or kind == prefix:
            return f"expected {words}, got {got}"
    return str(error["msg"])


def problems_from(
    exc: ValidationError, source: str, lines: LineMap, root: type[BaseModel]
) -> list[Problem]:
    """One problem per pydantic error, located in the file."""
    found: dict[tuple[int, str], Problem] = {}
    for error in exc.errors(include_url=False):
        line, key = lines.locate(error["loc"])
        # A value that fails every member of a union is reported once, with the first reason.
        found.setdefault((line, key), Problem(source, line, key, _message(error, root)))
    return list(found.values())

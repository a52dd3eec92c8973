"""Walking a pack generically: every model, every dated value, with its path.

The checks (dates do not overlap, citations are present), the diff and the generic tests all walk
the pack this way, so a field added to the schema is covered without being named.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from caseledger.policy.schema import Version
from caseledger.policy.yamlread import PathKey


def field_key(model: type[BaseModel], name: str) -> str:
    """The key a field is written with in the file (its alias, e.g. ``from``)."""
    info = model.model_fields[name]
    return info.alias or name


def iter_models(obj: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, BaseModel]]:
    """Every model inside ``obj`` (itself included), depth first, with its path."""
    if isinstance(obj, BaseModel):
        yield path, obj
        for name in type(obj).model_fields:
            yield from iter_models(getattr(obj, name), (*path, field_key(type(obj), name)))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from iter_models(value, (*path, key))
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            yield from iter_models(value, (*path, i))


def is_timeline(value: Any) -> bool:
    """A non-empty list of dated versions."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, Version) for v in value)


def iter_timelines(obj: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, list[Version]]]:
    """Every dated value (list of versions) inside ``obj``, with its path."""
    for model_path, model in iter_models(obj, path):
        for name in type(model).model_fields:
            value = getattr(model, name)
            key = field_key(type(model), name)
            if is_timeline(value):
                yield (*model_path, key), value
            elif isinstance(value, dict):
                for sub, item in value.items():
                    if is_timeline(item):
                        yield (*model_path, key, sub), item


def payload(version: Version) -> dict[str, Any]:
    """The fields of a version other than its citation, dates and note."""
    return {
        field_key(type(version), name): getattr(version, name)
        for name in type(version).model_fields
        if name not in ("cite", "from_", "to", "note")
    }

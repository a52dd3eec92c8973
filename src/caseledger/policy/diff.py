"""What changed between two versions of a pack: values added, removed or given new versions.

Both packs are flattened into ``key path → versions``: every dated value becomes the list of its
versions (dates, value, citation, note), and every plain field of an entry (a service's name, a
rule's severity) becomes one line. Comparing the two flat views shows exactly which dated
versions appeared or disappeared, with their dates and citations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from caseledger.policy.loader import span
from caseledger.policy.schema import NUMBER_UNITS, WHOLE_NUMBER_UNITS, Pack, Version
from caseledger.policy.walk import field_key, is_timeline, iter_models, iter_timelines, payload
from caseledger.policy.yamlread import format_path


def render(value: Any) -> str:
    """A value as an administrator would write it."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | int | str):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(render(v) for v in value)
    return str(value)


def describe_value(version: Version) -> str:
    """The value part of a version: ``26 half_days``, ``8 consumers per professional``."""
    fields = payload(version)
    if "per" in fields and "counting" in fields:
        return f"{fields['value']} {fields['counting']} per {fields['per']}"
    if "value" in fields:
        unit = fields.get("unit")
        shown = unit in WHOLE_NUMBER_UNITS or unit in NUMBER_UNITS
        return render(fields["value"]) + (f" {unit}" if shown else "")
    parts = [f"{key}: {render(value)}" for key, value in fields.items() if value not in (None, [])]
    return "; ".join(parts)


def describe(version: Version) -> str:
    """One version on one line: dates, value, citation and note."""
    text = f"{span(version)}: {describe_value(version)} [{version.cite}]"
    return text + (f" ({version.note})" if version.note else "")


def flatten(pack: Pack) -> dict[str, tuple[str, ...]]:
    """Every dated value and every plain field of ``pack``, by key path."""
    flat: dict[str, tuple[str, ...]] = {}
    for path, model in iter_models(pack):
        if isinstance(model, Version):
            continue
        for name in type(model).model_fields:
            value = getattr(model, name)
            if value is None or value == [] or value == {} or is_timeline(value):
                continue
            if isinstance(value, BaseModel) or (
                isinstance(value, dict | list) and any(_structured(v) for v in _items(value))
            ):
                continue
            flat[format_path((*path, field_key(type(model), name)))] = (render(value),)
    for path, versions in iter_timelines(pack):
        ordered = sorted(versions, key=lambda v: v.from_)
        flat[format_path(path)] = tuple(describe(v) for v in ordered)
    return flat


def _items(value: dict[Any, Any] | list[Any]) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else value


def _structured(value: Any) -> bool:
    return isinstance(value, BaseModel) or is_timeline(value)


@dataclass(frozen=True)
class Change:
    """One key path that differs. ``before``/``after`` hold only the versions that differ."""

    path: str
    kind: Literal["added", "removed", "changed"]
    before: tuple[str, ...]
    after: tuple[str, ...]


def diff_packs(old: Pack, new: Pack) -> list[Change]:
    """The changes from ``old`` to ``new``, in the order the keys appear."""
    a, b = flatten(old), flatten(new)
    changes: list[Change] = []
    for path in [*a, *(p for p in b if p not in a)]:
        if path not in b:
            changes.append(Change(path, "removed", a[path], ()))
        elif path not in a:
            changes.append(Change(path, "added", (), b[path]))
        elif a[path] != b[path]:
            gone = tuple(v for v in a[path] if v not in b[path])
            came = tuple(v for v in b[path] if v not in a[path])
            changes.append(Change(path, "changed", gone, came))
    return changes

"""Laying an override pack over the pack it extends.

An override changes a value *from its own dates only*: each of its dated versions wins on the days
it covers, and the extended pack's versions stay in force, with their own citations, on every other
day (cut short where the override begins, resumed where it ends). Entries the override names but
the base lacks are added; plain fields it gives (a label, a severity) replace the base's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from pydantic import BaseModel

from caseledger.policy.schema import Pack, Service, ServiceDefaults, Version
from caseledger.policy.walk import is_timeline

V = TypeVar("V", bound=Version)
M = TypeVar("M", bound=BaseModel)
ONE_DAY = dt.timedelta(days=1)


def _end(version: Version) -> dt.date:
    return version.to or dt.date.max


def _clip(version: V, cover: list[tuple[dt.date, dt.date]]) -> list[V]:
    """The parts of ``version`` outside the covered periods, each keeping its citation."""
    pieces: list[V] = []
    start, end = version.from_, _end(version)
    for c_start, c_end in sorted(cover):
        if c_end < start or c_start > end:
            continue
        if c_start > start:
            pieces.append(_with_dates(version, start, c_start - ONE_DAY))
        if c_end >= end:
            return pieces
        start = c_end + ONE_DAY
    pieces.append(_with_dates(version, start, end))
    return pieces


def _with_dates(version: V, start: dt.date, end: dt.date) -> V:
    if start == version.from_ and end == _end(version):
        return version
    return version.model_copy(update={"from_": start, "to": None if end == dt.date.max else end})


def layer(base: list[V], top: list[V]) -> list[V]:
    """``top``'s versions on their own days, ``base``'s on all the others, in date order."""
    cover = [(v.from_, _end(v)) for v in top]
    kept = [piece for version in base for piece in _clip(version, cover)]
    return sorted([*kept, *top], key=lambda v: v.from_)


def _merge_value(old: Any, new: Any) -> Any:
    if is_timeline(new) and is_timeline(old):
        return layer(old, new)
    if isinstance(new, BaseModel) and isinstance(old, BaseModel) and type(new) is type(old):
        return merge_model(old, new)
    if isinstance(new, dict) and isinstance(old, dict):
        merged = dict(old)
        for key, value in new.items():
            merged[key] = _merge_value(old[key], value) if key in old else value
        return merged
    return new


def merge_model(base: M, top: M) -> M:
    """``base`` with every field that ``top`` states laid over it."""
    updates = {
        name: _merge_value(getattr(base, name), getattr(top, name)) for name in top.model_fields_set
    }
    return base.model_copy(update=updates)


def with_defaults(service: Service, defaults: ServiceDefaults | None) -> Service:
    """The service with every term it leaves out taken from the pack's defaults."""
    if defaults is None:
        return service
    updates = {
        name: getattr(defaults, name)
        for name in defaults.model_fields_set
        if name not in service.model_fields_set
    }
    return service.model_copy(update=updates) if updates else service


def merge_packs(base: Pack, top: Pack) -> Pack:
    """The pack ``top`` extends, with ``top`` laid over it. Identity (id, version, what it
    extends) stays the base's; the override's notes are added to the base's, and its service
    defaults are laid over the base's for services added later."""
    fields = top.model_fields_set - {"pack", "version", "extends", "notes"}
    updates = {name: _merge_value(getattr(base, name), getattr(top, name)) for name in fields}
    updates["notes"] = [*base.notes, *top.notes]
    return base.model_copy(update=updates)

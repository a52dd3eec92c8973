"""Arrow arrays straight from numpy, without a Python object per value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caseledger.facts.arrow import DECIMAL

EPOCH = dt.date(1970, 1, 1)
Int = np.ndarray[Any, np.dtype[np.int64]]
Mask = np.ndarray[Any, np.dtype[np.bool_]]


def epoch_days(day: dt.date) -> int:
    return (day - EPOCH).days


def _validity(valid: Mask | None) -> Any:
    if valid is None or bool(valid.all()):
        return None
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def ids(prefix: str, numbers: Int, width: int) -> Any:
    """``prefix`` + zero-padded numbers: ``E000000001``."""
    text = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, text, "")


def dates(days: Int, valid: Mask | None = None) -> Any:
    """``date32`` from days since 1970-01-01."""
    data = pa.py_buffer(np.ascontiguousarray(days, dtype=np.int32))
    return pa.Array.from_buffers(pa.date32(), len(days), [_validity(valid), data])


def times(minutes: Int, valid: Mask | None = None) -> Any:
    """``time32[ms]`` from minutes after midnight."""
    data = pa.py_buffer(np.ascontiguousarray(minutes * 60_000, dtype=np.int32))
    return pa.Array.from_buffers(pa.time32("ms"), len(minutes), [_validity(valid), data])


def timestamps(minutes: Int) -> Any:
    """``timestamp[ms]`` from minutes since 1970-01-01T00:00."""
    data = pa.py_buffer(np.ascontiguousarray(minutes * 60_000, dtype=np.int64))
    return pa.Array.from_buffers(pa.timestamp("ms"), len(minutes), [None, data])


def decimals(cents: Int, valid: Mask | None = None) -> Any:
    """``decimal128(12, 2)`` from whole cents (the 16-byte two's complement Arrow stores)."""
    words = np.zeros((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(DECIMAL, len(cents), [_validity(valid), pa.py_buffer(words)])


def pick(values: Sequence[str | None], index: Int) -> Any:
    """``values[index]`` for every index, as a string array (None stays null)."""
    return pa.array(values, pa.string()).take(pa.array(index))


def lists(values: list[tuple[str, ...]], index: Int) -> Any:
    """``list<string>`` of ``values[index]`` for every index."""
    lengths = np.array([len(v) for v in values], dtype=np.int32)[index]
    offsets = np.zeros(len(index) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    width = max((len(v) for v in values), default=0)
    table = np.array([[*v, *([None] * (width - len(v)))] for v in values], dtype=object)
    flat = table[index].ravel() if width else np.array([], dtype=object)
    present = (np.arange(width)[None, :] < lengths[:, None]).ravel() if width else flat
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat[present], pa.string()))


def booleans(flags: Mask, valid: Mask | None = None) -> Any:
    """``bool`` from a mask; where ``valid`` is false, null."""
    data = pa.py_buffer(np.packbits(flags, bitorder="little"))
    return pa.Array.from_buffers(pa.bool_(), len(flags), [_validity(valid), data])


def nulls(kind: Any, length: int) -> Any:
    return pa.nulls(length, kind)

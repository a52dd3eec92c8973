"""What goes wrong in a pack, said as ``file:line: key: message``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One error in one pack file. ``line`` is 1-based; 0 when no line applies."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class PackError(ValueError):
    """A pack (or a set of packs) that cannot be used; holds every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        unique = sorted(set(problems))
        self.problems: tuple[Problem, ...] = tuple(unique)
        count = len(unique)
        head = f"{count} problem{'s' if count != 1 else ''} in policy packs"
        super().__init__("\n".join([head, *(str(p) for p in unique)]))


class PolicyLookupError(LookupError):
    """A rule asked for something the loaded packs do not define (on that date)."""

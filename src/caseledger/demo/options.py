"""What a demo run is asked for, and the random streams it draws from."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from caseledger.demo.calendar import Period

DEFAULT_CLIENTS = 300
DEFAULT_MONTHS = 12
DEFAULT_SEED = 1
DEFAULT_START = dt.date(2025, 1, 1)
#: below this many clients, or months, not every program can carry its planted violations
MIN_CLIENTS = 40
MIN_MONTHS = 3
MAX_MONTHS = 36


@dataclass(frozen=True)
class DemoOptions:
    clients: int = DEFAULT_CLIENTS
    months: int = DEFAULT_MONTHS
    seed: int = DEFAULT_SEED
    start: dt.date = DEFAULT_START
    #: no planted violations
    clean: bool = False

    @property
    def period(self) -> Period:
        return Period(self.start, self.months)

    def problems(self) -> list[str]:
        """What is wrong with these options, in words for the command line."""
        out = []
        if self.clients < MIN_CLIENTS:
            out.append(
                f"--clients must be at least {MIN_CLIENTS} (every program needs enough clients "
                f"to carry the demo's planted violations), got {self.clients}"
            )
        if not MIN_MONTHS <= self.months <= MAX_MONTHS:
            out.append(f"--months must be from {MIN_MONTHS} to {MAX_MONTHS}, got {self.months}")
        if self.start.year < 2020:
            out.append(
                f"--start must be 2020-01-01 or later (the demo's history reaches back to 2018), "
                f"got {self.start}"
            )
        return out


def stream(seed: int, name: str) -> random.Random:
    """An independent random stream for one concern of the generator, so that drawing more
    from one (more clients, say) does not shift the values of another."""
    return random.Random(f"caseledger-demo/{seed}/{name}")


class Ids:
    """Sequential ids per prefix: ``S001``, ``C0001``, ``E000001``."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def new(self, prefix: str, width: int) -> str:
        n = self._next.get(prefix, 0) + 1
        self._next[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def reset(self, prefix: str) -> None:
        self._next.pop(prefix, None)

    def skip(self, prefix: str, count: int) -> None:
        """Continues ``prefix`` after ``count`` ids handed out elsewhere."""
        self._next[prefix] = self._next.get(prefix, 0) + count

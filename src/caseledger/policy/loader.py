"""Loading one pack file: YAML with line numbers, then the schema, then the file's own dates.

Every problem found is collected and raised together as a :class:`PackError`, each naming the
file, the line and the key path, so an administrator fixes a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from caseledger.policy.errors import PackError, Problem
from caseledger.policy.messages import problems_from
from caseledger.policy.schema import Pack, Version
from caseledger.policy.walk import iter_timelines
from caseledger.policy.yamlread import LineMap, load_yaml

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class PackFile:
    """One loaded, schema-valid pack file."""

    path: Path
    #: how the file is named in messages and listings
    display: str
    pack: Pack
    lines: LineMap
    sha256: str

    @property
    def is_override(self) -> bool:
        return self.pack.extends is not None

    def locate(self, path: tuple[str | int, ...]) -> tuple[int, str]:
        return self.lines.locate(path)


def span(version: Version) -> str:
    """``2008-01-01 to 2018-12-31`` or ``2008-01-01 onward``."""
    start = version.from_.isoformat()
    return f"{start} to {version.to.isoformat()}" if version.to else f"{start} onward"


def timeline_problems(pack: Pack, lines: LineMap, source: str) -> list[Problem]:
    """Versions of one value must neither overlap nor leave gaps between them: on any date
    inside the value's coverage exactly one version is in force."""
    problems: list[Problem] = []
    for path, versions in iter_timelines(pack):
        order = sorted(range(len(versions)), key=lambda i: versions[i].from_)
        for before_i, after_i in itertools.pairwise(order):
            before, after = versions[before_i], versions[after_i]
            line, key = lines.locate((*path, after_i))
            if before.to is None or before.to >= after.from_:
                fix = (after.from_ - ONE_DAY).isoformat()
                problems.append(
                    Problem(
                        source,
                        line,
                        key,
                        f"dates overlap: this version ({span(after)}) and the one from "
                        f"{span(before)} are both in force on {after.from_.isoformat()} "
                        f"(dates are inclusive; end the earlier one with 'to: {fix}')",
                    )
                )
            elif before.to + ONE_DAY < after.from_:
                problems.append(
                    Problem(
                        source,
                        line,
                        key,
                        f"dates leave a gap: nothing is in force from "
                        f"{(before.to + ONE_DAY).isoformat()} to "
                        f"{(after.from_ - ONE_DAY).isoformat()} (start this version on "
                        f"{(before.to + ONE_DAY).isoformat()} or add a version for the gap)",
                    )
                )
    return problems


def read_pack_file(path: Path | str, display: str | None = None) -> PackFile:
    """Load and validate one pack file; raise :class:`PackError` listing every problem."""
    path = Path(path)
    source = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError([Problem(source, 0, "", f"cannot read the file: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PackError([Problem(source, line, "", "not UTF-8 text")]) from None
    data, lines = load_yaml(text, source)
    if data is None:
        raise PackError(
            [Problem(source, 1, "", "the file is empty; expected a pack (pack:, version:, ...)")]
        )
    if not isinstance(data, dict):
        raise PackError(
            [Problem(source, 1, "", "expected a mapping at the top (pack:, version:, ...)")]
        )
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        raise PackError(problems_from(exc, source, lines, Pack)) from None
    problems = timeline_problems(pack, lines, source)
    if problems:
        raise PackError(problems)
    return PackFile(path, source, pack, lines, hashlib.sha256(raw).hexdigest())


__all__ = ["PackFile", "read_pack_file", "span", "timeline_problems"]

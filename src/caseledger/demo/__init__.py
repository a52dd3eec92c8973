"""The synthetic demo agency: a deterministic, fully invented Missouri agency offering all four
programs, with planted violations an audit should find (docs/demo.md).

``generate(folder, DemoOptions(...))`` writes the dataset folder; the same options always give the
same bytes. ``caseledger.demo.bulk.generate_bulk`` streams benchmark-sized datasets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from caseledger.demo.options import DemoOptions

__all__ = ["DemoOptions", "FolderNotEmpty", "Generated", "generate"]


class FolderNotEmpty(FileExistsError):
    """The target folder already holds files and replacing them was not asked for."""


@dataclass
class Generated:
    folder: Path
    #: rows written per file name
    files: dict[str, int]
    #: planted violations per rule id
    planted: Counter[str] = field(default_factory=Counter)
    as_of: str = ""


def check_folder(folder: Path, replace: bool) -> None:
    """Refuses a folder that already has files unless ``replace``; with it, removes the files a
    previous run wrote (and nothing else)."""
    from caseledger.demo.output import clear

    if folder.exists() and not folder.is_dir():
        raise FolderNotEmpty(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        if not replace:
            raise FolderNotEmpty(f"{folder} is not empty")
        clear(folder)


def generate(
    folder: Path, options: DemoOptions | None = None, *, replace: bool = False
) -> Generated:
    """Writes the demo agency described by ``options`` to ``folder``."""
    from caseledger.demo.builder import build
    from caseledger.demo.output import write

    options = options or DemoOptions()
    problems = options.problems()
    if problems:
        raise ValueError("; ".join(problems))
    check_folder(folder, replace)
    demo = build(options)
    files = write(folder, demo)
    return Generated(
        folder, files, Counter(p.rule for p in demo.planted), options.period.as_of.isoformat()
    )

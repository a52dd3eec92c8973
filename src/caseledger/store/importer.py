"""``caseledger import``: a dataset folder into the store, all or nothing, in one transaction.

The reader checks every file against the contract and every reference against the dataset and
the ids the store already holds. Unless a partial import is asked for, any problem means nothing is
written. Rows are then compared with what is stored, table by table in load order, so re-importing
the same dataset writes nothing, and the report says per table what was added, changed, kept or
removed. One access-log entry per client whose records changed is written in the same transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import exc

from caseledger.facts import schema
from caseledger.facts.dataset import Problem, read_dataset
from caseledger.store.access_log import AccessEntry
from caseledger.store.errors import StoreError
from caseledger.store.repositories import TableChanges
from caseledger.store.unit_of_work import Store, UnitOfWork

#: Called as rows are written: (table name, rows just done, rows of that table in the dataset).
ImportProgress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    folder: Path
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    #: per table present in the dataset, in load order
    tables: dict[str, TableChanges] = field(default_factory=dict)
    partial: bool = False
    dry_run: bool = False
    #: the changes are in the store (false for a dry run or a refused import)
    committed: bool = False
    #: clients with an access-log entry for this import
    clients_logged: int = 0

    @property
    def refused(self) -> bool:
        """Nothing was written because of problems (an all-or-nothing import)."""
        return bool(self.problems) and not self.partial

    @property
    def skipped_rows(self) -> bool:
        """A partial import left rows out."""
        return bool(self.problems) and self.partial

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.file, p.line or 0, p.column or "", p.message))

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for changes in self.tables.values():
            total.update(
                added=changes.added,
                changed=changes.changed,
                unchanged=changes.unchanged,
                removed=changes.removed,
            )
        return total


def referenced_tables() -> list[str]:
    """The tables some column refers to: the reader needs their stored ids."""
    names = {c.ref[0] for t in schema.TABLES for c in t.columns if c.ref is not None}
    return [t.name for t in schema.load_order() if t.name in names]


def import_dataset(
    store: Store,
    folder: Path,
    *,
    partial: bool = False,
    dry_run: bool = False,
    actor: str | None = None,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Imports the dataset in ``folder``. Raises ``DatasetNotFound`` for a missing folder and
    ``StoreError`` when the database refuses the changes; returns a report otherwise (read its
    ``problems``: with problems and without ``partial``, nothing was written)."""
    folder = Path(folder)
    report = ImportReport(folder, partial=partial, dry_run=dry_run)
    try:
        with store.unit_of_work(actor=actor) as uow:
            _run(uow, report, progress)
            if dry_run or report.refused:
                uow.discard()
    except exc.IntegrityError as error:
        # The reader checks every reference and value first, so this is a rare race with another
        # writer; the transaction is rolled back and nothing was written.
        raise StoreError(
            f"the store refused the import ({type(error.orig).__name__}); nothing was written",
            hint="another change may have removed a row this dataset refers to; import again",
        ) from None
    report.committed = not (dry_run or report.refused)
    return report


def _run(uow: UnitOfWork, report: ImportReport, progress: ImportProgress | None) -> None:
    known = {name: uow.repo(name).ids() for name in referenced_tables()}
    result = read_dataset(report.folder, known_ids=known)
    report.problems = list(result.problems)
    report.notices = list(result.notices)
    if report.refused:
        return
    dataset = result.dataset
    # A skipped child row may be the one that matched a stored row; with skips in a child file,
    # stored children are kept rather than removed, so a partial import never loses records.
    files_with_problems = {p.file for p in result.problems}
    for contract in schema.load_order():
        if not dataset.present(contract.name):
            continue
        rows = dataset.rows(contract.name)
        total = len(rows)
        on_progress = None
        if progress is not None:
            name = contract.name

            def on_progress(done: int, name: str = name, total: int = total) -> None:
                progress(name, done, total)

        report.tables[contract.name] = uow.repo(contract.name).sync(
            rows,
            remove_children=contract.filename not in files_with_problems,
            log=False,
            on_progress=on_progress,
        )
    report.clients_logged = _log_import(uow, report)


def _log_import(uow: UnitOfWork, report: ImportReport) -> int:
    """One entry per client whose records were created, changed or removed, listing the counts
    per table (no values, so no PHI)."""
    per_client: dict[str, dict[str, Counter[str]]] = defaultdict(dict)
    for name, changes in report.tables.items():
        for client, counts in changes.clients.items():
            if any(counts.values()):
                per_client[client][name] = counts
    entries = []
    for client in sorted(per_client):
        parts = []
        for name, counts in per_client[client].items():
            said = ", ".join(
                f"{counts[k]} {k}" for k in ("added", "changed", "removed") if counts[k]
            )
            parts.append(f"{name}: {said}")
        entries.append(
            AccessEntry(
                "import",
                client_id=client,
                record_type="clients",
                record_id=client,
                detail="; ".join(parts),
            )
        )
    return uow.access.record_many(entries)

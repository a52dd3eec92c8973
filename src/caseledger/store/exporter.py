"""``caseledger export``: the whole store as a dataset folder, in canonical form.

The rows are read in one consistent snapshot and written to a temporary folder beside the target;
the access-log entries (one per client exported) commit with that read, and only then are the files
moved into place, so the target never holds a mix of an old and a new export.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from caseledger.facts import schema
from caseledger.facts.dataset import Dataset, write_dataset
from caseledger.store.access_log import AccessEntry
from caseledger.store.errors import ExportTargetNotEmpty, StoreError
from caseledger.store.unit_of_work import Store, UnitOfWork

_CONTRACT_FILES = frozenset(t.filename for t in schema.TABLES)


@dataclass
class ExportReport:
    folder: Path
    #: rows written per file name
    files: dict[str, int]
    #: clients with an access-log entry for this export
    clients_logged: int


def export_dataset(
    store: Store, folder: Path, *, actor: str | None = None, force: bool = False
) -> ExportReport:
    """Writes every table that holds rows (and always ``encounters.csv``) to ``folder``.

    Refuses a folder that already holds anything unless ``force``; with ``force``, dataset files
    of tables that are now empty are removed so they cannot mix into the new export, and other
    files are left alone."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder} is a file; expected a folder to export into")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ExportTargetNotEmpty(
            f"{folder} is not empty; nothing was written",
            hint="choose an empty or new folder, or pass --force to overwrite its dataset files",
        )
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".caseledger-export-", dir=folder.parent))
    try:
        with store.unit_of_work(actor=actor, snapshot=True) as uow:
            dataset = _snapshot(uow)
            files = write_dataset(dataset, staging)
            clients = _log_export(uow, dataset)
        _move_into_place(staging, folder, set(files))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportReport(folder, files, clients)


def _snapshot(uow: UnitOfWork) -> Dataset:
    tables = {}
    extra_columns = {}
    for contract in schema.load_order():
        rows = uow.repo(contract.name).snapshot()
        if not rows and not contract.required_file:
            continue  # an absent file says "not provided", which is all the store can say
        tables[contract.name] = rows
        extra: dict[str, None] = {}
        for row in rows:
            for name in row:
                if not contract.has_column(name):
                    extra.setdefault(name)
        if extra:
            extra_columns[contract.name] = tuple(extra)
            for row in rows:  # every row of a file has every column
                for name in extra:
                    row.setdefault(name, "")
    return Dataset(tables=tables, extra_columns=extra_columns)


def _log_export(uow: UnitOfWork, dataset: Dataset) -> int:
    """One entry per client exported, with the rows per table (counts only, no PHI)."""
    per_client: dict[str, Counter[str]] = defaultdict(Counter)
    for contract in schema.TABLES:
        repo = uow.repo(contract.name)
        if repo.link is None or not dataset.present(contract.name):
            continue
        rows = dataset.rows(contract.name)
        for client in repo.clients_of(rows):
            if client is not None:
                per_client[client][contract.name] += 1
    entries = [
        AccessEntry(
            "export",
            client_id=client,
            record_type="clients",
            record_id=client,
            detail="; ".join(f"{name}: {n}" for name, n in per_client[client].items()),
        )
        for client in sorted(per_client)
    ]
    return uow.access.record_many(entries)


def _move_into_place(staging: Path, folder: Path, written: set[str]) -> None:
    for name in sorted(written):
        os.replace(staging / name, folder / name)
    for stale in sorted(_CONTRACT_FILES - written):
        (folder / stale).unlink(missing_ok=True)

"""The operational store: SQLite or PostgreSQL tables built from the dataset contract, their
migrations, the unit of work with its repositories, the access log, and dataset import/export.

Import and export live in ``caseledger.store.importer`` and ``caseledger.store.exporter``.
"""

from caseledger.store.access_log import AccessLog, Clock, FixedClock, SystemClock
from caseledger.store.errors import (
    ExportTargetNotEmpty,
    SchemaOutOfDate,
    StoreError,
    StoreUnavailable,
)
from caseledger.store.repositories import EncounterRepository, Repository, Row, TableChanges
from caseledger.store.unit_of_work import Store, UnitOfWork

__all__ = [
    "AccessLog",
    "Clock",
    "EncounterRepository",
    "ExportTargetNotEmpty",
    "FixedClock",
    "Repository",
    "Row",
    "SchemaOutOfDate",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "SystemClock",
    "TableChanges",
    "UnitOfWork",
]

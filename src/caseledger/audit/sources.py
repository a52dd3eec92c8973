"""Where an audit's facts come from: a dataset folder, or the store."""

from __future__ import annotations

from caseledger.facts.columnar import Facts, facts_from_dataset
from caseledger.facts.dataset import Dataset
from caseledger.facts.engines import Engine
from caseledger.facts.schema import TABLES
from caseledger.store import Store


def facts_from_store(
    store: Store, engine: Engine | None = None, *, actor: str | None = None
) -> Facts:
    """Every table of the store as facts. The reads are recorded in the access log, in the same
    transaction that reads them (one entry per client, as the store's repositories log reads)."""
    with store.unit_of_work(actor=actor, snapshot=True) as uow:
        tables = {t.name: uow.repo(t.name).all() for t in TABLES}
    present = {name: rows for name, rows in tables.items() if rows or name == "encounters"}
    return facts_from_dataset(Dataset(present), engine)

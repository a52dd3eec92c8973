"""Client histories kept between reads, while the store says they are unchanged.

A single-encounter check reads the whole encounter history of the encounter's client, thousands
of rows for a long-served client, and a user checks again and again while recording. Triggers on
the encounters table count every change to each client's encounters (``client_revisions``,
migration 0010), whatever code or tool makes it. A history read at count *n* is the stored one
for as long as the count is *n*, so a reader asks the count (one indexed row) and reads the rows
only when it has moved.

The count is read before the rows: in a store other processes write to, the rows can only be
newer than the count, never older. A history read in a transaction is offered to other readers
only once that transaction has committed, so rows a rolled-back transaction wrote are never kept.
Every read is still written to the access log, in the reader's transaction, kept or not.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence

from caseledger.facts.dataset import KnownRows, Row

#: how many clients' histories a store keeps (a check reads one client's)
KEEP_CLIENTS = 32


class Histories:
    """The histories of the clients read most recently, by client and count of changes, least
    recently used forgotten first. Thread-safe: one store object serves every thread of a web
    server. Each history read from the database gets a key of its own (this object's, and a
    serial number), so a key always names the same rows."""

    def __init__(self, capacity: int = KEEP_CLIENTS) -> None:
        #: 0 keeps nothing: every read reads the rows
        self.capacity = capacity
        self._token = uuid.uuid4().hex
        self._serials = itertools.count()
        self._items: OrderedDict[str, tuple[int, KnownRows]] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, rows: Sequence[Row]) -> KnownRows:
        """Rows just read from the database, under a key of their own."""
        with self._lock:
            return KnownRows((self._token, next(self._serials)), tuple(rows))

    def get(self, client_id: str, revision: int) -> KnownRows | None:
        with self._lock:
            found = self._items.get(client_id)
            if found is None or found[0] != revision:
                return None
            self._items.move_to_end(client_id)
            return found[1]

    def put(self, client_id: str, revision: int, history: KnownRows) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            kept = self._items.get(client_id)
            if kept is not None and kept[0] > revision:
                return  # a newer count was read meanwhile
            self._items[client_id] = (revision, history)
            self._items.move_to_end(client_id)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

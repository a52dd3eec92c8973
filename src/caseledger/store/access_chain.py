"""The access log as a chain: every entry carries a keyed hash (HMAC-SHA-256) of its own fields
and of the hash of the entry before it.

Whoever changes, inserts, deletes or reorders an entry without the key breaks the chain from that
entry on, and ``verify`` names the first entry that no longer fits. Removing the newest entries
leaves a shorter chain that is still whole, so the newest entry's id and hash are also recorded
outside the database (:mod:`caseledger.store.secrets`), signed with the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from caseledger.store.secrets import Head, StoreSecrets
from caseledger.store.tables import access_log

#: the hash the first entry follows
GENESIS = ""
#: the fields an entry's hash covers, in order (``id`` too: moving an entry changes its hash)
FIELDS = ("id", "at", "actor", "action", "client_id", "record_type", "record_id", "detail")


def entry_mac(key: bytes, previous: str, entry: Mapping[str, Any]) -> str:
    """The hash of ``entry`` following the entry whose hash is ``previous``. The fields are
    written as one JSON array, so no two different entries read the same."""
    values: list[Any] = [previous]
    for name in FIELDS:
        value = entry.get(name)
        values.append(value.isoformat() if isinstance(value, dt.datetime) else value)
    message = json.dumps(values, ensure_ascii=True, separators=(",", ":"))
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).hexdigest()


def last_entry(connection: sa.Connection) -> Head | None:
    row = connection.execute(
        sa.select(access_log.c.id, access_log.c.mac).order_by(access_log.c.id.desc()).limit(1)
    ).first()
    return None if row is None else Head(int(row.id), str(row.mac or ""))


def seal(key: bytes, after: Head | None, entries: Iterable[dict[str, Any]]) -> Head | None:
    """Gives each of ``entries`` (in order) its id and hash, following ``after``; returns the
    new newest entry."""
    head = after
    for entry in entries:
        entry["id"] = (head.id if head else 0) + 1
        entry["mac"] = entry_mac(key, head.mac if head else GENESIS, entry)
        head = Head(entry["id"], entry["mac"])
    return head


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: how many entries it checked, and the first fault, if any."""

    checked: int
    first_bad_id: int | None = None
    problem: str | None = None
    head: Head | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(connection: sa.Connection, secrets: StoreSecrets, *, batch: int = 5000) -> Verdict:
    """Walks the log in id order, recomputing every hash, then compares its end with the head
    recorded outside the database."""
    key = secrets.key(create=False)
    try:
        recorded = secrets.read_head(key)
    except ValueError as error:
        return Verdict(0, None, str(error))
    previous: Head | None = None
    checked = 0
    query = sa.select(access_log).order_by(access_log.c.id)
    result = connection.execution_options(yield_per=batch).execute(query)
    for row in result:
        entry = row._asdict()
        expected_id = (previous.id if previous else 0) + 1
        if entry["id"] != expected_id:
            result.close()
            gap = "is missing" if entry["id"] == expected_id + 1 else "and later ones are missing"
            return Verdict(
                checked,
                expected_id,
                f"entry {expected_id} {gap} (the next entry is {entry['id']}): entries were "
                "deleted or renumbered",
                previous,
            )
        mac = entry_mac(key, previous.mac if previous else GENESIS, entry)
        if not hmac.compare_digest(mac, str(entry.get("mac") or "")):
            result.close()
            return Verdict(
                checked,
                entry["id"],
                f"entry {entry['id']} does not match its hash: it was altered, or put in "
                "place of another, or an entry before it was changed",
                previous,
            )
        previous = Head(entry["id"], mac)
        checked += 1
    if recorded is not None:
        if previous is None or previous.id < recorded.id:
            last = previous.id if previous else 0
            return Verdict(
                checked,
                last + 1,
                f"the newest entries are missing: the log ends at entry {last}, but entry "
                f"{recorded.id} was written",
                previous,
            )
        # The head may lag the log (a writer stops between commit and recording it), never lead.
        at_head = connection.execute(
            sa.select(access_log.c.mac).where(access_log.c.id == recorded.id)
        ).scalar_one_or_none()
        if at_head != recorded.mac:
            return Verdict(
                checked,
                recorded.id,
                f"entry {recorded.id} is not the entry recorded as the head",
                previous,
            )
    return Verdict(checked, None, None, previous)

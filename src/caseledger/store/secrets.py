"""What must live outside the database: the access log's key and the record of its newest entry.

Someone able to rewrite the database must not also hold what checks it. Each store has an id
(kept in the ``store_meta`` table); its key and head files are named after it in the secrets
folder: ``CASELEDGER_SECRETS_DIR`` if set, else ``$XDG_CONFIG_HOME/caseledger/secrets`` (by
default ``~/.config/caseledger/secrets``). Back the folder up apart from the database: without
the key the log can be neither verified nor extended.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from caseledger.store.errors import StoreError

ENV_SECRETS = "CASELEDGER_SECRETS_DIR"
KEY_BYTES = 32


class SecretMissing(StoreError):
    """The key of a store whose log is already chained is not where it should be."""


def secrets_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(ENV_SECRETS):
        return Path(env[ENV_SECRETS])
    config = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "caseledger" / "secrets"


@dataclass(frozen=True)
class Head:
    """The newest entry of the chain when it was last written: its id and its hash."""

    id: int
    mac: str


@dataclass(frozen=True)
class StoreSecrets:
    """The key and the head record of one store."""

    store_id: str
    folder: Path

    @property
    def key_path(self) -> Path:
        return self.folder / f"{self.store_id}.access-key"

    @property
    def head_path(self) -> Path:
        return self.folder / f"{self.store_id}.access-head"

    def key(self, *, create: bool) -> bytes:
        """The store's key; with ``create``, a new one is made when there is none yet (only
        right for a log with no entries)."""
        try:
            return bytes.fromhex(self.key_path.read_text(encoding="ascii").strip())
        except FileNotFoundError:
            if not create:
                raise SecretMissing(
                    f"the access-log key of this store is missing ({self.key_path})",
                    hint=f"restore the folder {self.folder} from its backup, or point "
                    f"{ENV_SECRETS} at where it is kept",
                ) from None
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_bytes(KEY_BYTES)
        fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key.hex() + "\n")
        return key

    # ------------------------------------------------------------------------------ the head

    def _signature(self, key: bytes, head: Head) -> str:
        message = f"caseledger access-log head|{self.store_id}|{head.id}|{head.mac}"
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()

    def read_head(self, key: bytes) -> Head | None:
        """The recorded head, or None when none was ever written. Raises ``ValueError`` when
        the file was altered (its signature does not match)."""
        try:
            data = json.loads(self.head_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except json.JSONDecodeError:
            raise ValueError(f"{self.head_path} is not a head record") from None
        head = Head(int(data["id"]), str(data["mac"]))
        if not hmac.compare_digest(self._signature(key, head), str(data.get("signature", ""))):
            raise ValueError(f"the head record {self.head_path} has been altered")
        return head

    def advance_head(self, key: bytes, head: Head) -> None:
        """Records ``head`` unless a newer one is recorded already (writers may finish in any
        order); the file is replaced whole, never half-written."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._locked():
            try:
                current = self.read_head(key)
            except ValueError:
                current = None  # an altered record is replaced; verify reports the mismatch
            if current is not None and current.id >= head.id:
                return
            record = {"id": head.id, "mac": head.mac, "signature": self._signature(key, head)}
            temporary = self.head_path.with_suffix(".tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, self.head_path)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = self.folder / f"{self.store_id}.lock"
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

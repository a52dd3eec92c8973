"""Where the store lives: ``--db`` beats ``CASELEDGER_DB``, which beats the default file."""

from __future__ import annotations

import os

DEFAULT_DB_URL = "sqlite:///caseledger.db"
ENV_DB = "CASELEDGER_DB"


def database_url(option: str | None = None) -> str:
    """The SQLAlchemy URL of the store. A bare file path means a SQLite file."""
    value = option or os.environ.get(ENV_DB) or DEFAULT_DB_URL
    if "://" not in value:
        value = f"sqlite:///{value}"
    if value.startswith("postgresql://") or value.startswith("postgres://"):
        # psycopg 3 is the driver we ship; plain URLs would ask SQLAlchemy for psycopg2.
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def redacted(url: str) -> str:
    """The URL with any password hidden, for messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url

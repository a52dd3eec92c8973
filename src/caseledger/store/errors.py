"""What can go wrong opening or using the store, as messages a user can act on.

Messages name the store by its redacted URL only and never carry row values, so they are safe to
print and to log.
"""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot be used as asked: ``str()`` is one line for the user, ``hint`` says what
    to do about it."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class StoreUnavailable(StoreError):
    """The URL is malformed, the driver is unknown, or the server cannot be reached."""


class SchemaOutOfDate(StoreError):
    """The database's schema is not at this version's migration head."""


class ExportTargetNotEmpty(StoreError):
    """``export`` would overwrite files in a folder that already holds something."""

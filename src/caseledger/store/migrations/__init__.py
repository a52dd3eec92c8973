"""Alembic migrations of the store (``env.py`` and ``versions/``); run them with
``caseledger db upgrade`` or ``caseledger.store.migrate.upgrade``."""

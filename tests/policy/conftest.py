"""Fixtures for the policy tests: the built-in policy, and a writer for small pack files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from caseledger.facts import schema
from caseledger.policy import KnownNames, Policy, load_policy

KNOWN = KnownNames.from_schema(schema)

WritePack = Callable[..., Path]


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The built-in packs only (the environment's override path is ignored)."""
    return load_policy(environ={}, known=KNOWN)


@pytest.fixture
def write_pack(tmp_path: Path) -> WritePack:
    """Write ``text`` (dedented; its first line is line 1) to ``tmp_path/name``."""

    def write(text: str, name: str = "pack.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write

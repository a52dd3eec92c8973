from __future__ import annotations

import pytest

from caseledger.config import DEFAULT_DB_URL, ENV_DB, database_url, redacted


def test_option_beats_environment_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DB, raising=False)
    assert database_url(None) == DEFAULT_DB_URL
    monkeypatch.setenv(ENV_DB, "sqlite:///from-env.db")
    assert database_url(None) == "sqlite:///from-env.db"
    assert database_url("sqlite:///from-option.db") == "sqlite:///from-option.db"


def test_bare_path_means_sqlite_file() -> None:
    assert database_url("var/store.db") == "sqlite:///var/store.db"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_plain_postgres_urls_use_the_shipped_driver(scheme: str) -> None:
    assert database_url(f"{scheme}://u@h/db") == "postgresql+psycopg://u@h/db"


def test_redacted_hides_only_the_password() -> None:
    assert redacted("postgresql+psycopg://ann:s3cret@db:5432/x") == (
        "postgresql+psycopg://ann:***@db:5432/x"
    )
    assert "s3cret" not in redacted("postgresql://ann:s3cret@db/x")
    assert redacted("sqlite:///a.db") == "sqlite:///a.db"

"""Shared test settings. Each area keeps its own fixtures in its folder's conftest.py."""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

# Access-log keys and head records of the stores tests create stay out of the user's home.
os.environ.setdefault("CASELEDGER_SECRETS_DIR", tempfile.mkdtemp(prefix="caseledger-test-secrets-"))

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

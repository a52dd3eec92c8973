"""The second factor: time-based one-time passwords (RFC 6238) and one-time recovery codes.

A code is accepted in the 30-second step it belongs to or the one either side (clocks drift), and
only once: the step last accepted is kept, and a code from it or an earlier step is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp

ISSUER = "caseledger"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """What an authenticator app reads (as a QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def code_at(secret: str, at: dt.datetime) -> str:
    """The code for ``at`` (what the user's app shows then)."""
    return pyotp.TOTP(secret).at(at)


def accepted_step(secret: str, code: str, at: dt.datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to when it is good at ``at`` and newer than
    ``last_step``; None otherwise."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int(at.timestamp()) // STEP_SECONDS
    for step in (now - 1, now, now + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Codes like ``k7dm-q2xa-9tfe`` (60 bits each)."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 12, 4)))
    return codes


def recovery_hash(code: str) -> str:
    cleaned = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(cleaned.encode()).hexdigest()

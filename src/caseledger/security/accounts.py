"""Accounts and sign-in: who someone is, checked by a password and a second factor.

Every step of signing in is a method that returns what happened instead of raising, because a
failed attempt must be counted and kept: the unit of work commits it either way. Messages never
say whether the user name or the password was wrong.

After :attr:`AuthSettings.max_failures` wrong passwords or codes in a row the account is locked
for :attr:`AuthSettings.lockout`; while locked even the right password is refused, so guessing is
slowed to a handful of tries per quarter hour.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from caseledger.security import mfa
from caseledger.security.passwords import Hasher, problems
from caseledger.store.tables import ROLES, recovery_codes, sessions, users
from caseledger.store.unit_of_work import UnitOfWork

log = logging.getLogger("caseledger.security")
#: what a refused sign-in says, whatever the reason (names are not confirmed to strangers)
REFUSED = "the user name, password or code is not right"


ENV_IDLE = "CASELEDGER_SESSION_IDLE_MINUTES"
ENV_LIFETIME = "CASELEDGER_SESSION_HOURS"


@dataclass(frozen=True)
class AuthSettings:
    max_failures: int = 5
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    #: a session ends after this long without a request
    idle: dt.timedelta = dt.timedelta(minutes=15)
    #: and this long after it began, however busy
    lifetime: dt.timedelta = dt.timedelta(hours=12)
    #: how recent a re-entry of password and code must be to change either
    reauth_window: dt.timedelta = dt.timedelta(minutes=5)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AuthSettings:
        """The defaults, with the session limits an agency may set:
        ``CASELEDGER_SESSION_IDLE_MINUTES`` (1 to 60) and ``CASELEDGER_SESSION_HOURS`` (1 to 24)."""
        env = os.environ if environ is None else environ
        idle = _bounded(env, ENV_IDLE, 1, 60)
        hours = _bounded(env, ENV_LIFETIME, 1, 24)
        return cls(
            idle=dt.timedelta(minutes=idle) if idle else cls.idle,
            lifetime=dt.timedelta(hours=hours) if hours else cls.lifetime,
        )


def _bounded(env: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    text = env.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise AccountError(f"{name} must be a whole number from {low} to {high}, got {text!r}")
    return int(text)


@dataclass(frozen=True)
class Account:
    user_id: str
    username: str
    display_name: str
    agency_id: str
    role: str
    mfa_enrolled: bool
    disabled: bool
    demo: bool
    emergency_until: dt.datetime | None
    staff_id: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> Account:
        return cls(
            user_id=row.user_id,
            username=row.username,
            display_name=row.display_name,
            agency_id=row.agency_id,
            role=row.role,
            mfa_enrolled=row.mfa_enrolled_at is not None,
            disabled=row.disabled_at is not None,
            demo=bool(row.demo),
            emergency_until=row.emergency_until,
            staff_id=row.staff_id,
        )


@dataclass(frozen=True)
class Enrollment:
    """What a person needs to set up their second factor; shown once."""

    secret: str
    uri: str
    recovery_codes: list[str]


@dataclass(frozen=True)
class Refused:
    reason: str = REFUSED


@dataclass(frozen=True)
class Principal:
    """A signed-in person, as the permission check sees them."""

    user_id: str
    username: str
    agency_id: str
    role: str
    #: an emergency-access account acting while turned on
    emergency: bool = False
    #: the staff member this person is (who signs their notes), if any
    staff_id: str | None = None


@dataclass(frozen=True)
class SignIn:
    token: str
    #: the second factor is still to come (``pass_second_factor``); until then the session
    #: gives no access
    needs_code: bool
    #: the account has no authenticator yet: the code confirms this enrollment
    enrollment: Enrollment | None = None


class AccountError(ValueError):
    """An account cannot be made or changed as asked; the message says why."""


def _naive(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.UTC).replace(tzinfo=None)


def _token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Accounts:
    """Account operations inside one unit of work (one transaction)."""

    uow: UnitOfWork
    hasher: Hasher = field(default_factory=Hasher)
    settings: AuthSettings = field(default_factory=AuthSettings.from_env)

    @property
    def _conn(self) -> sa.Connection:
        return self.uow.connection

    def _now(self) -> dt.datetime:
        return _naive(self.uow.access.clock.now())

    # ---------------------------------------------------------------------------- accounts

    def add(
        self,
        username: str,
        display_name: str,
        agency_id: str,
        role: str,
        password: str,
        *,
        demo: bool = False,
        staff_id: str | None = None,
    ) -> tuple[Account, Enrollment]:
        """A new account, its authenticator secret and recovery codes (shown once)."""
        name = username.strip().lower()
        if not name or not name.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise AccountError(
                f"a user name is letters, digits, dots, hyphens and underscores, got {username!r}"
            )
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        if self.by_username(name) is not None:
            raise AccountError(f"there is already a user named {name}")
        wrong = problems(password, names=(name, display_name))
        if wrong:
            raise AccountError("that password cannot be used: " + "; ".join(wrong))
        now = self._now()
        user_id = "u-" + secrets.token_hex(6)
        secret = mfa.new_secret()
        self._conn.execute(
            users.insert().values(
                user_id=user_id,
                username=name,
                display_name=display_name.strip() or name,
                agency_id=agency_id,
                role=role,
                staff_id=staff_id,
                password_hash=self.hasher.hash(password),
                totp_secret=secret,
                created_at=now,
                created_by=self.uow.actor,
                password_changed_at=now,
                demo=demo,
            )
        )
        codes = self._new_recovery_codes(user_id)
        log.info("account created: %s (%s, role %s) by %s", user_id, name, role, self.uow.actor)
        account = self.get(user_id)
        assert account is not None
        return account, Enrollment(secret, mfa.provisioning_uri(secret, name), codes)

    def _new_recovery_codes(self, user_id: str) -> list[str]:
        self._conn.execute(recovery_codes.delete().where(recovery_codes.c.user_id == user_id))
        codes = mfa.new_recovery_codes()
        self._conn.execute(
            recovery_codes.insert(),
            [{"user_id": user_id, "code_hash": mfa.recovery_hash(c)} for c in codes],
        )
        return codes

    def get(self, user_id: str) -> Account | None:
        row = self._conn.execute(sa.select(users).where(users.c.user_id == user_id)).first()
        return None if row is None else Account.from_row(row)

    def by_username(self, username: str) -> Account | None:
        name = username.strip().lower()
        row = self._conn.execute(sa.select(users).where(users.c.username == name)).first()
        return None if row is None else Account.from_row(row)

    def totp_secret(self, username: str) -> str:
        """A demo account's authenticator secret (only demo accounts give theirs out)."""
        row = self._conn.execute(
            sa.select(users.c.totp_secret).where(
                (users.c.username == username.strip().lower()) & users.c.demo
            )
        ).first()
        if row is None:
            raise AccountError(f"{username} is not a demo account")
        return str(row.totp_secret)

    def list(self, agency_id: str | None = None) -> Sequence[Account]:
        query = sa.select(users).order_by(users.c.username)
        if agency_id is not None:
            query = query.where(users.c.agency_id == agency_id)
        return [Account.from_row(r) for r in self._conn.execute(query)]

    def disable(self, user_id: str) -> int:
        """Turns the account off and ends its sessions; returns how many sessions ended."""
        now = self._now()
        self._conn.execute(users.update().where(users.c.user_id == user_id).values(disabled_at=now))
        ended = self._conn.execute(
            sessions.update()
            .where((sessions.c.user_id == user_id) & sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
        log.info("account disabled: %s by %s; %d sessions ended", user_id, self.uow.actor, ended)
        return int(ended)

    def enable(self, user_id: str) -> None:
        self._conn.execute(
            users.update()
            .where(users.c.user_id == user_id)
            .values(disabled_at=None, failed_attempts=0, locked_until=None)
        )
        log.info("account enabled: %s by %s", user_id, self.uow.actor)

    def turn_on_emergency(self, user_id: str, minutes: int, reason: str) -> dt.datetime:
        """Opens an emergency-access account for ``minutes``. Everything it does is in the
        access log; turning it on is an alert in the operational log."""
        account = self.get(user_id)
        if account is None or account.role != "emergency":
            raise AccountError("only an emergency-access account can be turned on")
        if not reason.strip():
            raise AccountError("turning on emergency access needs a reason")
        until = self._now() + dt.timedelta(minutes=minutes)
        self._conn.execute(
            users.update().where(users.c.user_id == user_id).values(emergency_until=until)
        )
        log.warning(
            "ALERT emergency access turned on: %s until %sZ by %s",
            user_id,
            until.isoformat(timespec="minutes"),
            self.uow.actor,
        )
        return until

    # ----------------------------------------------------------------------------- sign-in

    def _row(self, user_id: str) -> Any:
        return self._conn.execute(sa.select(users).where(users.c.user_id == user_id)).one()

    def _locked(self, row: Any, now: dt.datetime) -> bool:
        return row.locked_until is not None and row.locked_until > now

    def _failed(self, row: Any, now: dt.datetime) -> Refused:
        failures = row.failed_attempts + 1
        values: dict[str, Any] = {"failed_attempts": failures}
        if failures >= self.settings.max_failures:
            values.update(failed_attempts=0, locked_until=now + self.settings.lockout)
            log.warning("account locked after %d failed attempts: %s", failures, row.user_id)
        self._conn.execute(users.update().where(users.c.user_id == row.user_id).values(**values))
        return Refused()

    def _usable(self, row: Any, now: dt.datetime) -> bool:
        if row.disabled_at is not None or self._locked(row, now):
            return False
        if row.role == "emergency":
            return row.emergency_until is not None and row.emergency_until > now
        return True

    def sign_in(self, username: str, password: str) -> SignIn | Refused:
        """The first step: the password. The session it opens gives no access until the
        second factor is passed."""
        now = self._now()
        name = username.strip().lower()
        row = self._conn.execute(sa.select(users).where(users.c.username == name)).first()
        if row is None:
            # As long as for a real name, so timing does not tell which names exist.
            self.hasher.verify(self.hasher.hash(secrets.token_hex(16)), password)
            log.info("sign-in refused: unknown user name")
            return Refused()
        if not self._usable(row, now):
            log.info("sign-in refused: %s is disabled, locked or not turned on", row.user_id)
            return Refused()
        if not self.hasher.verify(row.password_hash, password):
            log.info("sign-in refused: wrong password for %s", row.user_id)
            return self._failed(row, now)
        if self.hasher.needs_rehash(row.password_hash):
            self._conn.execute(
                users.update()
                .where(users.c.user_id == row.user_id)
                .values(password_hash=self.hasher.hash(password))
            )
        token = secrets.token_urlsafe(32)
        self._conn.execute(
            sessions.insert().values(
                token_hash=_token_hash(token),
                user_id=row.user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + self.settings.lifetime,
                mfa_passed=False,
            )
        )
        enrollment = None
        if row.mfa_enrolled_at is None:
            enrollment = Enrollment(
                row.totp_secret, mfa.provisioning_uri(row.totp_secret, row.username), []
            )
        return SignIn(token, needs_code=True, enrollment=enrollment)

    def _pending(self, token: str, now: dt.datetime) -> tuple[Any, Any] | None:
        found = self._conn.execute(
            sa.select(sessions).where(sessions.c.token_hash == _token_hash(token))
        ).first()
        if found is None or not self._alive(found, now):
            return None
        row = self._row(found.user_id)
        if not self._usable(row, now):
            return None
        return found, row

    def pass_second_factor(self, token: str, code: str) -> Principal | Refused:
        """The second step: a code from the authenticator (which, the first time, also confirms
        the enrollment)."""
        now = self._now()
        pending = self._pending(token, now)
        if pending is None:
            return Refused("the session has ended; sign in again")
        session, row = pending
        step = mfa.accepted_step(row.totp_secret, code, now, row.totp_last_step)
        if step is None:
            log.info("second factor refused for %s", row.user_id)
            return self._failed(row, now)
        values: dict[str, Any] = {"totp_last_step": step, "failed_attempts": 0}
        if row.mfa_enrolled_at is None:
            values["mfa_enrolled_at"] = now
        self._conn.execute(users.update().where(users.c.user_id == row.user_id).values(**values))
        self._conn.execute(
            sessions.update()
            .where(sessions.c.token_hash == session.token_hash)
            .values(mfa_passed=True, last_seen_at=now)
        )
        log.info("signed in: %s", row.user_id)
        return self._principal(row, now)

    def enrollment_for(self, token: str) -> Enrollment | None:
        """For a session waiting for its second factor on an account with no authenticator yet:
        what to enter in the app (without recovery codes, which were given at creation)."""
        pending = self._pending(token, self._now())
        if pending is None or pending[1].mfa_enrolled_at is not None:
            return None
        row = pending[1]
        return Enrollment(row.totp_secret, mfa.provisioning_uri(row.totp_secret, row.username), [])

    def use_recovery_code(self, token: str, code: str) -> Principal | Refused:
        """Instead of an authenticator code, once per code. The account should enroll a new
        authenticator next (``reset_second_factor``)."""
        now = self._now()
        pending = self._pending(token, now)
        if pending is None:
            return Refused("the session has ended; sign in again")
        session, row = pending
        if row.mfa_enrolled_at is None:
            return Refused("enroll an authenticator first")
        used = self._conn.execute(
            recovery_codes.update()
            .where(
                (recovery_codes.c.user_id == row.user_id)
                & (recovery_codes.c.code_hash == mfa.recovery_hash(code))
                & recovery_codes.c.used_at.is_(None)
            )
            .values(used_at=now)
        ).rowcount
        if not used:
            return self._failed(row, now)
        self._conn.execute(
            users.update().where(users.c.user_id == row.user_id).values(failed_attempts=0)
        )
        self._conn.execute(
            sessions.update()
            .where(sessions.c.token_hash == session.token_hash)
            .values(mfa_passed=True, last_seen_at=now)
        )
        log.warning("signed in with a recovery code: %s", row.user_id)
        return self._principal(row, now)

    def _principal(self, row: Any, now: dt.datetime) -> Principal:
        return Principal(
            row.user_id,
            row.username,
            row.agency_id,
            row.role,
            emergency=row.role == "emergency",
            staff_id=row.staff_id,
        )

    def _alive(self, session: Any, now: dt.datetime) -> bool:
        return (
            session.revoked_at is None
            and now < session.expires_at
            and now - session.last_seen_at <= self.settings.idle
        )

    def session(self, token: str) -> Principal | None:
        """Who holds this session, when it is still good (and the request counts as activity);
        None when it was never opened, has ended, was revoked, or waits for its second factor."""
        now = self._now()
        pending = self._pending(token, now)
        if pending is None:
            return None
        session, row = pending
        if not session.mfa_passed:
            return None
        self._conn.execute(
            sessions.update()
            .where(sessions.c.token_hash == session.token_hash)
            .values(last_seen_at=now)
        )
        return self._principal(row, now)

    def sign_out(self, token: str) -> None:
        self._conn.execute(
            sessions.update()
            .where((sessions.c.token_hash == _token_hash(token)) & sessions.c.revoked_at.is_(None))
            .values(revoked_at=self._now())
        )

    # ------------------------------------------------------------------- changing secrets

    def reauthenticate(self, token: str, password: str, code: str) -> bool:
        """Password and code again, before changing either."""
        now = self._now()
        pending = self._pending(token, now)
        if pending is None or not pending[0].mfa_passed:
            return False
        session, row = pending
        step = mfa.accepted_step(row.totp_secret, code, now, row.totp_last_step)
        if not self.hasher.verify(row.password_hash, password) or step is None:
            self._failed(row, now)
            return False
        self._conn.execute(
            users.update().where(users.c.user_id == row.user_id).values(totp_last_step=step)
        )
        self._conn.execute(
            sessions.update()
            .where(sessions.c.token_hash == session.token_hash)
            .values(reauthenticated_at=now, last_seen_at=now)
        )
        return True

    def _recently_reauthenticated(self, token: str) -> Any:
        now = self._now()
        pending = self._pending(token, now)
        if pending is None:
            raise AccountError("the session has ended; sign in again")
        session, row = pending
        at = session.reauthenticated_at
        if not session.mfa_passed or at is None or now - at > self.settings.reauth_window:
            raise AccountError("enter your password and code again first")
        return row

    def change_password(self, token: str, new_password: str) -> None:
        row = self._recently_reauthenticated(token)
        wrong = problems(new_password, names=(row.username, row.display_name))
        if wrong:
            raise AccountError("that password cannot be used: " + "; ".join(wrong))
        now = self._now()
        self._conn.execute(
            users.update()
            .where(users.c.user_id == row.user_id)
            .values(password_hash=self.hasher.hash(new_password), password_changed_at=now)
        )
        # Other sessions end: whoever knew the old password is out.
        self._conn.execute(
            sessions.update()
            .where(
                (sessions.c.user_id == row.user_id)
                & (sessions.c.token_hash != _token_hash(token))
                & sessions.c.revoked_at.is_(None)
            )
            .values(revoked_at=now)
        )
        log.info("password changed: %s", row.user_id)

    def reset_second_factor(self, token: str) -> Enrollment:
        """A new authenticator secret and new recovery codes; the next sign-in enrolls it."""
        row = self._recently_reauthenticated(token)
        secret = mfa.new_secret()
        self._conn.execute(
            users.update()
            .where(users.c.user_id == row.user_id)
            .values(totp_secret=secret, mfa_enrolled_at=None, totp_last_step=None)
        )
        codes = self._new_recovery_codes(row.user_id)
        log.info("second factor reset: %s", row.user_id)
        return Enrollment(secret, mfa.provisioning_uri(secret, row.username), codes)

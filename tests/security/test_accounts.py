"""Signing in: password, then a second factor; sessions that end; guessing slowed down."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from caseledger.security import mfa
from caseledger.security.accounts import AccountError, Enrollment, Principal, Refused, SignIn
from caseledger.store import Store
from caseledger.store.tables import sessions, users
from tests.security.conftest import PASSWORD, HandClock, accounts


def _add(store: Store, name: str = "dana", role: str = "clinician") -> Enrollment:
    with store.unit_of_work(actor="admin") as uow:
        _, enrollment = accounts(uow).add(name, "Dana Whitfield", "A1", role, PASSWORD)
    return enrollment


def _sign_in(store: Store, clock: HandClock, name: str = "dana") -> tuple[str, Principal]:
    with store.unit_of_work() as uow:
        first = accounts(uow).sign_in(name, PASSWORD)
    assert isinstance(first, SignIn) and first.needs_code
    secret = _secret(store, name)
    clock.advance(seconds=30)  # a code is good once: each sign-in uses the next one
    with store.unit_of_work() as uow:
        who = accounts(uow).pass_second_factor(first.token, mfa.code_at(secret, clock.now()))
    assert isinstance(who, Principal), who
    return first.token, who


def _secret(store: Store, name: str) -> str:
    with store.engine.connect() as conn:
        return str(
            conn.execute(sa.select(users.c.totp_secret).where(users.c.username == name)).scalar()
        )


def _session(store: Store, token: str) -> Principal | None:
    with store.unit_of_work() as uow:
        return accounts(uow).session(token)


def test_a_session_needs_password_and_code(store: Store, clock: HandClock) -> None:
    enrollment = _add(store)
    assert len(enrollment.recovery_codes) == 10
    assert enrollment.uri.startswith("otpauth://totp/caseledger:dana?")
    with store.unit_of_work() as uow:
        first = accounts(uow).sign_in("Dana", PASSWORD)  # names are not case-sensitive
    assert isinstance(first, SignIn) and first.enrollment is not None
    # Password alone opens nothing.
    assert _session(store, first.token) is None
    with store.unit_of_work() as uow:
        who = accounts(uow).pass_second_factor(
            first.token, mfa.code_at(first.enrollment.secret, clock.now())
        )
    assert isinstance(who, Principal) and (who.username, who.role) == ("dana", "clinician")
    assert _session(store, first.token) == who
    with store.unit_of_work() as uow:
        account = accounts(uow).by_username("dana")
    assert account is not None and account.mfa_enrolled


def test_wrong_password_and_unknown_name_say_the_same(store: Store) -> None:
    _add(store)
    with store.unit_of_work() as uow:
        wrong = accounts(uow).sign_in("dana", "not the password at all")
        unknown = accounts(uow).sign_in("nobody", PASSWORD)
    assert wrong == unknown == Refused()


def test_a_session_ends_after_fifteen_idle_minutes(store: Store, clock: HandClock) -> None:
    _add(store)
    token, _ = _sign_in(store, clock)
    clock.advance(minutes=14)
    assert _session(store, token) is not None  # activity: the idle time starts again
    clock.advance(minutes=14)
    assert _session(store, token) is not None
    clock.advance(minutes=15, seconds=1)
    assert _session(store, token) is None


def test_a_busy_session_still_ends_after_twelve_hours(store: Store, clock: HandClock) -> None:
    _add(store)
    token, _ = _sign_in(store, clock)  # began 30 seconds before the code
    for _ in range(71):
        clock.advance(minutes=10)
        assert _session(store, token) is not None
    clock.advance(minutes=10)  # 12 hours after it began
    assert _session(store, token) is None


def test_signing_out_and_disabling_revoke_sessions(store: Store, clock: HandClock) -> None:
    _add(store)
    first, _ = _sign_in(store, clock)
    second, who = _sign_in(store, clock)
    with store.unit_of_work() as uow:
        accounts(uow).sign_out(first)
    assert _session(store, first) is None
    assert _session(store, second) is not None
    with store.unit_of_work(actor="admin") as uow:
        assert accounts(uow).disable(who.user_id) == 1
    assert _session(store, second) is None
    with store.unit_of_work() as uow:
        assert isinstance(accounts(uow).sign_in("dana", PASSWORD), Refused)


def test_wrong_codes_lock_the_account_for_a_while(store: Store, clock: HandClock) -> None:
    _add(store)
    _sign_in(store, clock)  # enrolled
    with store.unit_of_work() as uow:
        first = accounts(uow).sign_in("dana", PASSWORD)
    assert isinstance(first, SignIn)
    for _ in range(5):
        with store.unit_of_work() as uow:
            assert isinstance(accounts(uow).pass_second_factor(first.token, "000000"), Refused)
    clock.advance(seconds=30)
    good = mfa.code_at(_secret(store, "dana"), clock.now())
    with store.unit_of_work() as uow:
        assert isinstance(accounts(uow).pass_second_factor(first.token, good), Refused)
        assert isinstance(accounts(uow).sign_in("dana", PASSWORD), Refused)
    clock.advance(minutes=15)
    _sign_in(store, clock)  # the lock has passed


def test_wrong_passwords_lock_the_account_too(store: Store, clock: HandClock) -> None:
    _add(store)
    for _ in range(5):
        with store.unit_of_work() as uow:
            assert isinstance(accounts(uow).sign_in("dana", "wrong wrong wrong"), Refused)
    with store.unit_of_work() as uow:
        assert isinstance(accounts(uow).sign_in("dana", PASSWORD), Refused)


def test_a_code_is_good_once(store: Store, clock: HandClock) -> None:
    _add(store)
    _sign_in(store, clock)
    with store.unit_of_work() as uow:
        again = accounts(uow).sign_in("dana", PASSWORD)
    assert isinstance(again, SignIn)
    with store.unit_of_work() as uow:
        replay = accounts(uow).pass_second_factor(
            again.token, mfa.code_at(_secret(store, "dana"), clock.now())
        )
    assert isinstance(replay, Refused)


def test_a_recovery_code_works_once(store: Store, clock: HandClock) -> None:
    enrollment = _add(store)
    _sign_in(store, clock)
    code = enrollment.recovery_codes[0]
    results = []
    for _ in range(2):
        with store.unit_of_work() as uow:
            first = accounts(uow).sign_in("dana", PASSWORD)
            assert isinstance(first, SignIn)
            results.append(accounts(uow).use_recovery_code(first.token, code.upper()))
    assert isinstance(results[0], Principal)
    assert isinstance(results[1], Refused)


def test_changing_the_password_needs_password_and_code_again(
    store: Store, clock: HandClock
) -> None:
    _add(store)
    token, _ = _sign_in(store, clock)
    other, _ = _sign_in(store, clock)
    new = "a different long passphrase"
    with pytest.raises(AccountError, match="again first"), store.unit_of_work() as uow:
        accounts(uow).change_password(token, new)
    clock.advance(seconds=30)
    with store.unit_of_work() as uow:
        code = mfa.code_at(_secret(store, "dana"), clock.now())
        assert accounts(uow).reauthenticate(token, PASSWORD, code)
        accounts(uow).change_password(token, new)
    assert _session(store, other) is None  # other sessions end
    assert _session(store, token) is not None
    clock.advance(minutes=6)
    with pytest.raises(AccountError, match="again first"), store.unit_of_work() as uow:
        accounts(uow).reset_second_factor(token)


def test_weak_passwords_are_refused_and_passphrases_welcome(store: Store) -> None:
    with store.unit_of_work(actor="admin") as uow:
        a = accounts(uow)
        for weak, why in (
            ("short", "shorter than 12"),
            ("password1234", "most common"),
            ("whitfield-2025-spring", "account's name"),
        ):
            with pytest.raises(AccountError, match=why):
                a.add("dana", "Dana Whitfield", "A1", "clinician", weak)
        a.add("dana", "Dana Whitfield", "A1", "clinician", "ünïcode and spaces are fine " * 3)


def test_no_password_is_stored_or_logged_in_clear(
    store: Store, clock: HandClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _add(store)
    _sign_in(store, clock)
    with store.unit_of_work() as uow:
        accounts(uow).sign_in("dana", "a wrong guess at it")
    with store.engine.connect() as conn:
        hashes = list(conn.execute(sa.select(users.c.password_hash)).scalars())
        stored = [tuple(r) for r in conn.execute(sa.select(users))]
        stored += [tuple(r) for r in conn.execute(sa.select(sessions))]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    for text in (repr(stored), caplog.text):
        assert PASSWORD not in text and "a wrong guess" not in text
    assert "sign-in refused" in caplog.text


def test_emergency_access_is_off_until_turned_on(
    store: Store, clock: HandClock, caplog: pytest.LogCaptureFixture
) -> None:
    _add(store, "breakglass", "emergency")
    with store.unit_of_work() as uow:
        assert isinstance(accounts(uow).sign_in("breakglass", PASSWORD), Refused)
        user = accounts(uow).by_username("breakglass")
    assert user is not None
    with store.unit_of_work(actor="admin") as uow:
        accounts(uow).turn_on_emergency(user.user_id, 60, "on-call clinician locked out")
    assert "ALERT emergency access turned on" in caplog.text
    _, who = _sign_in(store, clock, "breakglass")
    assert who.emergency
    clock.advance(minutes=61)
    with store.unit_of_work() as uow:
        assert isinstance(accounts(uow).sign_in("breakglass", PASSWORD), Refused)


def test_session_limits_are_configurable_and_checked() -> None:
    import datetime as dt

    from caseledger.security.accounts import AuthSettings

    default = AuthSettings.from_env({})
    assert (default.idle, default.lifetime) == (dt.timedelta(minutes=15), dt.timedelta(hours=12))
    chosen = AuthSettings.from_env(
        {"CASELEDGER_SESSION_IDLE_MINUTES": "5", "CASELEDGER_SESSION_HOURS": "8"}
    )
    assert (chosen.idle, chosen.lifetime) == (dt.timedelta(minutes=5), dt.timedelta(hours=8))
    with pytest.raises(AccountError, match="from 1 to 60"):
        AuthSettings.from_env({"CASELEDGER_SESSION_IDLE_MINUTES": "90"})


def test_a_shorter_idle_limit_from_the_environment_applies(
    store: Store, clock: HandClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELEDGER_SESSION_IDLE_MINUTES", "5")
    _add(store)
    token, _ = _sign_in(store, clock)
    clock.advance(minutes=5, seconds=1)
    assert _session(store, token) is None

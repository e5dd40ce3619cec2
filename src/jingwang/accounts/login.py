"""Logging in: password, then TOTP when the user has it, then a new password when one is due.

These take the :class:`~jingwang.store.Database`, not a session: a failed attempt must be
recorded (the throttle counts, the ``LoginFailed`` / ``LoginLocked`` events) even though the
login is refused, so each attempt runs in a transaction of its own that commits either way,
and the error is raised after it committed.

The answer never says whether a user name exists: an unknown name, a wrong password, an
inactive user and an inactive organisation all get :class:`InvalidCredentials`, after the same
argon2 work, and unknown names are throttled like known ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts import events, throttle, totp
from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.errors import (
    InvalidCredentials,
    InvalidTotpCode,
    LoginLocked,
    Refusal,
    SessionExpired,
)
from jingwang.accounts.fields import normalise_username
from jingwang.accounts.models import AuthSession, Organisation, User
from jingwang.accounts.sessions import (
    IssuedSession,
    Stage,
    advance_stage,
    issue_session,
    token_digest,
)
from jingwang.core.events import EventActor
from jingwang.store import Database
from jingwang.store.outbox import emit


@dataclass(frozen=True)
class LoginAttempt:
    username: str
    password: str
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class LoginResult:
    """A session for the browser; ``stage`` says which step comes next (``full``: none)."""

    user_id: int
    username: str
    language: str | None
    session: IssuedSession


def _next_stage(user: User) -> Stage:
    if user.totp_secret is not None:
        return "totp"
    return "password" if user.must_change_password else "full"


def _actor(user: User | None) -> EventActor:
    if user is None:
        return EventActor(type="public")
    return EventActor(type="user", id=user.username, org_id=str(user.org_id))


def log_in(
    db: Database, attempt: LoginAttempt, config: AccountsConfig, now: dt.datetime
) -> LoginResult:
    """Check the password and open a session at the next due step; else raise."""
    with db.session() as session:  # commits the failure's record too: raised after commit
        outcome = _password_step(session, attempt, config, now)
    if isinstance(outcome, Refusal):
        raise outcome
    return outcome


def complete_totp(
    db: Database,
    token: str,
    code: str,
    attempt: LoginAttempt,
    config: AccountsConfig,
    now: dt.datetime,
) -> LoginResult:
    """Check the TOTP code for a session waiting at the ``totp`` step; else raise."""
    with db.session() as session:
        outcome = _totp_step(session, token, code, attempt, config, now)
    if isinstance(outcome, Refusal):
        raise outcome
    return outcome


def _password_step(
    session: Session, attempt: LoginAttempt, config: AccountsConfig, now: dt.datetime
) -> LoginResult | Refusal:
    username = normalise_username(attempt.username)[:64]
    lock = throttle.active_lock(session, _keys(username, attempt.ip), now)
    if lock is not None:
        _failed(session, attempt, username, None, "locked")
        return _locked(lock.until, now)
    user = session.scalars(select(User).where(User.username == username)).first()
    good = config.passwords.verify(user.password_hash if user else None, attempt.password)
    if good and user is not None and _usable(session, user):
        return _succeed(session, attempt, user, config, now)
    reason = "credentials" if not good or user is None else "inactive"
    return _fail(session, attempt, username, user, reason, config, now)


def _totp_step(
    session: Session,
    token: str,
    code: str,
    attempt: LoginAttempt,
    config: AccountsConfig,
    now: dt.datetime,
) -> LoginResult | Refusal:
    row = session.scalars(
        select(AuthSession).where(AuthSession.token_hash == token_digest(token))
    ).first()
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or user is None or not _waiting_for_totp(row, now):
        return SessionExpired(
            "the login took too long or was ended; log in again", reason="expired"
        )
    lock = throttle.active_lock(session, _keys(user.username, attempt.ip), now)
    if lock is not None:
        _failed(session, attempt, user.username, user, "locked")
        return _locked(lock.until, now)
    secret = config.secrets.open(user.totp_secret) if user.totp_secret else ""
    step = totp.matching_step(secret, code, now, user.totp_last_step)
    if step is None:
        failure = _fail(session, attempt, user.username, user, "totp", config, now)
        if isinstance(failure, LoginLocked):  # the pending session ends with the lockout
            row.revoked_at, row.revoked_reason = now, "locked"
        return failure
    user.totp_last_step = step
    throttle.clear(session, "user", user.username)
    advance_stage(session, row, "password" if user.must_change_password else "full", config, now)
    return _done(session, attempt, user, row, second_factor=True, now=now)


def _waiting_for_totp(row: AuthSession, now: dt.datetime) -> bool:
    return row.stage == "totp" and row.revoked_at is None and now < row.expires_at


def _keys(username: str, ip: str | None) -> list[tuple[throttle.KeyType, str]]:
    keys: list[tuple[throttle.KeyType, str]] = [("user", username)]
    if ip:
        keys.append(("ip", ip))
    return keys


def _usable(session: Session, user: User) -> bool:
    org = session.get(Organisation, user.org_id)
    return user.active and org is not None and org.active


def _succeed(
    session: Session, attempt: LoginAttempt, user: User, config: AccountsConfig, now: dt.datetime
) -> LoginResult:
    throttle.clear(session, "user", user.username)
    if config.passwords.needs_rehash(user.password_hash):
        user.password_hash = config.passwords.hash(attempt.password)
        emit(
            session,
            events.PasswordRehashed(
                object_id=str(user.id),
                actor=_actor(user),
                request_id=attempt.request_id,
                username=user.username,
            ),
        )
    stage = _next_stage(user)
    issued = issue_session(
        session,
        user,
        stage=stage,
        config=config,
        now=now,
        ip=attempt.ip,
        user_agent=attempt.user_agent,
    )
    if stage == "totp":
        return LoginResult(user.id, user.username, user.language, issued)
    row = session.get(AuthSession, issued.id)
    assert row is not None
    return _done(session, attempt, user, row, second_factor=False, now=now, issued=issued)


def _done(
    session: Session,
    attempt: LoginAttempt,
    user: User,
    row: AuthSession,
    *,
    second_factor: bool,
    now: dt.datetime,
    issued: IssuedSession | None = None,
) -> LoginResult:
    user.last_login_at = now
    emit(
        session,
        events.LoginSucceeded(
            object_id=str(user.id),
            actor=_actor(user),
            request_id=attempt.request_id,
            username=user.username,
            session_id=row.id,
            second_factor=second_factor,
            ip=attempt.ip,
            user_agent=(attempt.user_agent or None) and attempt.user_agent[:300],
        ),
    )
    stage: Stage = "full" if row.stage == "full" else "password"
    session_info = issued or IssuedSession(row.id, "", row.csrf_token, stage, row.expires_at)
    return LoginResult(user.id, user.username, user.language, session_info)


def _fail(
    session: Session,
    attempt: LoginAttempt,
    username: str,
    user: User | None,
    reason: str,
    config: AccountsConfig,
    now: dt.datetime,
) -> Refusal:
    _failed(session, attempt, username, user, reason)
    locks = [
        throttle.record_failure(session, config.throttle, kind, key, now)
        for kind, key in _keys(username, attempt.ip)
    ]
    for lock in locks:
        if lock is not None and lock.new:
            emit(
                session,
                events.LoginLocked(
                    object_id=username if lock.key_type == "user" else lock.key,
                    actor=_actor(user),
                    request_id=attempt.request_id,
                    key_type=lock.key_type,
                    failures=lock.failures,
                    locked_until=lock.until.isoformat(),
                ),
            )
    if any(lock is not None for lock in locks):
        return _locked(max(lock.until for lock in locks if lock is not None), now)
    if reason == "totp":
        return InvalidTotpCode("that code is not valid; try the next one your app shows")
    return InvalidCredentials("the user name or password is wrong")


def _failed(
    session: Session, attempt: LoginAttempt, username: str, user: User | None, reason: str
) -> None:
    emit(
        session,
        events.LoginFailed(
            object_id=username or "-",
            actor=_actor(user),
            request_id=attempt.request_id,
            username=username,
            reason=reason,
            ip=attempt.ip,
            user_agent=(attempt.user_agent or None) and attempt.user_agent[:300],
        ),
    )


def _locked(until: dt.datetime, now: dt.datetime) -> LoginLocked:
    seconds = max(1, int((until - now).total_seconds()) + 1)
    minutes = -(-seconds // 60)
    return LoginLocked(
        f"too many failed logins: try again in {minutes} minute(s)", retry_after=seconds
    )


__all__ = ["LoginAttempt", "LoginResult", "complete_totp", "log_in"]

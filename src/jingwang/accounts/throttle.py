"""Login throttling: failures counted per user name and per client address, in the database.

After ``max_failures`` failures for a key, logins for it are refused for ``base_seconds``; every
further failure doubles that, up to ``max_seconds``. A success clears the user name's count (an
address keeps its count, so one good account cannot be used to reset it). Failures are
forgotten after :data:`FORGET_AFTER` without one. Unknown user names are counted like known
ones, so the lockout says nothing about whether a user exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwang.accounts.models import LoginThrottle

KeyType = Literal["user", "ip"]
FORGET_AFTER: Final = dt.timedelta(hours=24)


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_user: int = 5
    max_failures_per_ip: int = 50
    base_seconds: int = 60
    max_seconds: int = 3600

    def limit(self, key_type: KeyType) -> int:
        return self.max_failures_per_user if key_type == "user" else self.max_failures_per_ip

    def lockout(self, key_type: KeyType, failures: int) -> dt.timedelta | None:
        """How long ``failures`` failures lock the key out (None: not yet)."""
        over = failures - self.limit(key_type)
        if over < 0:
            return None
        seconds = min(self.base_seconds * (2 ** min(over, 32)), self.max_seconds)
        return dt.timedelta(seconds=seconds)


@dataclass(frozen=True)
class Lock:
    key_type: KeyType
    key: str
    failures: int
    until: dt.datetime
    new: bool  # this failure started the lock


def _row(session: Session, key_type: KeyType, key: str) -> LoginThrottle | None:
    query = (
        select(LoginThrottle)
        .where(LoginThrottle.key_type == key_type, LoginThrottle.key == key)
        .with_for_update()
    )
    return session.scalars(query).first()


def active_lock(
    session: Session, keys: Iterable[tuple[KeyType, str]], now: dt.datetime
) -> Lock | None:
    """The lock in force on any of ``keys`` (the one lasting longest), or None."""
    found: Lock | None = None
    for key_type, key in keys:
        row = _row(session, key_type, key)
        if row is None or row.locked_until is None or row.locked_until <= now:
            continue
        if found is None or row.locked_until > found.until:
            found = Lock(key_type, key, row.failures, row.locked_until, new=False)
    return found


def record_failure(
    session: Session, policy: ThrottlePolicy, key_type: KeyType, key: str, now: dt.datetime
) -> Lock | None:
    """Count one failure for ``key``; returns the lock it causes, if any."""
    row = _row(session, key_type, key)
    if row is None:
        row = LoginThrottle(key_type=key_type, key=key, failures=0, last_failure_at=now)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # a concurrent failure inserted it first
            row = _row(session, key_type, key)
            assert row is not None
    if now - row.last_failure_at > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    duration = policy.lockout(key_type, row.failures)
    if duration is None:
        return None
    row.locked_until = now + duration
    return Lock(key_type, key, row.failures, row.locked_until, new=True)


def clear(session: Session, key_type: KeyType, key: str) -> None:
    row = _row(session, key_type, key)
    if row is not None:
        session.delete(row)


__all__ = [
    "FORGET_AFTER",
    "KeyType",
    "Lock",
    "ThrottlePolicy",
    "active_lock",
    "clear",
    "record_failure",
]

"""Server-side web sessions: issued at login, looked up by the SHA-256 of their token, revocable.

The browser holds a random token; the ``auth_sessions`` row holds only its digest, when it was
made and last used, when it ends, a per-session CSRF token, and its ``stage``: ``totp`` or
``password`` while a login step is still due, ``full`` after. A session ends when it is idle for
``session_idle``, ``session_max_age`` after login, when its user logs out, changes their
password (the other sessions), is deactivated, or an administrator revokes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Final, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jingwang.accounts import events
from jingwang.accounts.config import PENDING_LOGIN_AGE, AccountsConfig
from jingwang.accounts.errors import AccountNotFound, SessionExpired, SessionRevoked
from jingwang.accounts.models import AuthSession, Organisation, User
from jingwang.accounts.policy import Actor
from jingwang.core.events import EventActor
from jingwang.store.outbox import emit

Stage = Literal["totp", "password", "full"]
TOUCH_EVERY: Final = dt.timedelta(seconds=60)  # last_seen_at is written at most this often


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedSession:
    id: int
    token: str  # for the cookie; not stored
    csrf_token: str
    stage: Stage
    expires_at: dt.datetime


@dataclass(frozen=True)
class ResolvedSession:
    row: AuthSession
    user: User


def issue_session(
    session: Session,
    user: User,
    *,
    stage: Stage,
    config: AccountsConfig,
    now: dt.datetime,
    ip: str | None = None,
    user_agent: str | None = None,
) -> IssuedSession:
    token = secrets.token_urlsafe(32)
    lifetime = config.session_max_age if stage == "full" else PENDING_LOGIN_AGE
    row = AuthSession(
        user_id=user.id,
        token_hash=token_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        stage=stage,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        ip=(ip or None) and ip[:64],
        user_agent=(user_agent or None) and user_agent[:300],
    )
    session.add(row)
    session.flush()
    return IssuedSession(row.id, token, row.csrf_token, stage, row.expires_at)


def advance_stage(
    session: Session, row: AuthSession, stage: Stage, config: AccountsConfig, now: dt.datetime
) -> None:
    """Move a session to its next login step; a full session gets its full lifetime."""
    row.stage = stage
    row.last_seen_at = now
    if stage == "full":
        row.expires_at = now + config.session_max_age


def resolve_session(
    session: Session,
    token: str,
    *,
    config: AccountsConfig,
    now: dt.datetime,
    path: str | None = None,
    request_id: str | None = None,
) -> ResolvedSession | None:
    """The live session of ``token`` and its user; None for an unknown token.

    An expired, idle or revoked session (or one whose user or organisation was deactivated)
    raises :class:`SessionExpired` / :class:`SessionRevoked`, carrying the event to record.
    """
    row = session.scalars(
        select(AuthSession).where(AuthSession.token_hash == token_digest(token))
    ).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    org = session.get(Organisation, user.org_id) if user else None
    reason = _dead_reason(row, user, org, config, now)
    if reason is not None:
        event = events.SessionRejected(
            object_id=str(row.id),
            actor=EventActor(type="user", id=user.username if user else None,
                             org_id=str(user.org_id) if user else None),
            request_id=request_id,
            reason=reason,
            path=path,
        )  # fmt: skip
        error = SessionRevoked if reason == "revoked" else SessionExpired
        raise error(_MESSAGES[reason], event=event, reason=reason)
    assert user is not None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return ResolvedSession(row, user)


_MESSAGES: Final = {
    "expired": "your session has ended; log in again",
    "idle": "your session ended after a time without use; log in again",
    "revoked": "your session was ended; log in again",
}


def _dead_reason(
    row: AuthSession,
    user: User | None,
    org: Organisation | None,
    config: AccountsConfig,
    now: dt.datetime,
) -> str | None:
    if row.revoked_at is not None or user is None or not user.active or not (org and org.active):
        return "revoked"
    if now >= row.expires_at:
        return "expired"
    if row.stage == "full" and now - row.last_seen_at > config.session_idle:
        return "idle"
    return None


def live_sessions(session: Session, user_id: int, now: dt.datetime) -> list[AuthSession]:
    query = select(AuthSession).where(
        AuthSession.user_id == user_id,
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > now,
    )
    return list(session.scalars(query.order_by(AuthSession.last_seen_at.desc())))


def revoke_sessions(
    session: Session,
    actor: Actor,
    user: User,
    *,
    reason: str,
    now: dt.datetime,
    keep: int | None = None,
    only: int | None = None,
) -> list[int]:
    """End the user's live sessions (all but ``keep``, or just ``only``); returns their ids.

    The caller has authorised the change; this records it (``SessionsRevoked``) when any ended.
    """
    query = select(AuthSession.id).where(
        AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    if only is not None:
        query = query.where(AuthSession.id == only)
    ids = sorted(session.scalars(query))
    if only is not None and not ids:
        raise AccountNotFound(f"no live session {only} of {user.username}", session_id=only)
    if ids:
        session.execute(
            update(AuthSession)
            .where(AuthSession.id.in_(ids))
            .values(revoked_at=now, revoked_reason=reason[:32])
        )
        emit(
            session,
            events.SessionsRevoked(
                object_id=str(user.id),
                actor=actor.event_actor(),
                request_id=actor.request_id,
                username=user.username,
                session_ids=ids,
                reason=reason,
            ),
        )
    return ids


def end_session(session: Session, actor: Actor, now: dt.datetime) -> None:
    """Log out: end the session the actor is using."""
    if actor.session_id is None:
        return
    row = session.get(AuthSession, actor.session_id)
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at, row.revoked_reason = now, "logout"
    emit(
        session,
        events.LoggedOut(
            object_id=str(row.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            username=actor.name,
        ),
    )


__all__ = [
    "TOUCH_EVERY",
    "IssuedSession",
    "ResolvedSession",
    "Stage",
    "advance_stage",
    "end_session",
    "issue_session",
    "live_sessions",
    "resolve_session",
    "revoke_sessions",
    "token_digest",
]

"""What users do to their own account: profile, password, second factor, sessions.

Every function here acts on the actor's own user (``profile:manage``); API tokens have no
profile. Changing the password ends the user's other sessions. TOTP enrolment is two steps:
:func:`begin_totp` stores a pending secret and returns what the page shows (QR code and the
secret to type in), :func:`confirm_totp` turns it on once the user sends a valid code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwang.accounts import events, totp
from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.errors import AccountStateConflict, InvalidTotpCode, WrongPassword
from jingwang.accounts.fields import check_email, check_name
from jingwang.accounts.models import AuthSession, User
from jingwang.accounts.passwords import check_password_rules
from jingwang.accounts.policy import Actor, ActorType, authorize, deny
from jingwang.accounts.schemas import ProfileUpdate
from jingwang.accounts.sessions import advance_stage, revoke_sessions
from jingwang.accounts.users import updated_event
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str  # base32, for typing into an app by hand
    uri: str
    qr_svg: str


def own_user(session: Session, actor: Actor) -> User:
    """The actor's own user row; refused for anything but a logged-in user."""
    authorize(actor, "profile:manage")
    if actor.type is not ActorType.USER or actor.id is None:
        raise deny(actor, "profile:manage", "not_a_user")
    user = session.get(User, actor.id)
    assert user is not None
    return user


def update_profile(session: Session, actor: Actor, data: ProfileUpdate) -> User:
    user = own_user(session, actor)
    changes: dict[str, list[object]] = {}
    for field, value in (
        ("display_name", check_name(data.display_name or user.username, "display_name")),
        ("email", check_email(data.email)),
        ("language", data.language),
    ):
        if getattr(user, field) != value:
            changes[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if changes:
        user.updated_at = utcnow()
        emit(session, updated_event(actor, user, changes))
    return user


def change_password(
    session: Session, actor: Actor, current: str, new: str, config: AccountsConfig
) -> User:
    """Change the actor's password; their other sessions end, this one is complete."""
    user = own_user(session, actor)
    if not config.passwords.verify(user.password_hash, current):
        raise WrongPassword("the current password is wrong", field="current_password")
    if current == new:
        raise WrongPassword("choose a password different from the current one", field="password")
    check_password_rules(new, username=user.username, min_length=config.password_min_length)
    now = utcnow()
    user.password_hash = config.passwords.hash(new)
    user.password_changed_at = user.updated_at = now
    user.must_change_password = False
    revoked = revoke_sessions(
        session, actor, user, reason="password", now=now, keep=actor.session_id
    )
    if actor.session_id is not None:
        row = session.get(AuthSession, actor.session_id)
        if row is not None and row.stage == "password":
            advance_stage(session, row, "full", config, now)
    emit(
        session,
        events.PasswordChanged(
            object_id=str(user.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            username=user.username,
            sessions_revoked=len(revoked),
        ),
    )
    return user


def begin_totp(session: Session, actor: Actor, config: AccountsConfig) -> TotpEnrolment:
    """Start (or restart) enrolment: a new pending secret, shown until confirmed."""
    user = own_user(session, actor)
    if user.totp_secret is not None:
        raise AccountStateConflict("TOTP is on already; turn it off first to enrol again")
    secret = totp.new_secret()
    user.totp_pending_secret = config.secrets.seal(secret)
    uri = totp.provisioning_uri(secret, user.username)
    return TotpEnrolment(secret, uri, totp.qr_svg(uri))


def pending_totp(session: Session, actor: Actor, config: AccountsConfig) -> TotpEnrolment | None:
    """The enrolment under way, to show again (e.g. after a wrong code); None when none is."""
    user = own_user(session, actor)
    if user.totp_pending_secret is None:
        return None
    secret = config.secrets.open(user.totp_pending_secret)
    uri = totp.provisioning_uri(secret, user.username)
    return TotpEnrolment(secret, uri, totp.qr_svg(uri))


def confirm_totp(
    session: Session, actor: Actor, code: str, config: AccountsConfig, now: dt.datetime
) -> User:
    user = own_user(session, actor)
    if user.totp_pending_secret is None:
        raise AccountStateConflict("no TOTP enrolment is under way; start again")
    secret = config.secrets.open(user.totp_pending_secret)
    step = totp.matching_step(secret, code, now)
    if step is None:
        raise InvalidTotpCode(
            "that code is not valid: check the app shows jingwang and the phone's clock is right"
        )
    user.totp_secret, user.totp_pending_secret = user.totp_pending_secret, None
    user.totp_enabled_at, user.totp_last_step, user.updated_at = now, step, now
    emit(
        session,
        events.TotpEnabled(
            object_id=str(user.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            username=user.username,
        ),
    )
    return user


def disable_totp(session: Session, actor: Actor, password: str, config: AccountsConfig) -> User:
    """Turn the second factor off; the password confirms it is really the user."""
    user = own_user(session, actor)
    if not config.passwords.verify(user.password_hash, password):
        raise WrongPassword("the password is wrong", field="password")
    if user.totp_secret is None:
        return user
    user.totp_secret = user.totp_pending_secret = None
    user.totp_enabled_at = user.totp_last_step = None
    user.updated_at = utcnow()
    emit(
        session,
        events.TotpDisabled(
            object_id=str(user.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            username=user.username,
        ),
    )
    return user


def revoke_own_session(session: Session, actor: Actor, session_id: int) -> None:
    user = own_user(session, actor)
    revoke_sessions(session, actor, user, reason="self", now=utcnow(), only=session_id)


__all__ = [
    "TotpEnrolment",
    "begin_totp",
    "change_password",
    "confirm_totp",
    "disable_totp",
    "own_user",
    "pending_totp",
    "revoke_own_session",
    "update_profile",
]

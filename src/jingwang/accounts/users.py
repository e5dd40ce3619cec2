"""Users, as an organisation's administrators manage them.

``users:read`` / ``users:manage`` on the user's organisation decide; administrators of an
organisation also manage the users of the organisations below it. Deactivating a user, resetting
their password or their TOTP ends their sessions. Nobody deactivates themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts import events
from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.errors import (
    AccountNotFound,
    AccountStateConflict,
    InvalidAccountData,
    NameTaken,
)
from jingwang.accounts.fields import check_email, check_name, check_username
from jingwang.accounts.models import Role, User, UserRole
from jingwang.accounts.passwords import check_password_rules, generate_password
from jingwang.accounts.policy import Actor, authorize, load_org_scope, scope_filter
from jingwang.accounts.schemas import UserCreate, UserUpdate
from jingwang.accounts.sessions import revoke_sessions
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit


def _load(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountNotFound(f"no user has id {user_id}", user_id=user_id)
    return user


def get_user(session: Session, actor: Actor, user_id: int, permission: str = "users:read") -> User:
    """The user ``user_id`` when ``actor`` may use ``permission`` on their organisation."""
    user = _load(session, user_id)
    authorize(actor, permission, load_org_scope(session, user.org_id))
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username.strip().lower())).first()


def list_users(session: Session, actor: Actor, org_id: int | None = None) -> list[User]:
    """Users of the organisations ``actor`` may see (or of ``org_id`` only), by user name."""
    if org_id is not None:
        authorize(actor, "users:read", load_org_scope(session, org_id))
        query = select(User).where(User.org_id == org_id)
    else:
        authorize(actor, "users:read")
        query = select(User).where(scope_filter(session, actor, User.org_id))
    return list(session.scalars(query.order_by(User.username)))


def check_roles(session: Session, roles: Iterable[str]) -> list[str]:
    wanted = sorted({r.strip() for r in roles if r.strip()})
    known = set(session.scalars(select(Role.name)))
    unknown = [r for r in wanted if r not in known]
    if unknown:
        raise InvalidAccountData(
            f"unknown roles {unknown}: use some of " + ", ".join(sorted(known)), field="roles"
        )
    return wanted


def create_user(
    session: Session, actor: Actor, data: UserCreate, config: AccountsConfig
) -> tuple[User, str | None]:
    """Create a user; returns it and the generated temporary password, if one was made."""
    authorize(actor, "users:manage", load_org_scope(session, data.org_id))
    username = check_username(data.username)
    if find_user(session, username) is not None:
        raise NameTaken(f"the user name {username!r} is taken", field="username")
    generated = None if data.password else generate_password(config.password_min_length)
    password = data.password.get_secret_value() if data.password else generated
    assert password is not None
    check_password_rules(password, username=username, min_length=config.password_min_length)
    now = utcnow()
    user = User(
        org_id=data.org_id,
        username=username,
        display_name=check_name(data.display_name or username, "display_name"),
        email=check_email(data.email),
        language=data.language,
        password_hash=config.passwords.hash(password),
        password_changed_at=now,
        must_change_password=data.must_change_password or generated is not None,
        active=True,
        created_at=now,
        updated_at=now,
    )
    user.roles = [UserRole(role=r) for r in check_roles(session, data.roles)]
    session.add(user)
    session.flush()
    emit(
        session,
        events.UserCreated(
            object_id=str(user.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            username=user.username,
            org_id=user.org_id,
            roles=user.role_names,
            must_change_password=user.must_change_password,
        ),
    )
    return user, generated


def update_user(session: Session, actor: Actor, user_id: int, data: UserUpdate) -> User:
    user = get_user(session, actor, user_id, "users:manage")
    given = data.model_dump(exclude_unset=True)
    changes: dict[str, list[object]] = {}
    if given.get("display_name") is not None:
        _change(changes, user, "display_name", check_name(given["display_name"], "display_name"))
    if "email" in given:
        _change(changes, user, "email", check_email(given["email"]))
    if "language" in given:
        _change(changes, user, "language", given["language"])
    if given.get("roles") is not None:
        roles = check_roles(session, given["roles"])
        if roles != user.role_names:
            changes["roles"] = [user.role_names, roles]
            user.roles = [UserRole(role=r) for r in roles]
    if given.get("active") is not None and given["active"] != user.active:
        if not given["active"] and user.id == actor.id and actor.type == "user":
            raise AccountStateConflict("you cannot deactivate yourself", user_id=user.id)
        _change(changes, user, "active", given["active"])
    if changes:
        user.updated_at = utcnow()
        session.flush()
        emit(session, updated_event(actor, user, changes))
        if user.active is False and "active" in changes:
            revoke_sessions(session, actor, user, reason="deactivated", now=user.updated_at)
    return user


def _change(changes: dict[str, list[object]], user: User, field: str, value: object) -> None:
    before = getattr(user, field)
    if before != value:
        changes[field] = [before, value]
        setattr(user, field, value)


def updated_event(actor: Actor, user: User, changes: dict[str, list[object]]) -> events.UserUpdated:
    return events.UserUpdated(
        object_id=str(user.id),
        actor=actor.event_actor(),
        request_id=actor.request_id,
        username=user.username,
        changes=changes,
    )


def reset_password(
    session: Session,
    actor: Actor,
    user_id: int,
    config: AccountsConfig,
    *,
    password: str | None = None,
    temporary: bool = True,
) -> str:
    """Set a password for someone else (generated unless given); returns it to hand over.

    A temporary one must be changed at the next login. Every session of the user ends.
    """
    user = get_user(session, actor, user_id, "users:manage")
    new = password or generate_password(config.password_min_length)
    check_password_rules(new, username=user.username, min_length=config.password_min_length)
    now = utcnow()
    user.password_hash = config.passwords.hash(new)
    user.password_changed_at = user.updated_at = now
    user.must_change_password = temporary
    revoked = revoke_sessions(session, actor, user, reason="password_reset", now=now)
    emit(
        session,
        events.PasswordReset(
            object_id=str(user.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            username=user.username,
            sessions_revoked=len(revoked),
        ),
    )
    return new


def reset_totp(session: Session, actor: Actor, user_id: int) -> User:
    """Remove a user's second factor (they lost their phone); they may enrol again."""
    user = get_user(session, actor, user_id, "users:manage")
    if user.totp_secret is None and user.totp_pending_secret is None:
        return user
    user.totp_secret = user.totp_pending_secret = None
    user.totp_enabled_at = user.totp_last_step = None
    user.updated_at = utcnow()
    revoke_sessions(session, actor, user, reason="totp_reset", now=user.updated_at)
    emit(
        session,
        events.TotpDisabled(
            object_id=str(user.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            username=user.username,
            by_admin=True,
        ),
    )
    return user


def revoke_user_sessions(
    session: Session, actor: Actor, user_id: int, now: dt.datetime | None = None
) -> list[int]:
    """An administrator ends every session of a user."""
    user = get_user(session, actor, user_id, "users:manage")
    return revoke_sessions(session, actor, user, reason="admin", now=now or utcnow())


__all__ = [
    "check_roles",
    "create_user",
    "find_user",
    "get_user",
    "list_users",
    "reset_password",
    "reset_totp",
    "revoke_user_sessions",
    "update_user",
    "updated_event",
]

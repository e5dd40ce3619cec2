"""Events of the accounts package. Stored shapes: add fields only with defaults, never rename.

Every change to an organisation, user, session or token is an event, and so is every refusal:
a failed login, a lockout, a rejected session or token, a CSRF failure, a permission the actor
lacks. Refusals are written in a transaction of their own, so they are recorded while the
refused change is not. ``changes`` maps a field to ``[before, after]``; secrets never appear.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from jingwang.core.events import DomainEvent


class OrgCreated(DomainEvent):
    name: ClassVar[str] = "accounts.org_created"
    object_type: ClassVar[str] = "organisation"

    org_name: str
    kind: str
    province: str
    parent_id: int | None = None


class OrgUpdated(DomainEvent):
    name: ClassVar[str] = "accounts.org_updated"
    object_type: ClassVar[str] = "organisation"

    changes: dict[str, list[Any]] = Field(default_factory=dict)


class UserCreated(DomainEvent):
    name: ClassVar[str] = "accounts.user_created"
    object_type: ClassVar[str] = "user"

    username: str
    org_id: int
    roles: list[str] = Field(default_factory=list)
    must_change_password: bool = False


class UserUpdated(DomainEvent):
    """Profile fields, roles or the active flag changed (``changes`` says which)."""

    name: ClassVar[str] = "accounts.user_updated"
    object_type: ClassVar[str] = "user"

    username: str
    changes: dict[str, list[Any]] = Field(default_factory=dict)


class PasswordChanged(DomainEvent):
    """A user changed their own password; their other sessions were ended."""

    name: ClassVar[str] = "accounts.password_changed"
    object_type: ClassVar[str] = "user"

    username: str
    sessions_revoked: int = 0


class PasswordReset(DomainEvent):
    """An administrator set a temporary password the user must change at the next login."""

    name: ClassVar[str] = "accounts.password_reset"
    object_type: ClassVar[str] = "user"

    username: str
    sessions_revoked: int = 0


class PasswordRehashed(DomainEvent):
    """The stored hash was renewed at login because the hashing parameters changed."""

    name: ClassVar[str] = "accounts.password_rehashed"
    object_type: ClassVar[str] = "user"

    username: str


class TotpEnabled(DomainEvent):
    name: ClassVar[str] = "accounts.totp_enabled"
    object_type: ClassVar[str] = "user"

    username: str


class TotpDisabled(DomainEvent):
    """The second factor was removed: by the user (``by_admin`` false) or by an admin."""

    name: ClassVar[str] = "accounts.totp_disabled"
    object_type: ClassVar[str] = "user"

    username: str
    by_admin: bool = False


class LoginSucceeded(DomainEvent):
    name: ClassVar[str] = "accounts.login_succeeded"
    object_type: ClassVar[str] = "user"

    username: str
    session_id: int
    second_factor: bool = False
    ip: str | None = None
    user_agent: str | None = None


class LoginFailed(DomainEvent):
    """A login was refused. ``reason``: credentials | locked | totp | inactive."""

    name: ClassVar[str] = "accounts.login_failed"
    object_type: ClassVar[str] = "login"

    username: str
    reason: str
    ip: str | None = None
    user_agent: str | None = None


class LoginLocked(DomainEvent):
    """Too many failures: logins for this user name or address are refused until a time."""

    name: ClassVar[str] = "accounts.login_locked"
    object_type: ClassVar[str] = "login"

    key_type: str  # user | ip
    failures: int
    locked_until: str


class LoggedOut(DomainEvent):
    name: ClassVar[str] = "accounts.logged_out"
    object_type: ClassVar[str] = "session"

    username: str


class SessionsRevoked(DomainEvent):
    """Sessions of a user were ended (``reason``: admin | self | password | deactivated …)."""

    name: ClassVar[str] = "accounts.sessions_revoked"
    object_type: ClassVar[str] = "user"

    username: str
    session_ids: list[int] = Field(default_factory=list)
    reason: str


class SessionRejected(DomainEvent):
    """A request came with a session that has expired or was revoked."""

    name: ClassVar[str] = "accounts.session_rejected"
    object_type: ClassVar[str] = "session"

    reason: str  # expired | idle | revoked
    path: str | None = None


class TokenCreated(DomainEvent):
    name: ClassVar[str] = "accounts.token_created"
    object_type: ClassVar[str] = "api_token"

    token_name: str
    org_id: int
    prefix: str
    scopes: list[str] = Field(default_factory=list)
    expires_at: str


class TokenRevoked(DomainEvent):
    name: ClassVar[str] = "accounts.token_revoked"
    object_type: ClassVar[str] = "api_token"

    token_name: str
    org_id: int


class TokenRejected(DomainEvent):
    """A request came with an unknown, expired or revoked API token."""

    name: ClassVar[str] = "accounts.token_rejected"
    object_type: ClassVar[str] = "api_token"

    reason: str  # unknown | expired | revoked | inactive
    prefix: str | None = None
    path: str | None = None


class AccessDenied(DomainEvent):
    """The policy refused an action.

    ``reason``: permission | beyond_scope | out_of_scope | not_regulator.
    """

    name: ClassVar[str] = "accounts.access_denied"
    object_type: ClassVar[str] = "permission"

    permission: str
    reason: str
    target_org_id: int | None = None
    path: str | None = None


class CsrfRejected(DomainEvent):
    """A state-changing request lacked the session's CSRF token, or sent a wrong one."""

    name: ClassVar[str] = "accounts.csrf_rejected"
    object_type: ClassVar[str] = "request"

    method: str
    path: str


__all__ = [
    "AccessDenied",
    "CsrfRejected",
    "LoggedOut",
    "LoginFailed",
    "LoginLocked",
    "LoginSucceeded",
    "OrgCreated",
    "OrgUpdated",
    "PasswordChanged",
    "PasswordRehashed",
    "PasswordReset",
    "SessionRejected",
    "SessionsRevoked",
    "TokenCreated",
    "TokenRejected",
    "TokenRevoked",
    "TotpDisabled",
    "TotpEnabled",
    "UserCreated",
    "UserUpdated",
]

"""Errors of the accounts package, each with a stable ``code``.

::

    PermissionDenied                       permission.denied          (jingwang.errors)
    ├── AuthenticationError                auth.required              HTTP 401
    │   ├── InvalidCredentials             auth.invalid_credentials
    │   ├── InvalidTotpCode                auth.totp_invalid
    │   ├── SessionExpired                 auth.session_expired
    │   ├── SessionRevoked                 auth.session_revoked
    │   ├── TokenInvalid                   auth.token_invalid
    │   ├── TokenExpired                   auth.token_expired
    │   ├── TokenRevoked                   auth.token_revoked
    │   └── StepRequired                   auth.step_required (TOTP code or new password due)
    ├── LoginLocked                        auth.locked                HTTP 429
    ├── CsrfFailed                         auth.csrf_failed
    └── AccessDenied                       permission.denied
        └── ScopeExceeded                  permission.beyond_scope   (an API token's scopes)
    InvalidInput
    ├── WeakPassword                       accounts.weak_password
    ├── WrongPassword                      accounts.wrong_password
    ├── InvalidAccountData                 accounts.invalid (field in details)
    └── OrgHierarchyError                  accounts.org_hierarchy (cycle, kind, province)
    NotFound → AccountNotFound             accounts.not_found
    Conflict
    ├── NameTaken                          accounts.name_taken
    └── AccountStateConflict               accounts.state_conflict

A refusal may carry the :class:`~jingwang.core.events.DomainEvent` that records it
(``event``); the web layer writes that event in a transaction of its own after the request's
transaction was rolled back, so the refusal is on record and nothing else changed.
"""

from __future__ import annotations

from typing import Any

from jingwang.core.events import DomainEvent
from jingwang.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class Refusal(PermissionDenied):
    """A refusal that may carry the event recording it."""

    def __init__(self, message: str, *, event: DomainEvent | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.event = event


class AuthenticationError(Refusal):
    """No acceptable credentials came with the request."""

    code = "auth.required"


class InvalidCredentials(AuthenticationError):
    code = "auth.invalid_credentials"


class InvalidTotpCode(AuthenticationError):
    code = "auth.totp_invalid"


class SessionExpired(AuthenticationError):
    code = "auth.session_expired"


class SessionRevoked(AuthenticationError):
    code = "auth.session_revoked"


class TokenInvalid(AuthenticationError):
    code = "auth.token_invalid"


class TokenExpired(AuthenticationError):
    code = "auth.token_expired"


class TokenRevoked(AuthenticationError):
    code = "auth.token_revoked"


class StepRequired(AuthenticationError):
    """The session is valid but a login step is due: ``details["step"]`` is totp | password."""

    code = "auth.step_required"


class LoginLocked(Refusal):
    """Too many failed logins; ``details["retry_after"]`` says how many seconds remain."""

    code = "auth.locked"


class CsrfFailed(Refusal):
    code = "auth.csrf_failed"


class AccessDenied(Refusal):
    """The policy refused: ``details`` has ``permission`` and ``reason``."""

    code = "permission.denied"


class ScopeExceeded(AccessDenied):
    code = "permission.beyond_scope"


class WeakPassword(InvalidInput):
    code = "accounts.weak_password"


class WrongPassword(InvalidInput):
    code = "accounts.wrong_password"


class InvalidAccountData(InvalidInput):
    """A field of an organisation, user or token is not acceptable (``details["field"]``)."""

    code = "accounts.invalid"


class OrgHierarchyError(InvalidInput):
    code = "accounts.org_hierarchy"


class AccountNotFound(NotFound):
    code = "accounts.not_found"


class NameTaken(Conflict):
    code = "accounts.name_taken"


class AccountStateConflict(Conflict):
    code = "accounts.state_conflict"


__all__ = [
    "AccessDenied",
    "AccountNotFound",
    "AccountStateConflict",
    "AuthenticationError",
    "CsrfFailed",
    "InvalidAccountData",
    "InvalidCredentials",
    "InvalidTotpCode",
    "LoginLocked",
    "NameTaken",
    "OrgHierarchyError",
    "Refusal",
    "ScopeExceeded",
    "SessionExpired",
    "SessionRevoked",
    "StepRequired",
    "TokenExpired",
    "TokenInvalid",
    "TokenRevoked",
    "WeakPassword",
    "WrongPassword",
]

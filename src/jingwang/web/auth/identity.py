"""Who sent a request: a browser session (cookie), an API token (Bearer, ``/api/…`` only), or
the public.

The session cookie is ``__Host-jw_session`` (``Secure``, ``Path=/``, no ``Domain``) whenever
the cookie may be ``Secure``; only plain http to a loopback address (the demo, a developer's
machine) gets the plain name ``jw_session`` without ``Secure``. Both are ``HttpOnly`` and
``SameSite=Lax``. Bearer tokens are ignored outside ``/api/``, so a stolen token cannot drive
the web pages, and cookies are the only credential the pages take.

Each lookup runs in a short transaction of its own, before the route's; an expired or revoked
session or token raises an error that carries the event recording it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final, Literal

from starlette.requests import Request
from starlette.responses import Response

from jingwang.accounts.actors import actor_for_token, actor_for_user
from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.models import Organisation, OrgKind
from jingwang.accounts.policy import Actor, has_global_reach
from jingwang.accounts.sessions import resolve_session
from jingwang.accounts.tokens import resolve_token
from jingwang.settings import Settings
from jingwang.store import Database
from jingwang.store.base import utcnow

SESSION_COOKIE: Final = "jw_session"
SECURE_PREFIX: Final = "__Host-"
API_PREFIX: Final = "/api/"
LOOPBACK_NAMES: Final = frozenset({"localhost"})


@dataclass(frozen=True)
class Viewer:
    """The logged-in user as pages show them (the nav, forms' CSRF field)."""

    username: str
    display_name: str
    org_name: str
    org_kind_zh: str
    org_kind_en: str
    csrf_token: str
    stage: str
    permissions: frozenset[str]
    global_reads: bool = False  # reads every organisation's data (the reporting centre)

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def can_see_jobs(self) -> bool:
        """Background jobs belong to the whole installation: global readers only."""
        return self.global_reads and self.can("jobs:read")

    def org_kind(self, language: str) -> str:
        return self.org_kind_zh if language.startswith("zh") else self.org_kind_en


@dataclass(frozen=True)
class Identity:
    actor: Actor
    via: Literal["cookie", "token", "none"]
    stage: str = ""  # of a cookie session: totp | password | full
    csrf_token: str | None = None
    viewer: Viewer | None = None


def accounts_config(request: Request) -> AccountsConfig:
    config: AccountsConfig = request.app.state.accounts
    return config


def cookie_secure(request: Request) -> bool:
    """Whether cookies set in answer to ``request`` are ``Secure`` (see the module doc)."""
    settings: Settings = request.app.state.settings
    if settings.session_cookie_secure != "auto":
        return settings.session_cookie_secure == "always"
    if request.url.scheme == "https":
        return True
    return not _is_loopback(request.url.hostname or "")


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cookie_name(request: Request, base: str) -> str:
    return SECURE_PREFIX + base if cookie_secure(request) else base


def read_cookie(request: Request, base: str) -> str | None:
    return request.cookies.get(SECURE_PREFIX + base) or request.cookies.get(base) or None


def set_cookie(request: Request, response: Response, base: str, value: str) -> None:
    """A browser-session cookie (no Max-Age): HttpOnly, SameSite=Lax, Secure when it may be."""
    response.set_cookie(
        cookie_name(request, base),
        value,
        path="/",
        secure=cookie_secure(request),
        httponly=True,
        samesite="lax",
    )


def clear_cookie(request: Request, response: Response, base: str) -> None:
    for name in (SECURE_PREFIX + base, base):
        if name in request.cookies:
            secure = name.startswith(SECURE_PREFIX)
            response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="lax")


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def request_id(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return str(value) if value else None


def bearer_token(request: Request) -> str | None:
    if not request.url.path.startswith(API_PREFIX):
        return None
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def identify(request: Request) -> Identity:
    """The request's identity, looked up once and kept on ``request.state.identity``."""
    known: Identity | None = getattr(request.state, "identity", None)
    if known is not None:
        return known
    db: Database = request.app.state.db
    secret = bearer_token(request)
    token = read_cookie(request, SESSION_COOKIE)
    if secret is not None:
        identity = _from_token(request, db, secret)
    elif token is not None:
        identity = _from_session(request, db, token)
    else:
        identity = Identity(Actor.public(request_id(request)), "none")
    request.state.identity = identity
    return identity


def _from_token(request: Request, db: Database, secret: str) -> Identity:
    with db.session() as session:
        token = resolve_token(
            session,
            secret,
            now=utcnow(),
            ip=client_ip(request),
            path=request.url.path,
            request_id=request_id(request),
        )
        return Identity(actor_for_token(session, token, request_id=request_id(request)), "token")


def _from_session(request: Request, db: Database, token: str) -> Identity:
    with db.session() as session:
        found = resolve_session(
            session,
            token,
            config=accounts_config(request),
            now=utcnow(),
            path=request.url.path,
            request_id=request_id(request),
        )
        if found is None:  # an unknown cookie is no identity (e.g. after a DB reset)
            return Identity(Actor.public(request_id(request)), "none")
        row, user = found.row, found.user
        actor = actor_for_user(session, user, request_id=request_id(request), session_id=row.id)
        org = session.get(Organisation, user.org_id)
        kind = session.get(OrgKind, org.kind) if org else None
        viewer = Viewer(
            username=user.username,
            display_name=user.display_name,
            org_name=org.name if org else "",
            org_kind_zh=kind.label_zh if kind else "",
            org_kind_en=kind.label_en if kind else "",
            csrf_token=row.csrf_token,
            stage=row.stage,
            permissions=actor.permissions,
            global_reads=has_global_reach(actor, "read"),
        )
        return Identity(actor, "cookie", row.stage, row.csrf_token, viewer)


__all__ = [
    "API_PREFIX",
    "SESSION_COOKIE",
    "Identity",
    "Viewer",
    "accounts_config",
    "bearer_token",
    "clear_cookie",
    "client_ip",
    "cookie_name",
    "cookie_secure",
    "identify",
    "read_cookie",
    "request_id",
    "set_cookie",
]

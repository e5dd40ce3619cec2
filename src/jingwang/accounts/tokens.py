"""API tokens: one organisation's machine credential, with scopes, an expiry and revocation.

A token is ``jw_`` and 43 random URL-safe characters; it is shown once when made and stored
only as its SHA-256 (plenty for 256 random bits; a slow hash would only slow every API call).
Its scopes are permissions, limited to what the organisation's kind allows. A person with
``tokens:manage`` may give any of those (an administrator could give them to themselves through
roles anyway); a token that makes tokens can only hand on scopes it holds itself.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts import events
from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.errors import (
    AccountNotFound,
    InvalidAccountData,
    TokenExpired,
    TokenInvalid,
    TokenRevoked,
)
from jingwang.accounts.fields import check_name
from jingwang.accounts.models import ApiToken, Organisation, OrgKindPermission, Permission
from jingwang.accounts.policy import Actor, ActorType, authorize, load_org_scope, scope_filter
from jingwang.accounts.schemas import TokenCreate
from jingwang.accounts.sessions import token_digest
from jingwang.core.events import EventActor
from jingwang.store.outbox import emit

TOKEN_PREFIX: Final = "jw_"  # noqa: S105 - the public prefix
PREFIX_SHOWN: Final = 10  # "jw_" and 7 characters: enough to tell tokens apart in a list
TOUCH_EVERY: Final = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once


def create_token(
    session: Session, actor: Actor, data: TokenCreate, config: AccountsConfig, now: dt.datetime
) -> IssuedToken:
    org_id = data.org_id if data.org_id is not None else actor.org_id
    if org_id is None:
        raise InvalidAccountData("say which organisation the token is for", field="org_id")
    org_scope = load_org_scope(session, org_id)
    authorize(actor, "tokens:manage", org_scope)
    scopes = _check_scopes(session, actor, org_scope.kind, data.scopes)
    days = data.expires_in_days or config.token_default_days
    if days > config.token_max_days:
        raise InvalidAccountData(
            f"a token lives at most {config.token_max_days} days", field="expires_in_days"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        org_id=org_id,
        name=check_name(data.name, "name", 100),
        prefix=secret[:PREFIX_SHOWN],
        token_hash=token_digest(secret),
        scopes=scopes,
        created_by=actor.name,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    session.add(token)
    session.flush()
    emit(
        session,
        events.TokenCreated(
            object_id=str(token.id),
            actor=actor.event_actor(),
            request_id=actor.request_id,
            token_name=token.name,
            org_id=org_id,
            prefix=token.prefix,
            scopes=scopes,
            expires_at=token.expires_at.isoformat(),
        ),
    )
    return IssuedToken(token, secret)


def _check_scopes(session: Session, actor: Actor, kind: str, wanted: list[str]) -> list[str]:
    scopes = sorted({s.strip() for s in wanted if s.strip()})
    if not scopes:
        raise InvalidAccountData("a token needs at least one scope", field="scopes")
    known = set(session.scalars(select(Permission.name)))
    allowed = set(
        session.scalars(select(OrgKindPermission.permission).where(OrgKindPermission.kind == kind))
    )
    for scope in scopes:
        if scope not in known:
            raise InvalidAccountData(f"unknown scope {scope!r}", field="scopes", scope=scope)
        if scope not in allowed:
            raise InvalidAccountData(
                f"a {kind} organisation cannot hold {scope!r}", field="scopes", scope=scope
            )
        if actor.type is ActorType.API_TOKEN and not actor.can(scope):
            raise InvalidAccountData(
                f"a token cannot give another token {scope!r}: it does not hold it itself",
                field="scopes",
                scope=scope,
            )
    return scopes


def resolve_token(
    session: Session,
    secret: str,
    *,
    now: dt.datetime,
    ip: str | None = None,
    path: str | None = None,
    request_id: str | None = None,
) -> ApiToken:
    """The live token ``secret`` names; else raise with the event that records why not."""
    token = None
    if secret.startswith(TOKEN_PREFIX) and len(secret) < 200:
        query = select(ApiToken).where(ApiToken.token_hash == token_digest(secret))
        token = session.scalars(query).first()
    org = session.get(Organisation, token.org_id) if token else None
    reason = _dead_reason(token, org, now)
    if reason is not None:
        event = events.TokenRejected(
            object_id=str(token.id) if token else "-",
            actor=EventActor(type="api_token", id=str(token.id) if token else None,
                             org_id=str(token.org_id) if token else None),
            request_id=request_id,
            reason=reason,
            prefix=token.prefix if token else None,
            path=path,
        )  # fmt: skip
        raise _REJECTIONS[reason](_MESSAGES[reason], event=event, reason=reason)
    assert token is not None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at, token.last_used_ip = now, (ip or None) and ip[:64]
    return token


_REJECTIONS: Final = {
    "unknown": TokenInvalid,
    "expired": TokenExpired,
    "revoked": TokenRevoked,
    "inactive": TokenRevoked,
}
_MESSAGES: Final = {
    "unknown": "the API token is not valid: check the Authorization: Bearer header",
    "expired": "the API token has expired: ask your administrator for a new one",
    "revoked": "the API token was revoked: ask your administrator for a new one",
    "inactive": "the API token's organisation is deactivated",
}


def _dead_reason(token: ApiToken | None, org: Organisation | None, now: dt.datetime) -> str | None:
    if token is None:
        return "unknown"
    if token.revoked_at is not None:
        return "revoked"
    if now >= token.expires_at:
        return "expired"
    if org is None or not org.active:
        return "inactive"
    return None


def get_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise AccountNotFound(f"no API token has id {token_id}", token_id=token_id)
    authorize(actor, "tokens:manage", load_org_scope(session, token.org_id))
    return token


def list_tokens(session: Session, actor: Actor, org_id: int | None = None) -> list[ApiToken]:
    """Tokens of the organisations the actor manages (or of ``org_id``), newest first."""
    if org_id is not None:
        authorize(actor, "tokens:manage", load_org_scope(session, org_id))
        query = select(ApiToken).where(ApiToken.org_id == org_id)
    else:
        authorize(actor, "tokens:manage")
        query = select(ApiToken).where(scope_filter(session, actor, ApiToken.org_id, "write"))
    return list(session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(session: Session, actor: Actor, token_id: int, now: dt.datetime) -> ApiToken:
    """Revoke a token; revoking it again changes nothing."""
    token = get_token(session, actor, token_id)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = now, actor.name
        emit(
            session,
            events.TokenRevoked(
                object_id=str(token.id),
                actor=actor.event_actor(),
                request_id=actor.request_id,
                token_name=token.name,
                org_id=token.org_id,
            ),
        )
    return token


__all__ = [
    "TOKEN_PREFIX",
    "IssuedToken",
    "create_token",
    "get_token",
    "list_tokens",
    "resolve_token",
    "revoke_token",
]

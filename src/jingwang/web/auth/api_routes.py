"""The accounts API: ``/api/me``, ``/api/orgs``, ``/api/users``, ``/api/tokens``.

Callers authenticate with ``Authorization: Bearer jw_…`` (an API token) or the session cookie
(then state-changing calls need the ``X-CSRF-Token`` header). Errors have the usual JSON shape;
401 without credentials, 403 with the permission and reason in ``details``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from jingwang.accounts import orgs, tokens, users
from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor
from jingwang.accounts.schemas import (
    MePublic,
    OrgCreate,
    OrgPublic,
    OrgUpdate,
    TokenCreate,
    TokenIssued,
    TokenPublic,
    UserCreate,
    UserCreated,
    UserPublic,
    UserUpdate,
)
from jingwang.store.base import utcnow
from jingwang.web.auth.decisions import login_required, require
from jingwang.web.deps import AccountsDep, SessionDep
from jingwang.web.errors import ErrorResponse

ERRORS = {
    401: {"model": ErrorResponse, "description": "No valid token or session."},
    403: {"model": ErrorResponse, "description": "The permission or its reach is missing."},
}
router = APIRouter(prefix="/api", tags=["accounts"], responses=ERRORS)  # type: ignore[arg-type]
OrgIdQuery = Annotated[int | None, Query(description="Only this organisation.")]


def _me(session: Session, actor: Actor) -> MePublic:
    org = session.get(Organisation, actor.org_id) if actor.org_id else None
    return MePublic(
        type=str(actor.type),
        name=actor.name,
        id=actor.id,
        org_id=actor.org_id,
        org_name=org.name if org else None,
        org_kind=org.kind if org else None,
        province=org.province if org else None,
        roles=sorted(actor.roles),
        permissions=sorted(actor.permissions),
    )


@router.get("/me", summary="Who the caller is: identity, organisation, permissions")
def me(actor: Annotated[Actor, Depends(login_required())], session: SessionDep) -> MePublic:
    return _me(session, actor)


@router.get("/orgs", summary="Organisations within the caller's reach")
def list_orgs(
    actor: Annotated[Actor, Depends(require("orgs:read"))], session: SessionDep
) -> list[OrgPublic]:
    return [OrgPublic.model_validate(o) for o in orgs.list_orgs(session, actor)]


@router.post("/orgs", status_code=201, summary="Create an organisation")
def create_org(
    actor: Annotated[Actor, Depends(require("orgs:manage"))],
    session: SessionDep,
    config: AccountsDep,
    data: OrgCreate,
) -> OrgPublic:
    return OrgPublic.model_validate(orgs.create_org(session, actor, data, config))


@router.get("/orgs/{org_id}", summary="One organisation")
def get_org(
    actor: Annotated[Actor, Depends(require("orgs:read", target="org"))],
    session: SessionDep,
    org_id: int,
) -> OrgPublic:
    return OrgPublic.model_validate(orgs.get_org(session, actor, org_id))


@router.patch("/orgs/{org_id}", summary="Change an organisation")
def update_org(
    actor: Annotated[Actor, Depends(require("orgs:manage", target="org"))],
    session: SessionDep,
    config: AccountsDep,
    org_id: int,
    data: OrgUpdate,
) -> OrgPublic:
    return OrgPublic.model_validate(orgs.update_org(session, actor, org_id, data, config))


@router.get("/users", summary="Users within the caller's reach")
def list_users(
    actor: Annotated[Actor, Depends(require("users:read"))],
    session: SessionDep,
    org_id: OrgIdQuery = None,
) -> list[UserPublic]:
    return [UserPublic.model_validate(u) for u in users.list_users(session, actor, org_id)]


@router.post("/users", status_code=201, summary="Create a user")
def create_user(
    actor: Annotated[Actor, Depends(require("users:manage"))],
    session: SessionDep,
    config: AccountsDep,
    data: UserCreate,
) -> UserCreated:
    user, generated = users.create_user(session, actor, data, config)
    return UserCreated(user=UserPublic.model_validate(user), temporary_password=generated)


@router.get("/users/{user_id}", summary="One user")
def get_user(
    actor: Annotated[Actor, Depends(require("users:read", target="user"))],
    session: SessionDep,
    user_id: int,
) -> UserPublic:
    return UserPublic.model_validate(users.get_user(session, actor, user_id))


@router.patch("/users/{user_id}", summary="Change a user's profile, roles or active flag")
def update_user(
    actor: Annotated[Actor, Depends(require("users:manage", target="user"))],
    session: SessionDep,
    user_id: int,
    data: UserUpdate,
) -> UserPublic:
    return UserPublic.model_validate(users.update_user(session, actor, user_id, data))


@router.get("/tokens", summary="API tokens of the organisations the caller manages")
def list_tokens(
    actor: Annotated[Actor, Depends(require("tokens:manage"))],
    session: SessionDep,
    org_id: OrgIdQuery = None,
) -> list[TokenPublic]:
    return [TokenPublic.model_validate(t) for t in tokens.list_tokens(session, actor, org_id)]


@router.post("/tokens", status_code=201, summary="Create an API token (its secret is shown once)")
def create_token(
    actor: Annotated[Actor, Depends(require("tokens:manage"))],
    session: SessionDep,
    config: AccountsDep,
    data: TokenCreate,
) -> TokenIssued:
    issued = tokens.create_token(session, actor, data, config, utcnow())
    return TokenIssued(token=TokenPublic.model_validate(issued.token), secret=issued.secret)


@router.delete("/tokens/{token_id}", summary="Revoke an API token")
def revoke_token(
    actor: Annotated[Actor, Depends(require("tokens:manage", target="token"))],
    session: SessionDep,
    token_id: int,
) -> TokenPublic:
    return TokenPublic.model_validate(tokens.revoke_token(session, actor, token_id, utcnow()))


__all__ = ["router"]

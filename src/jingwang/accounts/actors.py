"""Building the :class:`~jingwang.accounts.policy.Actor` of a user or an API token.

A user's permissions are those their roles grant that their organisation's kind allows; a
token's are its scopes that the kind allows. Both are read from the catalog tables each time,
so a change an administrator makes to a role applies at the next request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.catalog import Reach
from jingwang.accounts.models import (
    ApiToken,
    OrgKind,
    OrgKindPermission,
    Permission,
    RolePermission,
    User,
)
from jingwang.accounts.policy import Actor, ActorType, OrgScope, load_org_scope


def _kind_ceiling(session: Session, kind: str) -> set[str]:
    query = select(OrgKindPermission.permission).where(OrgKindPermission.kind == kind)
    return set(session.scalars(query))


def _writes(session: Session, permissions: Iterable[str]) -> frozenset[str]:
    query = select(Permission.name).where(
        Permission.access == "write", Permission.name.in_(sorted(permissions))
    )
    return frozenset(session.scalars(query))


def _reach(session: Session, org: OrgScope) -> tuple[Reach, Reach]:
    kind = session.get(OrgKind, org.kind)
    if kind is None:  # pragma: no cover - a foreign key keeps kinds present
        return "subtree", "subtree"
    return cast(Reach, kind.read_reach), cast(Reach, kind.write_reach)


def role_permissions(session: Session, roles: Iterable[str]) -> set[str]:
    query = select(RolePermission.permission).where(RolePermission.role.in_(sorted(roles)))
    return set(session.scalars(query))


def actor_for_user(
    session: Session,
    user: User,
    *,
    request_id: str | None = None,
    session_id: int | None = None,
) -> Actor:
    org = load_org_scope(session, user.org_id)
    roles = frozenset(user.role_names)
    permissions = frozenset(role_permissions(session, roles) & _kind_ceiling(session, org.kind))
    read_reach, write_reach = _reach(session, org)
    return Actor(
        ActorType.USER,
        user.username,
        id=user.id,
        org=org,
        roles=roles,
        permissions=permissions,
        writes=_writes(session, permissions),
        read_reach=read_reach,
        write_reach=write_reach,
        request_id=request_id,
        session_id=session_id,
    )


def actor_for_token(session: Session, token: ApiToken, *, request_id: str | None = None) -> Actor:
    org = load_org_scope(session, token.org_id)
    permissions = frozenset(set(token.scopes) & _kind_ceiling(session, org.kind))
    read_reach, write_reach = _reach(session, org)
    return Actor(
        ActorType.API_TOKEN,
        token.name,
        id=token.id,
        org=org,
        permissions=permissions,
        writes=_writes(session, permissions),
        read_reach=read_reach,
        write_reach=write_reach,
        request_id=request_id,
    )


__all__ = ["actor_for_token", "actor_for_user", "role_permissions"]

"""Writing the default catalog (:mod:`.catalog`) into the tables, and the first administrator.

:func:`seed_defaults` adds what is missing and leaves alone what exists: a kind, role or
permission already present keeps the grants an installation gave it, while a new one arrives
with its default grants. Migrations call it (``0002_accounts``), and a later migration that adds
a permission to the catalog calls it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.catalog import ORG_KINDS, PERMISSIONS, ROLES
from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.models import (
    Organisation,
    OrgKind,
    OrgKindPermission,
    Permission,
    Role,
    RolePermission,
)
from jingwang.accounts.orgs import create_org
from jingwang.accounts.policy import Actor
from jingwang.accounts.schemas import OrgCreate, UserCreate
from jingwang.accounts.users import create_user


@dataclass(frozen=True)
class SeedReport:
    permissions: int = 0
    roles: int = 0
    org_kinds: int = 0


def seed_defaults(session: Session) -> SeedReport:
    """Insert the catalog rows that do not exist yet, with their default grants."""
    have_perms = set(session.scalars(select(Permission.name)))
    new_perms = [p for p in PERMISSIONS if p.name not in have_perms]
    session.add_all(
        Permission(name=p.name, access=p.access, label_zh=p.label_zh, label_en=p.label_en)
        for p in new_perms
    )
    have_roles = set(session.scalars(select(Role.name)))
    new_roles = [r for r in ROLES if r.name not in have_roles]
    for position, role in enumerate(ROLES):
        if role.name in have_roles:
            continue
        session.add(
            Role(name=role.name, label_zh=role.label_zh, label_en=role.label_en, position=position)
        )
    have_kinds = set(session.scalars(select(OrgKind.name)))
    new_kinds = [k for k in ORG_KINDS if k.name not in have_kinds]
    for position, kind in enumerate(ORG_KINDS):
        if kind.name in have_kinds:
            continue
        session.add(
            OrgKind(
                name=kind.name, label_zh=kind.label_zh, label_en=kind.label_en,
                read_reach=kind.read_reach, write_reach=kind.write_reach,
                child_kinds=list(kind.child_kinds), position=position,
            )
        )  # fmt: skip
    session.flush()
    fresh_perms = {p.name for p in new_perms}
    for role in ROLES:  # new roles get all their grants; old roles get the new permissions
        for perm in sorted(role.permissions):
            if role in new_roles or perm in fresh_perms:
                session.add(RolePermission(role=role.name, permission=perm))
    for kind in ORG_KINDS:
        for perm in sorted(kind.permissions):
            if kind in new_kinds or perm in fresh_perms:
                session.add(OrgKindPermission(kind=kind.name, permission=perm))
    session.flush()
    return SeedReport(len(new_perms), len(new_roles), len(new_kinds))


@dataclass(frozen=True)
class AdminCreated:
    org_id: int
    org_created: bool
    user_id: int
    username: str
    password: str | None  # generated, to show once; None when the caller chose it


def create_admin(
    session: Session,
    actor: Actor,
    config: AccountsConfig,
    *,
    org_name: str,
    username: str,
    password: str | None,
    org_kind: str = "reporting_centre",
    province: str = "CN",
) -> AdminCreated:
    """The first administrator (or another one) and, when missing, their organisation."""
    org = session.scalars(select(Organisation).where(Organisation.name == org_name.strip())).first()
    created = org is None
    if org is None:
        org = create_org(
            session, actor, OrgCreate(name=org_name, kind=org_kind, province=province), config
        )
    data = UserCreate.model_validate(
        {"org_id": org.id, "username": username, "display_name": username, "roles": ["admin"],
         "password": password, "must_change_password": False}
    )  # fmt: skip
    user, generated = create_user(session, actor, data, config)
    return AdminCreated(org.id, created, user.id, user.username, generated)


__all__ = ["AdminCreated", "SeedReport", "create_admin", "seed_defaults"]

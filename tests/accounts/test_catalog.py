"""The default catalog: consistent data, seeded by the migration, merged without overwriting."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jingwang.accounts import seed_defaults
from jingwang.accounts.catalog import (
    ALL_PERMISSIONS,
    ORG_KIND_NAMES,
    ORG_KINDS,
    PERMISSIONS,
    PROVINCES,
    ROLE_NAMES,
    ROLES,
)
from jingwang.accounts.models import OrgKind, OrgKindPermission, Permission, Role, RolePermission


def test_catalog_is_consistent():
    assert len(PROVINCES) == 32  # 31 province-level divisions and the national level
    assert set(ROLE_NAMES) == {"admin", "analyst", "reviewer", "liaison", "viewer", "auditor"}
    assert len(ORG_KIND_NAMES) == 13
    for role in ROLES:
        assert role.permissions <= ALL_PERMISSIONS, role.name
        assert "profile:manage" in role.permissions
    for kind in ORG_KINDS:
        assert kind.permissions <= ALL_PERMISSIONS, kind.name
        assert set(kind.child_kinds) <= set(ORG_KIND_NAMES)
        assert kind.name in kind.child_kinds  # branches of the same kind are always allowed
        assert {"orgs:read", "users:manage", "profile:manage"} <= kind.permissions
    assert {p.access for p in PERMISSIONS} == {"read", "write"}
    assert [k.name for k in ORG_KINDS if k.read_reach != "subtree"] == [
        "reporting_centre",
        "regulator",
    ]


def test_the_migration_seeded_the_defaults(session: Session):
    assert set(session.scalars(select(Permission.name))) == ALL_PERMISSIONS
    assert set(session.scalars(select(Role.name))) == set(ROLE_NAMES)
    assert list(session.scalars(select(OrgKind.name).order_by(OrgKind.position))) == list(
        ORG_KIND_NAMES
    )
    grants = {
        tuple(row)
        for row in session.execute(select(RolePermission.role, RolePermission.permission))
    }
    assert grants == {(r.name, p) for r in ROLES for p in r.permissions}


def test_seeding_again_adds_nothing_and_keeps_local_changes(session: Session):
    session.execute(
        delete(RolePermission).where(
            RolePermission.role == "viewer", RolePermission.permission == "cases:read"
        )
    )
    report = seed_defaults(session)
    assert (report.permissions, report.roles, report.org_kinds) == (0, 0, 0)
    viewer = set(
        session.scalars(select(RolePermission.permission).where(RolePermission.role == "viewer"))
    )
    assert "cases:read" not in viewer


def test_a_new_permission_arrives_with_its_default_grants(session: Session):
    session.execute(delete(Permission).where(Permission.name == "lists:publish"))
    session.flush()
    assert seed_defaults(session).permissions == 1
    holders = set(
        session.scalars(
            select(RolePermission.role).where(RolePermission.permission == "lists:publish")
        )
    )
    assert holders == {"analyst"}
    kinds = set(
        session.scalars(
            select(OrgKindPermission.kind).where(OrgKindPermission.permission == "lists:publish")
        )
    )
    assert kinds == {"reporting_centre"}


@pytest.mark.parametrize("kind", ["access_provider", "idc", "reseller"])
def test_access_kinds_nest_downwards_only(kind):
    spec = next(k for k in ORG_KINDS if k.name == kind)
    order = ["access_provider", "idc", "reseller"]
    assert list(spec.child_kinds) == order[order.index(kind) :]

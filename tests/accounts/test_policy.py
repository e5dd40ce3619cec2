"""The permission policy: permissions from roles within the kind's ceiling, and org reach."""

from __future__ import annotations

import pytest
from accountkit import make_org, make_user
from sqlalchemy.orm import Session

from jingwang.accounts import (
    Actor,
    actor_for_user,
    authorize,
    list_orgs,
    list_users,
    load_org_scope,
    visible_org_ids,
)
from jingwang.accounts.errors import AccessDenied, ScopeExceeded
from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import ActorType, OrgScope


@pytest.fixture
def world(session: Session) -> dict[str, int]:
    """Two access providers with reseller chains, regulators, a carrier, the centre."""
    made: dict[str, Organisation] = {}

    def org(key: str, name: str, kind: str, province: str, parent: str | None = None) -> None:
        made[key] = make_org(session, name, kind, province, made[parent] if parent else None)

    org("ap1", "AP one", "access_provider", "GD")
    org("idc1", "IDC one", "idc", "GD", "ap1")
    org("r1", "Reseller one", "reseller", "GD", "idc1")
    org("r1b", "Reseller one-b", "reseller", "GD", "r1")
    org("ap2", "AP two", "access_provider", "GD")
    org("r2", "Reseller two", "reseller", "GD", "ap2")
    org("miit", "National regulator", "regulator", "CN")
    org("gd", "GD regulator", "regulator", "GD", "miit")
    org("bj", "BJ regulator", "regulator", "BJ", "miit")
    org("carrier", "Carrier", "carrier", "CN")
    org("carrier_bj", "Carrier BJ", "carrier", "BJ", "carrier")
    org("centre", "Centre", "reporting_centre", "CN")
    return {key: value.id for key, value in made.items()}


def actor_in(session: Session, org_id: int, role: str, name: str) -> Actor:
    org = session.get(Organisation, org_id)
    assert org is not None
    return actor_for_user(session, make_user(session, org, name, [role]))


def test_access_provider_sees_its_resellers_not_another_providers(session, world):
    admin = actor_in(session, world["ap1"], "admin", "ap1-admin")
    visible = visible_org_ids(session, admin)
    assert visible == {world["ap1"], world["idc1"], world["r1"], world["r1b"]}
    authorize(admin, "orgs:read", load_org_scope(session, world["r1b"]))
    for other in ("ap2", "r2", "gd", "centre"):
        with pytest.raises(AccessDenied) as caught:
            authorize(admin, "orgs:read", load_org_scope(session, world[other]))
        assert caught.value.details["reason"] == "out_of_scope"
        assert caught.value.event is not None


def test_a_reseller_never_sees_its_parent_or_sibling(session, world):
    liaison = actor_in(session, world["r1"], "admin", "r1-admin")
    assert visible_org_ids(session, liaison) == {world["r1"], world["r1b"]}
    with pytest.raises(AccessDenied):
        authorize(liaison, "users:manage", load_org_scope(session, world["idc1"]))


def test_provincial_regulator_reads_its_province_and_manages_only_its_own(session, world):
    viewer = actor_in(session, world["gd"], "admin", "gd-admin")
    visible = visible_org_ids(session, viewer)
    expected = {world[k] for k in ("ap1", "idc1", "r1", "r1b", "ap2", "r2", "gd")}
    assert visible == expected
    assert world["bj"] not in visible
    assert world["carrier_bj"] not in visible
    authorize(viewer, "users:read", load_org_scope(session, world["r2"]))
    with pytest.raises(AccessDenied):  # reading is provincial, managing is not
        authorize(viewer, "users:manage", load_org_scope(session, world["r2"]))
    assert visible_org_ids(session, viewer, "write") == {world["gd"]}


def test_national_regulator_reads_everything(session, world):
    national = actor_in(session, world["miit"], "auditor", "miit-auditor")
    assert visible_org_ids(session, national) == set(world.values())
    authorize(national, "audit:read", load_org_scope(session, world["carrier_bj"]))


def test_reporting_centre_reaches_everything_for_reading_and_writing(session, world):
    admin = actor_in(session, world["centre"], "admin", "rc-admin")
    assert visible_org_ids(session, admin, "write") == set(world.values())
    authorize(admin, "orgs:manage", load_org_scope(session, world["r2"]))


def test_lists_are_filtered_by_the_same_reach(session, world):
    admin = actor_in(session, world["ap1"], "admin", "ap1-admin")
    make_user(session, session.get(Organisation, world["r2"]), "r2-user", ["viewer"])
    names = {org.name for org in list_orgs(session, admin)}
    assert names == {"AP one", "IDC one", "Reseller one", "Reseller one-b"}
    assert {u.username for u in list_users(session, admin)} == {"ap1-admin"}


def test_roles_grant_within_the_kind_ceiling(session, world):
    analyst = actor_in(session, world["r1"], "analyst", "r1-analyst")
    assert "orders:update" in analyst.permissions  # the role grants it, resellers may hold it
    assert "orders:issue" not in analyst.permissions  # the role grants it, resellers may not
    centre = actor_in(session, world["centre"], "analyst", "rc-analyst")
    assert "orders:issue" in centre.permissions
    with pytest.raises(AccessDenied) as caught:
        authorize(analyst, "orders:issue")
    assert caught.value.details == {
        "permission": "orders:issue",
        "reason": "permission",
        "org_id": None,
    }


def test_the_public_has_nothing_and_the_system_everything(session, world):
    public = Actor.public()
    assert visible_org_ids(session, public) == frozenset()
    with pytest.raises(AccessDenied):
        authorize(public, "orgs:read")
    system = Actor.system()
    authorize(system, "orgs:manage", load_org_scope(session, world["r2"]))
    assert visible_org_ids(session, system, "write") == set(world.values())


def test_a_token_beyond_its_scopes_is_refused_with_its_own_code():
    token = Actor(
        ActorType.API_TOKEN,
        "gateway",
        id=7,
        org=OrgScope(1, "carrier", "GD"),
        permissions=frozenset({"lists:read"}),
    )
    authorize(token, "lists:read")
    with pytest.raises(ScopeExceeded) as caught:
        authorize(token, "orders:update")
    assert caught.value.code == "permission.beyond_scope"
    event = caught.value.event
    assert event is not None
    assert event.actor.type == "api_token"
    assert event.actor.id == "7"


def test_event_actor_names_user_and_org(session, world):
    admin = actor_in(session, world["ap1"], "admin", "ap1-admin")
    event_actor = admin.event_actor()
    assert (event_actor.type, event_actor.id, event_actor.org_id) == (
        "user",
        "ap1-admin",
        str(world["ap1"]),
    )

"""The accounts API with API tokens and sessions: scopes, reach, dead tokens, the error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from accounts.accountkit import CHEAP_HASHING, SYSTEM, cheap_config, make_org, make_user
from accounts.webkit import HTTPS, csrf_token, log_in, outbox
from jingwang.accounts.models import ApiToken, Organisation, User
from jingwang.accounts.schemas import TokenCreate
from jingwang.accounts.tokens import create_token
from jingwang.store.base import utcnow
from jingwang.web import create_app


@pytest.fixture
def world(live_db):
    with live_db.session() as session:
        ap = make_org(session, "AP", "access_provider", "GD")
        reseller = make_org(session, "Reseller", "reseller", "GD", ap)
        other = make_org(session, "Other AP", "access_provider", "GD")
        make_user(session, ap, "ap-admin", ["admin"], config=cheap_config())
        make_user(session, reseller, "r-liaison", ["liaison"], config=cheap_config())
        make_user(session, other, "other-admin", ["admin"], config=cheap_config())

        def token(org: Organisation, scopes: list[str], days: int = 30) -> str:
            data = TokenCreate(
                org_id=org.id, name=f"t{len(scopes)}", scopes=scopes, expires_in_days=days
            )
            return create_token(session, SYSTEM, data, cheap_config(), utcnow()).secret

        return {
            "ap": ap.id,
            "reseller": reseller.id,
            "other": other.id,
            "reader": token(ap, ["orgs:read", "users:read"]),
            "manager": token(ap, ["orgs:read", "users:read", "users:manage", "tokens:manage"]),
        }


@pytest.fixture
def api(live_settings, world):
    settings = live_settings.model_copy(update={**CHEAP_HASHING, "queue_url": "memory://"})
    with TestClient(create_app(settings), base_url=HTTPS) as client:
        yield client


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_me_and_lists_with_a_token(api, world):
    me = api.get("/api/me", headers=bearer(world["reader"])).json()
    assert (me["type"], me["org_name"], me["roles"]) == ("api_token", "AP", [])
    assert me["permissions"] == ["orgs:read", "users:read"]
    orgs = api.get("/api/orgs", headers=bearer(world["reader"])).json()
    assert {o["name"] for o in orgs} == {"AP", "Reseller"}  # never the other provider
    users = api.get("/api/users", headers=bearer(world["reader"])).json()
    assert {u["username"] for u in users} == {"ap-admin", "r-liaison"}
    assert "password_hash" not in str(users)
    assert "totp" not in str(users).replace("totp_enabled", "")
    far = api.get(f"/api/orgs/{world['other']}", headers=bearer(world["reader"]))
    assert far.status_code == 403
    assert far.json()["error"]["details"]["reason"] == "out_of_scope"


def test_a_token_used_beyond_its_scope_is_refused_recorded_and_changes_nothing(api, world, live_db):
    body = {"org_id": world["reseller"], "username": "sneaky", "roles": ["admin"]}
    response = api.post("/api/users", json=body, headers=bearer(world["reader"]))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission.beyond_scope"
    assert error["details"] == {
        "permission": "users:manage",
        "reason": "beyond_scope",
        "org_id": None,
    }
    denied = outbox(live_db, "accounts.access_denied")
    assert [(e["permission"], e["reason"], e["path"], e["actor"]["type"]) for e in denied] == [
        ("users:manage", "beyond_scope", "/api/users", "api_token")
    ]
    assert denied[0]["request_id"] == response.headers["x-request-id"]
    with live_db.session() as session:
        assert session.scalars(select(User).where(User.username == "sneaky")).first() is None
    assert [e["name"] for e in outbox(live_db)].count("accounts.user_created") == 3  # the set-up


def test_a_token_within_scope_but_out_of_reach_is_refused(api, world):
    body = {"org_id": world["other"], "username": "planted", "roles": ["viewer"]}
    response = api.post("/api/users", json=body, headers=bearer(world["manager"]))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission.denied"
    made = api.post(
        "/api/users",
        json={**body, "org_id": world["reseller"], "username": "placed"},
        headers=bearer(world["manager"]),
    )
    assert made.status_code == 201
    assert made.json()["temporary_password"]


def test_expired_revoked_and_unknown_tokens_get_401_with_their_codes(api, world, live_db):
    with live_db.session() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.name == "t2")
            .values(expires_at=utcnow() - dt.timedelta(seconds=1))
        )
    expired = api.get("/api/me", headers=bearer(world["reader"]))
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "auth.token_expired"
    tokens = api.get("/api/tokens", headers=bearer(world["manager"])).json()
    manager_id = next(t["id"] for t in tokens if t["name"] == "t4")
    assert (
        api.delete(f"/api/tokens/{manager_id}", headers=bearer(world["manager"])).status_code == 200
    )
    revoked = api.get("/api/me", headers=bearer(world["manager"]))
    assert revoked.json()["error"]["code"] == "auth.token_revoked"
    unknown = api.get("/api/me", headers=bearer("jw_" + "A" * 43))
    assert unknown.json()["error"]["code"] == "auth.token_invalid"
    reasons = [(e["reason"], e["path"]) for e in outbox(live_db, "accounts.token_rejected")]
    assert reasons == [("expired", "/api/me"), ("revoked", "/api/me"), ("unknown", "/api/me")]


def test_tokens_do_not_open_the_pages(api, world):
    response = api.get(
        "/admin/users",
        headers={**bearer(world["manager"]), "Accept": "text/html"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_api_calls_with_the_session_cookie_need_the_csrf_header(api, world, live_db):
    log_in(api, "ap-admin")
    body = {"name": "ticket system", "scopes": ["users:read"]}
    refused = api.post("/api/tokens", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "auth.csrf_failed"
    made = api.post("/api/tokens", json=body, headers={"X-CSRF-Token": csrf_token(api)})
    assert made.status_code == 201
    issued = made.json()
    assert issued["secret"].startswith("jw_")
    assert issued["token"]["org_id"] == world["ap"]
    listed = api.get("/api/tokens").json()
    assert issued["secret"] not in str(listed)
    assert issued["token"]["prefix"] in str(listed)
    assert api.get("/api/me", headers=bearer(issued["secret"])).json()["name"] == "ticket system"


def test_patching_users_and_orgs_through_the_api(api, world, live_db):
    log_in(api, "ap-admin")
    headers = {"X-CSRF-Token": csrf_token(api)}
    with live_db.session() as session:
        liaison = session.scalars(select(User.id).where(User.username == "r-liaison")).one()
    changed = api.patch(f"/api/users/{liaison}", json={"roles": ["viewer"]}, headers=headers)
    assert changed.status_code == 200
    assert changed.json()["roles"] == ["viewer"]
    renamed = api.patch(
        f"/api/orgs/{world['reseller']}",
        json={"contact_email": "noc@r.example.cn"},
        headers=headers,
    )
    assert renamed.json()["contact_email"] == "noc@r.example.cn"
    bad = api.patch(
        f"/api/orgs/{world['reseller']}", json={"webhook_url": "ftp://x"}, headers=headers
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "accounts.invalid"
    escalate = api.patch(
        f"/api/orgs/{world['ap']}", json={"kind": "reporting_centre"}, headers=headers
    )
    assert escalate.status_code == 403
    unknown_field = api.patch(f"/api/orgs/{world['ap']}", json={"colour": "red"}, headers=headers)
    assert unknown_field.status_code == 422

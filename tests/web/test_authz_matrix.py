"""The authorisation matrix, generated from the app's own route table.

For every route the app serves, and every caller — each role in an organisation of each kind
(logged in with a real session cookie), an API token of each kind, and the public — the route
is called through the app, and the outcome (refused: 401 / 403 / 404; let through: anything
else below 500) is compared with what the policy says for the route's declared decision.
Routes that act on an organisation's things are called on targets in five relations to the
caller's organisation: its own, its parent, its child, an unrelated sibling, and one in another
province. Every caller is tried on its own organisation; for the other relations, one caller
per kind that holds the permission (and each kind's token) is enough, since callers of one kind
holding the same permission reach the same organisations.

List routes are also checked not to leak: every organisation in an answer is one the policy
lets the caller see.

A route without a decision fails :func:`test_every_route_has_a_decision_and_a_recipe` (and the
app refuses to start); a route without a recipe here fails it too, so a new route cannot slip
past the matrix.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from accounts.accountkit import (
    SYSTEM,
    cheap_config,
    fresh_database,
    make_org,
    make_user,
    settings_for,
)
from jingwang.accounts import actor_for_token, actor_for_user, authorize, load_org_scope
from jingwang.accounts.catalog import ORG_KIND_NAMES, ROLE_NAMES
from jingwang.accounts.errors import AccessDenied
from jingwang.accounts.models import ApiToken, Organisation, User
from jingwang.accounts.policy import (
    Actor,
    OrgScope,
    access_of,
    has_global_reach,
    visible_org_ids,
)
from jingwang.accounts.schemas import TokenCreate
from jingwang.accounts.sessions import issue_session
from jingwang.accounts.tokens import create_token
from jingwang.classify.models import KnownHash, RescoreRun, VerdictRow
from jingwang.decisions.models import Decision
from jingwang.errors import ConfigError
from jingwang.jobs import enqueue
from jingwang.probe.models import Campaign, Capture, Evidence
from jingwang.probe.service import record_probe
from jingwang.registry.models import Finding
from jingwang.settings import Settings
from jingwang.store import Database, FileBlobStore, create_database
from jingwang.store.base import utcnow
from jingwang.web import create_app
from jingwang.web.auth.decisions import RouteInfo, check_decisions, public, require, route_table
from probe.servicekit import WBMP, html_result, wml_result

pytestmark = pytest.mark.db

HTTPS = "https://testserver"
RELATIONS = ("own", "parent", "child", "unrelated", "other_province")
REFUSED = frozenset({401, 403, 404})
TOKEN_SCOPES = ["orgs:read", "users:read", "tokens:manage"]


@dataclass
class Caller:
    label: str
    kind: str  # the kind of the caller's organisation ("" for the public)
    actor: Actor
    via: str  # cookie | token | none
    user_id: int | None = None
    cookie: str | None = None
    csrf: str | None = None
    bearer: str | None = None


@dataclass
class World:
    client: TestClient
    db: Database
    orgs: dict[tuple[str, str], int]  # (kind, relation) -> org id
    scopes: dict[int, OrgScope]
    target_user: dict[int, int]  # org id -> a user there nobody logs in as
    target_token: dict[int, int]  # org id -> a token of that org
    callers: list[Caller]
    job_id: int = 0  # a background job the jobs routes act on
    numbers: Iterator[int] = field(default_factory=itertools.count)

    def target_org(self, caller: Caller, relation: str) -> int:
        return self.orgs[(caller.kind or "carrier", relation)]

    def fresh_session(self, user_id: int) -> tuple[int, str, str]:
        with self.db.session() as session:
            user = session.get(User, user_id)
            assert user is not None
            issued = issue_session(session, user, stage="full", config=cheap_config(), now=utcnow())
        return issued.id, issued.token, issued.csrf_token


def _build_orgs(session: Any) -> dict[tuple[str, str], Organisation]:
    made: dict[tuple[str, str], Organisation] = {}
    for kind in ORG_KIND_NAMES:
        parent = make_org(session, f"{kind} national", kind, "CN")
        own = make_org(session, f"{kind} GD", kind, "GD", parent)
        made[(kind, "parent")] = parent
        made[(kind, "own")] = own
        made[(kind, "child")] = make_org(session, f"{kind} GD child", kind, "GD", own)
        made[(kind, "unrelated")] = make_org(session, f"{kind} GD sibling", kind, "GD", parent)
        made[(kind, "other_province")] = make_org(session, f"{kind} BJ", kind, "BJ", parent)
    return made


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("matrix")
    with fresh_database(folder) as url:
        db = create_database(url)
        config = cheap_config()
        with db.session() as session:
            orgs = _build_orgs(session)
            scopes = {org.id: load_org_scope(session, org.id) for org in orgs.values()}
            target_user = {
                org.id: make_user(session, org, f"target-{org.id}", ["viewer"], config=config).id
                for org in orgs.values()
            }
            target_token = {
                org.id: create_token(
                    session,
                    SYSTEM,
                    TokenCreate(org_id=org.id, name="target", scopes=["orgs:read"]),
                    config,
                    utcnow(),
                ).token.id
                for org in orgs.values()
            }
            make_user(session, orgs[("other", "own")], "matrix-login", ["viewer"], config=config)
            job_id = enqueue(session, "blobs.verify").id
            callers = [Caller("public", "", Actor.public(), "none")]
            for kind in ORG_KIND_NAMES:
                own = orgs[(kind, "own")]
                for role in ROLE_NAMES:
                    user = make_user(
                        session, own, f"{kind}-{role}".replace("_", "-"), [role], config=config
                    )
                    issued = issue_session(session, user, stage="full", config=config, now=utcnow())
                    callers.append(
                        Caller(
                            f"{kind}/{role}",
                            kind,
                            actor_for_user(session, user),
                            "cookie",
                            user.id,
                            issued.token,
                            issued.csrf_token,
                        )
                    )
                token = create_token(
                    session,
                    SYSTEM,
                    TokenCreate(org_id=own.id, name=f"{kind} machine", scopes=TOKEN_SCOPES),
                    config,
                    utcnow(),
                )
                actor = actor_for_token(session, token.token)
                callers.append(Caller(f"{kind}/token", kind, actor, "token", bearer=token.secret))
        app = create_app(settings_for(folder, url))
        with TestClient(app, base_url=HTTPS) as client:
            yield World(
                client,
                db,
                {k: o.id for k, o in orgs.items()},
                scopes,
                target_user,
                target_token,
                callers,
                job_id,
            )
        db.dispose()


# How to call each route. A recipe gets the world, the caller and the target organisation (or
# None) and sends the request; `target` says what the relation applies to.
Send = Callable[[World, Caller, int | None], Response]


@dataclass(frozen=True)
class Recipe:
    send: Send
    target: str | None = None  # org | user | token | session | body_org
    leaks: Callable[[World, Caller, Response], list[int]] | None = None  # org ids not in reach


def _headers(caller: Caller, method: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    headers = dict(extra or {})
    if caller.cookie:
        headers["Cookie"] = f"__Host-jw_session={caller.cookie}"
        if method not in ("GET", "HEAD"):
            headers["X-CSRF-Token"] = caller.csrf or ""
    if caller.bearer:
        headers["Authorization"] = f"Bearer {caller.bearer}"
    return headers


def call(w: World, caller: Caller, method: str, url: str, **kwargs: Any) -> Response:
    w.client.cookies.clear()  # one client for everyone: never carry cookies between callers
    headers = _headers(caller, method, kwargs.pop("headers", None))
    response = w.client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
    w.client.cookies.clear()
    return response


def get(url: str) -> Send:
    return lambda w, c, _: call(w, c, "GET", url)


def post(url: str, **kwargs: Any) -> Send:
    return lambda w, c, _: call(w, c, "POST", url, **kwargs)


def _org_name(w: World, org_id: int) -> str:
    with w.db.session() as session:
        org = session.get(Organisation, org_id)
        assert org is not None
        return org.name


def _login(w: World, caller: Caller, _: int | None) -> Response:
    w.client.cookies.clear()
    page = w.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    cookie = page.headers["set-cookie"].split(";")[0]
    return w.client.post(
        "/login",
        data={
            "username": "matrix-login",
            "password": "correct horse battery staple",
            "csrf_token": token,
        },
        headers={"Cookie": cookie},
        follow_redirects=False,
    )


def _logout(w: World, caller: Caller, _: int | None) -> Response:
    if caller.user_id is None:
        return call(w, caller, "POST", "/logout")
    _, token, csrf = w.fresh_session(caller.user_id)
    throwaway = Caller(
        caller.label, caller.kind, caller.actor, "cookie", caller.user_id, token, csrf
    )
    return call(w, throwaway, "POST", "/logout")


def _revoke_session(w: World, caller: Caller, org_id: int | None) -> Response:
    owner = caller.user_id if org_id is None else w.target_user[org_id]
    session_id = w.fresh_session(owner)[0] if owner is not None else 1
    return call(w, caller, "POST", f"/account/sessions/{session_id}/revoke")


def _new_org(w: World, org_id: int | None) -> dict[str, Any]:
    assert org_id is not None
    scope = w.scopes[org_id]
    return {
        "name": f"made-{next(w.numbers)}",
        "kind": scope.kind,
        "province": scope.province,
        "parent_id": org_id,
    }


def _new_user(w: World, org_id: int | None) -> dict[str, Any]:
    return {"org_id": org_id, "username": f"made-{next(w.numbers)}", "roles": ["viewer"]}


def _new_token(w: World, org_id: int | None) -> dict[str, Any]:
    return {"org_id": org_id, "name": f"made-{next(w.numbers)}", "scopes": ["orgs:read"]}


def _decision(w: World) -> int:
    """A fresh confirmed decision for the withdraw routes to act on."""
    with w.db.session() as session:
        decision = Decision(
            domain=f"matrix-{next(w.numbers)}.test",
            verdict="porn",
            reason="matrix",
            decided_by="matrix",
        )
        session.add(decision)
        session.flush()
        return decision.id


def _capture(w: World, org_id: int | None) -> int:
    """A fresh capture of ``org_id`` with a WARC, a screenshot and a WML view."""
    blobs = FileBlobStore(w.client.app.state.settings.resolved_blob_dir)
    with w.db.session() as session:
        capture = record_probe(
            session, blobs, html_result(), actor_name="matrix", org_id=org_id, screenshot=b"png"
        )
        view = b"<p>matrix</p>"
        session.add(
            Evidence(
                capture_id=capture.id,
                kind="wml_view",
                digest=blobs.put(view),
                size=len(view),
                media_type="text/html; charset=utf-8",
            )
        )
        return capture.id


def _campaign(w: World, org_id: int | None, state: str = "running") -> int:
    """A fresh campaign of ``org_id`` in ``state`` for the campaign routes to act on."""
    assert org_id is not None
    with w.db.session() as session:
        campaign = Campaign(
            name=f"matrix-{next(w.numbers)}",
            org_id=org_id,
            created_by="matrix",
            profile="android",
            selection={"kind": "list"},
            state=state,
        )
        session.add(campaign)
        session.flush()
        return campaign.id


def _verdict(w: World, org_id: int | None, *, subject: str = "capture") -> tuple[int, int, str]:
    """A fresh capture of ``org_id`` (with a WBMP image) judged by hand: (verdict id, capture
    id, domain); a ``site`` verdict is on the capture's own domain."""
    blobs = FileBlobStore(w.client.app.state.settings.resolved_blob_dir)
    domain = f"v{next(w.numbers)}-matrix.test"  # a registrable domain of its own
    with w.db.session() as session:
        capture = record_probe(
            session, blobs, wml_result(f"http://wap.{domain}/"), actor_name="matrix", org_id=org_id
        )
        row = VerdictRow(
            subject=subject,
            capture_id=capture.id if subject == "capture" else None,
            domain=capture.domain,
            org_id=org_id if subject == "capture" else None,
            label="suspect",
            score=0.5,
            thresholds={"porn": 0.8, "suspect": 0.4},
            reasons=[],
            text=None,
            images=[],
            versions={},
            versions_key="matrix",
            captures=[capture.id] if subject == "site" else None,
            current=True,
        )
        session.add(row)
        session.flush()
        return row.id, capture.id, capture.domain or domain


def _run(w: World) -> int:
    """A fresh queued re-scoring run for the run routes to act on."""
    with w.db.session() as session:
        run = RescoreRun(state="queued", versions={}, created_by="matrix")
        session.add(run)
        session.flush()
        return run.id


def _known_hash(w: World) -> int:
    with w.db.session() as session:
        row = KnownHash(pdq=f"{next(w.numbers):064x}", label="porn", source="matrix", added_by="m")
        session.add(row)
        session.flush()
        return row.id


MATRIX_HASH = "f" * 64
WBMP_DIGEST = hashlib.sha256(WBMP).hexdigest()


def _probe_job(w: World, caller: Caller, _: int | None) -> Response:
    """Ask for a probe, then look at the job (one's own; 403 before that without the right)."""
    asked = call(w, caller, "POST", "/api/probe", json={"url": "http://matrix.test/"})
    job_id = asked.json()["job_id"] if asked.status_code == 202 else 1
    return call(w, caller, "GET", f"/api/probe/jobs/{job_id}")


_DECISION = {"target": "matrix.test", "verdict": "porn", "reason": "matrix"}


def _finding(w: World, org_id: int | None) -> int:
    """A fresh open finding addressed to ``org_id``: finding routes act on the addressee."""
    assert org_id is not None
    with w.db.session() as session:
        finding = Finding(
            rule="matrix",
            key=f"matrix:{next(w.numbers)}",
            severity="low",
            addressee_org_id=org_id,
            province=w.scopes[org_id].province,
            subject="matrix",
            evidence={},
        )
        session.add(finding)
        session.flush()
        return finding.id


def _registry_leaks() -> Callable[[World, Caller, Response], list[int]]:
    return _leaks(lambda w, r: _ids(r'data-org-id="(\d+)"')(r))


def _visible(w: World, caller: Caller, access: str) -> frozenset[int]:
    with w.db.session() as session:
        return visible_org_ids(session, caller.actor, access)


def _user_orgs(w: World, user_ids: list[int]) -> list[int]:
    with w.db.session() as session:
        return list(session.scalars(select(User.org_id).where(User.id.in_(user_ids))))


def _token_orgs(w: World, token_ids: list[int]) -> list[int]:
    with w.db.session() as session:
        return list(session.scalars(select(ApiToken.org_id).where(ApiToken.id.in_(token_ids))))


def _capture_orgs(w: World, capture_ids: list[int]) -> list[int]:
    with w.db.session() as session:
        query = select(Capture.org_id).where(Capture.id.in_(capture_ids))
        return [org for org in session.scalars(query) if org is not None]


def _leaks(
    read_ids: Callable[[World, Response], list[int]], access: str = "read"
) -> Callable[[World, Caller, Response], list[int]]:
    def check(w: World, caller: Caller, response: Response) -> list[int]:
        if response.status_code != 200:
            return []
        return sorted(set(read_ids(w, response)) - _visible(w, caller, access))

    return check


def _ids(pattern: str) -> Callable[[Response], list[int]]:
    return lambda response: [int(i) for i in re.findall(pattern, response.text)]


EMPTY_CONNECTIONS = {"file": ("connections.csv", b"provider,domain\n", "text/csv")}

RECIPES: dict[str, Recipe] = {
    "GET /": Recipe(get("/")),
    "GET /lang/{code}": Recipe(get("/lang/en?next=/")),
    "GET /docs": Recipe(get("/docs")),
    "GET /healthz": Recipe(get("/healthz")),
    "GET /readyz": Recipe(get("/readyz")),
    "GET|HEAD /openapi.json": Recipe(get("/openapi.json")),
    "MOUNT /static/{version}": Recipe(
        lambda w, c, _: call(w, c, "GET", w.client.app.state.assets.url("css/site.css"))
    ),
    "GET /login": Recipe(get("/login")),
    "POST /login": Recipe(_login),
    "GET /login/totp": Recipe(get("/login/totp")),
    "POST /login/totp": Recipe(post("/login/totp", data={"code": "000000"})),
    "POST /logout": Recipe(_logout),
    "GET /account": Recipe(get("/account")),
    "POST /account/profile": Recipe(
        lambda w, c, _: call(w, c, "POST", "/account/profile", data={"display_name": c.label})
    ),
    "GET /account/password": Recipe(get("/account/password")),
    "POST /account/password": Recipe(
        post(
            "/account/password",
            data={"current_password": "wrong!", "password": "x" * 20, "password_again": "x" * 20},
        )
    ),
    "POST /account/totp/enrol": Recipe(post("/account/totp/enrol")),
    "POST /account/totp/confirm": Recipe(post("/account/totp/confirm", data={"code": "000000"})),
    "POST /account/totp/disable": Recipe(
        post("/account/totp/disable", data={"password": "wrong!"})
    ),
    "POST /account/sessions/{session_id}/revoke": Recipe(_revoke_session, "session"),
    "GET /admin/orgs": Recipe(
        get("/admin/orgs"), leaks=_leaks(lambda w, r: _ids(r'data-org-id="(\d+)"')(r))
    ),
    "GET /admin/orgs/new": Recipe(get("/admin/orgs/new")),
    "POST /admin/orgs": Recipe(
        lambda w, c, o: call(w, c, "POST", "/admin/orgs", data=_new_org(w, o)), "body_org"
    ),
    "GET /admin/orgs/{org_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/admin/orgs/{o}"), "org"
    ),
    "POST /admin/orgs/{org_id}": Recipe(
        lambda w, c, o: call(
            w, c, "POST", f"/admin/orgs/{o}", data={"name": _org_name(w, o or 0), "active": "on"}
        ),
        "org",
    ),
    "GET /admin/users": Recipe(
        get("/admin/users"),
        leaks=_leaks(lambda w, r: _user_orgs(w, _ids(r'data-user-id="(\d+)"')(r))),
    ),
    "GET /admin/users/new": Recipe(get("/admin/users/new")),
    "POST /admin/users": Recipe(
        lambda w, c, o: call(w, c, "POST", "/admin/users", data=_new_user(w, o)), "body_org"
    ),
    "GET /admin/users/{user_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/admin/users/{w.target_user[o or 0]}"), "user"
    ),
    "POST /admin/users/{user_id}": Recipe(
        lambda w, c, o: call(
            w,
            c,
            "POST",
            f"/admin/users/{w.target_user[o or 0]}",
            data={"display_name": "target", "roles": ["viewer"], "active": "on"},
        ),
        "user",
    ),
    "POST /admin/users/{user_id}/password": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/admin/users/{w.target_user[o or 0]}/password"), "user"
    ),
    "POST /admin/users/{user_id}/totp/reset": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/admin/users/{w.target_user[o or 0]}/totp/reset"),
        "user",
    ),
    "POST /admin/users/{user_id}/sessions/revoke": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/admin/users/{w.target_user[o or 0]}/sessions/revoke"),
        "user",
    ),
    "GET /admin/tokens": Recipe(
        get("/admin/tokens"),
        leaks=_leaks(lambda w, r: _token_orgs(w, _ids(r'data-token-id="(\d+)"')(r)), "write"),
    ),
    "POST /admin/tokens": Recipe(
        lambda w, c, o: call(w, c, "POST", "/admin/tokens", data=_new_token(w, o)), "body_org"
    ),
    "POST /admin/tokens/{token_id}/revoke": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/admin/tokens/{w.target_token[o or 0]}/revoke"),
        "token",
    ),
    # The audit browser (jingwang.web.routes.audit): entries are filtered by the same reach.
    "GET /audit": Recipe(get("/audit")),
    "GET /audit.csv": Recipe(get("/audit.csv")),
    "GET /api/audit": Recipe(get("/api/audit")),
    "GET /api/me": Recipe(get("/api/me")),
    # Background jobs (jingwang.web.routes.jobs, jobs_api): global reach only.
    "GET /admin/jobs": Recipe(get("/admin/jobs")),
    "GET /admin/jobs/{job_id}": Recipe(
        lambda w, c, _: call(w, c, "GET", f"/admin/jobs/{w.job_id}")
    ),
    "POST /admin/jobs/{job_id}/retry": Recipe(
        lambda w, c, _: call(w, c, "POST", f"/admin/jobs/{w.job_id}/retry")
    ),
    "POST /admin/jobs/{job_id}/cancel": Recipe(
        lambda w, c, _: call(w, c, "POST", f"/admin/jobs/{w.job_id}/cancel")
    ),
    "GET /api/jobs": Recipe(get("/api/jobs")),
    "GET /api/jobs/{job_id}": Recipe(lambda w, c, _: call(w, c, "GET", f"/api/jobs/{w.job_id}")),
    "POST /api/jobs/{job_id}/retry": Recipe(
        lambda w, c, _: call(w, c, "POST", f"/api/jobs/{w.job_id}/retry")
    ),
    "POST /api/jobs/{job_id}/cancel": Recipe(
        lambda w, c, _: call(w, c, "POST", f"/api/jobs/{w.job_id}/cancel")
    ),
    # Decisions (jingwang.web.routes.decisions, decisions_api): deciding needs global reach.
    "GET /decisions": Recipe(get("/decisions")),
    "POST /decisions": Recipe(post("/decisions", data=_DECISION)),
    "POST /decisions/{decision_id}/withdraw": Recipe(
        lambda w, c, _: call(
            w, c, "POST", f"/decisions/{_decision(w)}/withdraw", data={"reason": "matrix"}
        )
    ),
    "GET /api/decisions": Recipe(get("/api/decisions")),
    "POST /api/decisions": Recipe(post("/api/decisions", json=_DECISION)),
    "POST /api/decisions/{decision_id}/withdraw": Recipe(
        lambda w, c, _: call(
            w, c, "POST", f"/api/decisions/{_decision(w)}/withdraw", json={"reason": "matrix"}
        )
    ),
    # The gate (jingwang.web.routes.registry_gate): registry:read reaching the provider asked.
    "GET /registry/connect-check": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/registry/connect-check?domain=m.test&provider={o}"),
        "body_org",
    ),
    "POST /api/registry/connect-check": Recipe(
        lambda w, c, o: call(
            w, c, "POST", "/api/registry/connect-check", json={"domain": "m.test", "provider": o}
        ),
        "body_org",
    ),
    # The registry views (jingwang.web.routes.registry, registry_api): rows within read reach;
    # a finding by its addressee (a fresh open one each call, so acknowledging it can work).
    "GET /registry": Recipe(get("/registry"), leaks=_registry_leaks()),
    "GET /registry/connections": Recipe(get("/registry/connections"), leaks=_registry_leaks()),
    "GET /registry/filings": Recipe(get("/registry/filings")),
    "GET /registry/channels": Recipe(get("/registry/channels"), leaks=_registry_leaks()),
    "GET /registry/sp-services": Recipe(get("/registry/sp-services"), leaks=_registry_leaks()),
    "GET /registry/sublets": Recipe(get("/registry/sublets"), leaks=_registry_leaks()),
    "GET /registry/orgs/suggest": Recipe(
        get("/registry/orgs/suggest?q=GD"), leaks=_registry_leaks()
    ),
    "GET /registry/findings": Recipe(get("/registry/findings"), leaks=_registry_leaks()),
    "GET /registry/findings/{finding_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/registry/findings/{_finding(w, o)}"), "org"
    ),
    "POST /registry/findings/{finding_id}/state": Recipe(
        lambda w, c, o: call(
            w,
            c,
            "POST",
            f"/registry/findings/{_finding(w, o)}/state",
            data={"state": "acknowledged"},
        ),
        "org",
    ),
    "GET /api/registry/connections": Recipe(get("/api/registry/connections")),
    "GET /api/registry/filings": Recipe(get("/api/registry/filings")),
    "GET /api/registry/sublets/tree": Recipe(get("/api/registry/sublets/tree")),
    "GET /api/registry/findings": Recipe(
        get("/api/registry/findings"),
        leaks=_leaks(lambda w, r: [f["addressee_org_id"] for f in r.json()["items"]]),
    ),
    "GET /api/registry/findings/{finding_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/registry/findings/{_finding(w, o)}"), "org"
    ),
    "POST /api/registry/findings/{finding_id}/state": Recipe(
        lambda w, c, o: call(
            w,
            c,
            "POST",
            f"/api/registry/findings/{_finding(w, o)}/state",
            json={"state": "acknowledged"},
        ),
        "org",
    ),
    "GET /api/registry/compliance": Recipe(get("/api/registry/compliance")),
    "GET /api/registry/who-connected": Recipe(get("/api/registry/who-connected?domain=m.test")),
    "GET /api/orgs": Recipe(
        get("/api/orgs"), leaks=_leaks(lambda w, r: [o["id"] for o in r.json()])
    ),
    "POST /api/orgs": Recipe(
        lambda w, c, o: call(w, c, "POST", "/api/orgs", json=_new_org(w, o)), "body_org"
    ),
    "GET /api/orgs/{org_id}": Recipe(lambda w, c, o: call(w, c, "GET", f"/api/orgs/{o}"), "org"),
    "PATCH /api/orgs/{org_id}": Recipe(
        lambda w, c, o: call(w, c, "PATCH", f"/api/orgs/{o}", json={"name": _org_name(w, o or 0)}),
        "org",
    ),
    "GET /api/users": Recipe(
        get("/api/users"), leaks=_leaks(lambda w, r: [u["org_id"] for u in r.json()])
    ),
    "POST /api/users": Recipe(
        lambda w, c, o: call(w, c, "POST", "/api/users", json=_new_user(w, o)), "body_org"
    ),
    "GET /api/users/{user_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/users/{w.target_user[o or 0]}"), "user"
    ),
    "PATCH /api/users/{user_id}": Recipe(
        lambda w, c, o: call(
            w, c, "PATCH", f"/api/users/{w.target_user[o or 0]}", json={"display_name": "target"}
        ),
        "user",
    ),
    "GET /api/tokens": Recipe(
        get("/api/tokens"), leaks=_leaks(lambda w, r: [t["org_id"] for t in r.json()], "write")
    ),
    "POST /api/tokens": Recipe(
        lambda w, c, o: call(w, c, "POST", "/api/tokens", json=_new_token(w, o)), "body_org"
    ),
    "DELETE /api/tokens/{token_id}": Recipe(
        lambda w, c, o: call(w, c, "DELETE", f"/api/tokens/{w.target_token[o or 0]}"), "token"
    ),
    # Registry files in and out (jingwang.web.routes.registry_io, registry_io_api): a header-only
    # connection file imports nothing, for the caller's own organisation.
    "GET /registry/imports": Recipe(
        get("/registry/imports"), leaks=_leaks(lambda w, r: _ids(r'data-org-id="(\d+)"')(r))
    ),
    "POST /registry/imports": Recipe(
        post("/registry/imports", data={"kind": "connection"}, files=EMPTY_CONNECTIONS)
    ),
    "POST /api/registry/imports": Recipe(
        post("/api/registry/imports", data={"kind": "connection"}, files=EMPTY_CONNECTIONS)
    ),
    "GET /api/registry/imports": Recipe(
        get("/api/registry/imports"),
        leaks=_leaks(lambda w, r: [i["org_id"] for i in r.json() if i["org_id"] is not None]),
    ),
    "GET /api/registry/exports/{kind}": Recipe(get("/api/registry/exports/connection")),
    # The prober's API (jingwang.web.routes.probe_api): captures and campaigns by organisation.
    "POST /api/probe": Recipe(post("/api/probe", json={"url": "http://matrix.test/"})),
    "GET /api/probe/jobs/{job_id}": Recipe(_probe_job),
    "GET /api/probe/profiles": Recipe(get("/api/probe/profiles")),
    "GET /api/probe/candidates": Recipe(get("/api/probe/candidates")),
    "GET /api/captures": Recipe(
        get("/api/captures"),
        leaks=_leaks(lambda w, r: _capture_orgs(w, [c["id"] for c in r.json()])),
    ),
    "GET /api/captures/{capture_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/captures/{_capture(w, o)}"), "org"
    ),
    "GET /api/captures/{capture_id}/warc": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/captures/{_capture(w, o)}/warc"), "org"
    ),
    "GET /api/captures/{capture_id}/screenshot": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/captures/{_capture(w, o)}/screenshot"), "org"
    ),
    "GET /api/captures/{capture_id}/wml-view": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/captures/{_capture(w, o)}/wml-view"), "org"
    ),
    "POST /api/captures/export.wacz": Recipe(
        lambda w, c, o: call(
            w, c, "POST", "/api/captures/export.wacz", json={"ids": [_capture(w, o)]}
        ),
        "body_org",
    ),
    "POST /api/evidence/verify": Recipe(
        lambda w, c, o: call(
            w, c, "POST", "/api/evidence/verify", json={"capture_id": _capture(w, o)}
        ),
        "body_org",
    ),
    "POST /api/campaigns": Recipe(
        lambda w, c, o: call(
            w,
            c,
            "POST",
            "/api/campaigns",
            json={
                "name": "matrix",
                "selection": {"kind": "list"},
                "urls": [f"http://m{next(w.numbers)}.matrix.test/"],
                "org_id": o,
            },
        ),
        "body_org",
    ),
    "GET /api/campaigns": Recipe(
        get("/api/campaigns"), leaks=_leaks(lambda w, r: [c["org_id"] for c in r.json()])
    ),
    "GET /api/campaigns/{campaign_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/campaigns/{_campaign(w, o)}"), "org"
    ),
    "GET /api/campaigns/{campaign_id}/report": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/campaigns/{_campaign(w, o)}/report"), "org"
    ),
    "POST /api/campaigns/{campaign_id}/pause": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/api/campaigns/{_campaign(w, o)}/pause"), "org"
    ),
    "POST /api/campaigns/{campaign_id}/resume": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/api/campaigns/{_campaign(w, o, 'paused')}/resume"),
        "org",
    ),
    "POST /api/campaigns/{campaign_id}/cancel": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/api/campaigns/{_campaign(w, o)}/cancel"), "org"
    ),
    # The probing pages (jingwang.web.routes.probe, probe_campaigns): the same reach as the API.
    "GET /probe": Recipe(get("/probe"), leaks=_leaks(lambda w, r: _ids(r'data-org-id="(\d+)"')(r))),
    "POST /probe": Recipe(post("/probe", data={"url": "http://matrix.test/"})),
    "GET /probe/pending/{job_id}": Recipe(
        lambda w, c, _: call(w, c, "GET", f"/probe/pending/{w.job_id}")  # not a probe: 422
    ),
    "GET /probe/captures/{capture_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/probe/captures/{_capture(w, o)}"), "org"
    ),
    "POST /probe/captures/{capture_id}/verify": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/probe/captures/{_capture(w, o)}/verify"), "org"
    ),
    "GET /probe/captures/{capture_id}/wacz": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/probe/captures/{_capture(w, o)}/wacz"), "org"
    ),
    "GET /probe/campaigns": Recipe(
        get("/probe/campaigns"), leaks=_leaks(lambda w, r: _ids(r'data-org-id="(\d+)"')(r))
    ),
    "POST /probe/campaigns": Recipe(
        lambda w, c, _: call(
            w,
            c,
            "POST",
            "/probe/campaigns",
            data={"name": "matrix", "urls": f"http://p{next(w.numbers)}.matrix.test/"},
        )
    ),
    "GET /probe/campaigns/{campaign_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/probe/campaigns/{_campaign(w, o)}"), "org"
    ),
    "POST /probe/campaigns/{campaign_id}/{action}": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/probe/campaigns/{_campaign(w, o)}/pause"), "org"
    ),
    "GET /probe/candidates": Recipe(get("/probe/candidates")),
    # Detection (jingwang.web.routes.classify_api, classify, classify_capture, classify_admin).
    "POST /api/classify/text": Recipe(post("/api/classify/text", json={"text": "matrix"})),
    "GET /api/classify/info": Recipe(get("/api/classify/info")),
    "GET /api/captures/{capture_id}/verdict": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/captures/{_verdict(w, o)[1]}/verdict"), "org"
    ),
    "POST /api/captures/{capture_id}/classify": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/api/captures/{_capture(w, o)}/classify"), "org"
    ),
    "GET /api/verdicts": Recipe(
        get("/api/verdicts"),
        leaks=_leaks(lambda w, r: [i["org_id"] for i in r.json()["items"] if i["org_id"]]),
    ),
    "GET /api/verdicts/{verdict_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/api/verdicts/{_verdict(w, o)[0]}"), "org"
    ),
    "GET /api/sites/{domain}/verdict": Recipe(
        lambda w, c, o: call(
            w, c, "GET", f"/api/sites/{_verdict(w, o, subject='site')[2]}/verdict"
        ),
        "org",
    ),
    "POST /api/classify/rescore": Recipe(post("/api/classify/rescore")),
    "GET /api/classify/rescore/{run_id}": Recipe(
        lambda w, c, _: call(w, c, "GET", f"/api/classify/rescore/{_run(w)}")
    ),
    "POST /api/classify/rescore/{run_id}/cancel": Recipe(
        lambda w, c, _: call(w, c, "POST", f"/api/classify/rescore/{_run(w)}/cancel")
    ),
    "GET /api/classify/hashes": Recipe(get("/api/classify/hashes")),
    "POST /api/classify/hashes": Recipe(
        post("/api/classify/hashes", json={"source": "matrix", "hashes": [MATRIX_HASH]})
    ),
    "DELETE /api/classify/hashes/{hash_id}": Recipe(
        lambda w, c, _: call(w, c, "DELETE", f"/api/classify/hashes/{_known_hash(w)}")
    ),
    "GET /classify": Recipe(
        get("/classify"), leaks=_leaks(lambda w, r: _ids(r'data-org-id="(\d+)"')(r))
    ),
    "GET /classify/verdicts/{verdict_id}": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/classify/verdicts/{_verdict(w, o)[0]}"), "org"
    ),
    "GET /classify/check": Recipe(get("/classify/check")),
    "POST /classify/check": Recipe(post("/classify/check", data={"text": "matrix"})),
    "GET /probe/captures/{capture_id}/verdict": Recipe(
        lambda w, c, o: call(w, c, "GET", f"/probe/captures/{_capture(w, o)}/verdict"), "org"
    ),
    "POST /probe/captures/{capture_id}/classify": Recipe(
        lambda w, c, o: call(w, c, "POST", f"/probe/captures/{_capture(w, o)}/classify"), "org"
    ),
    "GET /probe/captures/{capture_id}/images/{digest}": Recipe(
        lambda w, c, o: call(
            w, c, "GET", f"/probe/captures/{_verdict(w, o)[1]}/images/{WBMP_DIGEST}"
        ),
        "org",
    ),
    "GET /classify/runs": Recipe(get("/classify/runs")),
    "POST /classify/runs": Recipe(post("/classify/runs")),
    "GET /classify/runs/{run_id}": Recipe(
        lambda w, c, _: call(w, c, "GET", f"/classify/runs/{_run(w)}")
    ),
    "POST /classify/runs/{run_id}/cancel": Recipe(
        lambda w, c, _: call(w, c, "POST", f"/classify/runs/{_run(w)}/cancel")
    ),
    "GET /classify/hashes": Recipe(get("/classify/hashes")),
    "POST /classify/hashes": Recipe(
        post("/classify/hashes", data={"source": "matrix", "hashes": MATRIX_HASH})
    ),
    "POST /classify/hashes/{hash_id}/delete": Recipe(
        lambda w, c, _: call(w, c, "POST", f"/classify/hashes/{_known_hash(w)}/delete")
    ),
}


# The route table of an app that is built but never started: default settings (not read from the
# environment at collection time) and an in-memory database it never opens.
ROUTES = route_table(
    create_app(Settings.model_construct(queue_url="memory://", database_url="sqlite://"))
)


def test_every_route_has_a_decision_and_a_recipe():
    undecided = [str(info) for info in ROUTES if info.decision is None]
    assert not undecided, f"routes without a permission decision: {undecided}"
    missing = [str(info) for info in ROUTES if str(info) not in RECIPES]
    assert not missing, f"add a recipe to RECIPES for: {missing}"
    assert set(RECIPES) == {str(info) for info in ROUTES}, "recipes for routes that are gone"
    for info in ROUTES:
        declared = info.decision.target if info.decision else None
        if declared is not None:
            assert RECIPES[str(info)].target == declared, str(info)


def test_the_app_refuses_a_route_without_a_decision(settings):
    app = create_app(settings.model_copy(update={"queue_url": "memory://"}))
    router = APIRouter()

    @router.get("/api/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    @router.get("/api/undecided", dependencies=[Depends(public), Depends(require("orgs:read"))])
    def undecided() -> dict[str, str]:
        return {}

    app.include_router(router)
    with pytest.raises(ConfigError, match=r"GET /api/forgotten; GET /api/undecided"):
        check_decisions(app)


def _policy_allows(
    w: World, info: RouteInfo, caller: Caller, target: int | None, relation: str
) -> bool:
    decision = info.decision
    assert decision is not None
    if decision.kind == "public":
        return True
    if not caller.actor.is_authenticated:
        return False
    if caller.via == "token" and not info.path.startswith("/api/"):
        return False  # tokens open the API only
    if decision.kind == "login":
        return True
    assert decision.permission is not None
    scope = None
    if RECIPES[str(info)].target not in (None, "session") and target is not None:
        scope = w.scopes[target]
    try:
        authorize(caller.actor, decision.permission, scope)
    except AccessDenied:
        return False
    if decision.global_reach and not has_global_reach(
        caller.actor, access_of(caller.actor, decision.permission)
    ):
        return False
    return RECIPES[str(info)].target != "session" or relation == "own"


def _cases(w: World, info: RouteInfo) -> Iterator[tuple[Caller, str]]:
    recipe = RECIPES[str(info)]
    decision = info.decision
    swept: set[tuple[str, str]] = set()
    for caller in w.callers:
        yield caller, "own"
        if recipe.target is None or decision is None or decision.permission is None:
            continue
        if not caller.actor.can(decision.permission) or (caller.kind, caller.via) in swept:
            continue
        swept.add((caller.kind, caller.via))
        relations = ("other",) if recipe.target == "session" else RELATIONS[1:]
        for relation in relations:
            yield caller, relation


@pytest.mark.slow  # about 5,700 requests: seconds per core
@pytest.mark.parametrize("info", ROUTES, ids=str)
def test_route_obeys_the_policy(world: World, info: RouteInfo):
    recipe = RECIPES[str(info)]
    mismatches, leaks = [], []
    for caller, relation in _cases(world, info):
        if recipe.target == "session":
            target = None if relation == "own" else world.target_org(caller, "own")
        elif recipe.target is not None:
            target = world.target_org(caller, relation)
        else:
            target = None
        response = recipe.send(world, caller, target)
        assert response.status_code < 500, (caller.label, relation, response.text[:500])
        allowed = response.status_code not in REFUSED
        if allowed != _policy_allows(world, info, caller, target, relation):
            mismatches.append((caller.label, relation, response.status_code, response.text[:160]))
        if recipe.leaks is not None:
            leaks += [(caller.label, org) for org in recipe.leaks(world, caller, response)]
    assert not mismatches, f"{info}: outcome differs from the policy: {mismatches[:10]}"
    assert not leaks, f"{info}: lists organisations out of reach: {leaks[:10]}"

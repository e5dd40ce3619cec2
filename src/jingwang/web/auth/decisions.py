"""Every route's permission decision, declared with one dependency, and checked at start-up.

A route says who may call it with exactly one of:

* ``actor: Annotated[Actor, Depends(require("users:manage", target="user"))]``: a logged-in
  user or an API token holding the permission (``target`` names what the path's id points at,
  whose organisation the service then checks against the actor's reach; ``global_reach=True``
  also asks for global reach, for things of the whole installation such as background jobs);
* ``Depends(login_required())``: anyone logged in (log out, ``/api/me``);
* ``dependencies=[Depends(public)]``: anyone (the login form).

The guard answers 401 (API) or a redirect to ``/login?next=…`` (pages) without a login, sends a
session that still owes a login step to that step, checks the CSRF token of every
state-changing request made with the session cookie, and asks the policy.

Routes of other packages that are public by nature and declare nothing (the home page, health,
the API docs, static files) are listed in :data:`UNDECLARED_PUBLIC`. :func:`check_decisions`
refuses to build an app with a route that has no decision, and the authorisation matrix test
walks :func:`decision_of` over the route table.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Final, Literal

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.requests import Request
from starlette.routing import BaseRoute, Mount

from jingwang.accounts import events
from jingwang.accounts.errors import AuthenticationError, CsrfFailed, StepRequired
from jingwang.accounts.policy import Actor, access_of, authorize, deny, has_global_reach
from jingwang.errors import ConfigError
from jingwang.web.auth.identity import Identity, identify, request_id

CSRF_HEADER: Final = "X-CSRF-Token"
CSRF_FIELD: Final = "csrf_token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
Target = Literal["org", "user", "token", "session"]

# Public routes declared by other packages, as (method, path); static files by mount path.
UNDECLARED_PUBLIC: Final = frozenset(
    {
        ("GET", "/"),
        ("GET", "/lang/{code}"),
        ("GET", "/docs"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/openapi.json"),
        ("HEAD", "/openapi.json"),
        ("MOUNT", "/static/{version}"),
    }
)


@dataclass(frozen=True)
class Decision:
    kind: Literal["public", "login", "permission"]
    permission: str | None = None
    target: Target | None = None
    steps: frozenset[str] = frozenset()  # unfinished login steps the route still serves
    global_reach: bool = False  # the permission must reach every organisation


async def submitted_csrf_token(request: Request) -> str | None:
    """The CSRF token sent with a state-changing request: header first, then form field."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


CsrfDep = Annotated[str | None, Depends(submitted_csrf_token)]


class Guard:
    """The dependency that carries and enforces one route's :class:`Decision`."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision

    def __repr__(self) -> str:
        return f"Guard({self.decision})"

    def __call__(self, request: Request, csrf: CsrfDep) -> Actor:
        identity = identify(request)
        actor = identity.actor
        if not actor.is_authenticated:
            raise AuthenticationError("log in first", path=request.url.path)
        if identity.via == "cookie":
            if identity.stage != "full" and identity.stage not in self.decision.steps:
                raise StepRequired(_STEP_MESSAGES[identity.stage], step=identity.stage)
            if request.method not in SAFE_METHODS:
                check_csrf(request, identity, csrf)
        permission = self.decision.permission
        if permission is not None:
            authorize(actor, permission)
            if self.decision.global_reach and not has_global_reach(
                actor, access_of(actor, permission)
            ):
                raise deny(actor, permission, "out_of_scope")
        request.state.actor = actor
        return actor


_STEP_MESSAGES: Final = {
    "totp": "enter the code from your authenticator app to finish logging in",
    "password": "choose a new password before going on",
}


def check_csrf(request: Request, identity: Identity, submitted: str | None) -> None:
    expected = identity.csrf_token or ""
    if submitted and expected and hmac.compare_digest(submitted, expected):
        return
    event = events.CsrfRejected(
        object_id=request.url.path,
        actor=identity.actor.event_actor(),
        request_id=request_id(request),
        method=request.method,
        path=request.url.path,
    )
    raise CsrfFailed(
        "the form has expired or did not come from this site: reload the page and try again",
        event=event,
    )


def require(
    permission: str,
    *,
    target: Target | None = None,
    steps: frozenset[str] = frozenset(),
    global_reach: bool = False,
) -> Guard:
    """The guard of a route that needs ``permission`` (``steps``: also mid-login;
    ``global_reach``: only for actors whose reach for it is the whole installation)."""
    return Guard(Decision("permission", permission, target, steps, global_reach))


def login_required(*, steps: frozenset[str] = frozenset()) -> Guard:
    """The guard of a route any logged-in caller may use (``steps``: also mid-login)."""
    return Guard(Decision("login", steps=steps))


class PublicRoute:
    """The marker of a route anyone may use; it checks nothing."""

    decision: Final = Decision("public")

    def __call__(self) -> None:
        return None


public = PublicRoute()


@dataclass(frozen=True)
class RouteInfo:
    """One route of an app as served: its path (prefixes applied), methods and decision."""

    route: BaseRoute
    path: str
    methods: tuple[str, ...]  # ("MOUNT",) for a mounted app such as the static files
    decision: Decision | None

    def __str__(self) -> str:
        return f"{'|'.join(self.methods)} {self.path}"


def route_table(app: FastAPI) -> list[RouteInfo]:
    """Every route ``app`` serves, included routers flattened, with its decision."""
    table = []
    for context in iter_route_contexts(app.router.routes):
        route = context.original_route
        path = str(context.path or getattr(route, "path", ""))
        if isinstance(route, Mount):
            methods: tuple[str, ...] = ("MOUNT",)
        else:
            methods = tuple(sorted(context.methods or ()))
        table.append(RouteInfo(route, path, methods, decision_of(route, path, methods)))
    return table


def decision_of(route: BaseRoute, path: str, methods: tuple[str, ...]) -> Decision | None:
    """The decision a route declares, or the public one listed for it; None: undecided."""
    if isinstance(route, APIRoute):
        found = [
            dep.call.decision
            for dep in route.dependant.dependencies
            if isinstance(dep.call, Guard | PublicRoute)
        ]
        if len(found) == 1:
            return found[0]
        if found:
            return None  # two decisions are no decision
    if methods and all((method, path) in UNDECLARED_PUBLIC for method in methods):
        return PublicRoute.decision
    return None


def check_decisions(app: FastAPI) -> None:
    """Refuse an app with a route that declares no permission decision."""
    missing = [str(info) for info in route_table(app) if info.decision is None]
    if missing:
        raise ConfigError(
            "these routes declare no permission decision: "
            + "; ".join(missing)
            + ". Add Depends(require(…)), Depends(login_required()) or Depends(public)."
        )


__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "UNDECLARED_PUBLIC",
    "Decision",
    "Guard",
    "PublicRoute",
    "RouteInfo",
    "Target",
    "check_csrf",
    "check_decisions",
    "decision_of",
    "login_required",
    "public",
    "require",
    "route_table",
    "submitted_csrf_token",
]

"""``/admin/users``: users within reach; create, change roles, deactivate, reset password or
TOTP, end sessions. A generated password is shown once, on the page that answers the change.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts import orgs, users
from jingwang.accounts.models import Organisation, Role, User
from jingwang.accounts.policy import Actor, visible_org_ids
from jingwang.accounts.schemas import UserCreate, UserUpdate
from jingwang.accounts.sessions import live_sessions
from jingwang.errors import JingwangError
from jingwang.store.base import utcnow
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import (
    FORM_ERRORS,
    Text,
    blank_to_none,
    done_message,
    parse,
    render_form,
    see_other,
)
from jingwang.web.deps import AccountsDep, LocaleDep, PagesDep, SessionDep
from jingwang.web.i18n import Locale
from jingwang.web.pages import Pages

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("users:read"))]
Manager = Annotated[Actor, Depends(require("users:manage"))]
UserReader = Annotated[Actor, Depends(require("users:read", target="user"))]
UserManager = Annotated[Actor, Depends(require("users:manage", target="user"))]
Field = Annotated[str, Form()]
Roles = Annotated[list[str], Form()]


def _roles(session: Session) -> list[Role]:
    return list(session.scalars(select(Role).order_by(Role.position)))


def _org_names(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(sorted(ids)))
    )
    return {row.id: row.name for row in rows}


@router.get("/admin/users", response_class=HTMLResponse)
def user_list(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    org_id: Annotated[int | None, Query()] = None,
) -> HTMLResponse:
    found = users.list_users(session, actor, org_id)
    context = {
        "users": found,
        "org_names": _org_names(session, {u.org_id for u in found}),
        "org_id": org_id,
        "can_manage": actor.can("users:manage"),
    }
    return pages.render(request, locale, "admin/users.html", context)


def _new_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    values: dict[str, Any],
    error: JingwangError | None = None,
) -> HTMLResponse:
    manageable = visible_org_ids(session, actor, "write")
    context: dict[str, Any] = {
        "orgs": [o for o in orgs.list_orgs(session, actor) if o.id in manageable]
        if actor.can("orgs:read")
        else [session.get(Organisation, actor.org_id)],
        "roles": _roles(session),
        "values": values,
        "error": None,
    }
    return render_form(request, pages, locale, "admin/user_new.html", context, error)


@router.get("/admin/users/new", response_class=HTMLResponse)
def user_new(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    org_id: Annotated[int | None, Query()] = None,
) -> HTMLResponse:
    values = {"org_id": org_id or actor.org_id, "roles": ["viewer"]}
    return _new_page(request, pages, locale, session, actor, values)


@router.post("/admin/users", response_class=HTMLResponse)
def user_create(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    config: AccountsDep,
    org_id: Annotated[int, Form()],
    username: Text,
    display_name: Field = "",
    email: Field = "",
    roles: Roles = [],  # noqa: B006 - FastAPI copies form defaults
    password: Field = "",
) -> Response:
    values: dict[str, Any] = {
        "org_id": org_id,
        "username": username,
        "display_name": display_name,
        "email": blank_to_none(email),
        "roles": roles,
        "password": password or None,
        "must_change_password": True,
    }
    try:
        with session.begin_nested():
            user, generated = users.create_user(session, actor, parse(UserCreate, values), config)
    except FORM_ERRORS as exc:
        values.pop("password")
        return _new_page(request, pages, locale, session, actor, values, error=exc)
    context = {"user": user, "secret": generated, "kind": "password"}
    return pages.render(request, locale, "admin/shown_once.html", context)


def _user_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    user: User,
    *,
    done: str | None = None,
    error: JingwangError | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "user": user,
        "org": session.get(Organisation, user.org_id),
        "roles": _roles(session),
        "sessions": live_sessions(session, user.id, utcnow()),
        "can_manage": actor.can("users:manage")
        and user.org_id in visible_org_ids(session, actor, "write"),
        "is_self": actor.id == user.id and actor.type == "user",
        "done": done_message(locale, done),
        "error": None,
    }
    return render_form(request, pages, locale, "admin/user.html", context, error)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_show(
    request: Request,
    actor: UserReader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    user_id: int,
    done: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    user = users.get_user(session, actor, user_id)
    return _user_page(request, pages, locale, session, actor, user, done=done)


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def user_update(
    request: Request,
    actor: UserManager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    user_id: int,
    display_name: Text,
    email: Field = "",
    roles: Roles = [],  # noqa: B006 - FastAPI copies form defaults
    active: Field = "",
) -> Response:
    values = {
        "display_name": display_name,
        "email": blank_to_none(email),
        "roles": roles,
        "active": active == "on",
    }
    try:
        with session.begin_nested():
            users.update_user(session, actor, user_id, parse(UserUpdate, values))
    except FORM_ERRORS as exc:
        user = users.get_user(session, actor, user_id)
        return _user_page(request, pages, locale, session, actor, user, error=exc)
    return see_other(f"/admin/users/{user_id}?done=saved")


@router.post("/admin/users/{user_id}/password", response_class=HTMLResponse)
def user_reset_password(
    request: Request,
    actor: UserManager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    config: AccountsDep,
    user_id: int,
) -> HTMLResponse:
    password = users.reset_password(session, actor, user_id, config)
    user = users.get_user(session, actor, user_id)
    context = {"user": user, "secret": password, "kind": "password"}
    return pages.render(request, locale, "admin/shown_once.html", context)


@router.post("/admin/users/{user_id}/totp/reset")
def user_reset_totp(actor: UserManager, session: SessionDep, user_id: int) -> Response:
    users.reset_totp(session, actor, user_id)
    return see_other(f"/admin/users/{user_id}?done=totp-reset")


@router.post("/admin/users/{user_id}/sessions/revoke")
def user_revoke_sessions(actor: UserManager, session: SessionDep, user_id: int) -> Response:
    users.revoke_user_sessions(session, actor, user_id)
    return see_other(f"/admin/users/{user_id}?done=sessions")


__all__ = ["router"]

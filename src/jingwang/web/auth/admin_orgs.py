"""``/admin/orgs``: the organisations within reach, as a tree; create and edit them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts import orgs, users
from jingwang.accounts.catalog import PROVINCES
from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor, visible_org_ids
from jingwang.accounts.schemas import OrgCreate, OrgUpdate
from jingwang.errors import JingwangError
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

Reader = Annotated[Actor, Depends(require("orgs:read"))]
Manager = Annotated[Actor, Depends(require("orgs:manage"))]
OrgReader = Annotated[Actor, Depends(require("orgs:read", target="org"))]
OrgManager = Annotated[Actor, Depends(require("orgs:manage", target="org"))]
OptionalField = Annotated[str, Form()]


def _choices(session: Session, actor: Actor) -> dict[str, Any]:
    manageable = visible_org_ids(session, actor, "write")
    parents = [org for org in orgs.list_orgs(session, actor) if org.id in manageable]
    return {"kinds": orgs.org_kinds(session), "provinces": PROVINCES, "parents": parents}


@router.get("/admin/orgs", response_class=HTMLResponse)
def org_list(
    request: Request, actor: Reader, session: SessionDep, pages: PagesDep, locale: LocaleDep
) -> HTMLResponse:
    tree = orgs.org_tree(orgs.list_orgs(session, actor))
    kinds = {kind.name: kind for kind in orgs.org_kinds(session)}
    context = {
        "tree": tree,
        "kinds": kinds,
        "provinces": PROVINCES,
        "can_manage": actor.can("orgs:manage"),
    }
    return pages.render(request, locale, "admin/orgs.html", context)


def _form_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    values: dict[str, Any],
    *,
    error: JingwangError | None = None,
) -> HTMLResponse:
    context = {**_choices(session, actor), "values": values, "error": None}
    return render_form(request, pages, locale, "admin/org_new.html", context, error)


@router.get("/admin/orgs/new", response_class=HTMLResponse)
def org_new(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    parent_id: Annotated[int | None, Query()] = None,
) -> HTMLResponse:
    values = {"province": "CN", "parent_id": parent_id}
    return _form_page(request, pages, locale, session, actor, values)


@router.post("/admin/orgs", response_class=HTMLResponse)
def org_create(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    config: AccountsDep,
    name: Text,
    kind: Text,
    province: Text,
    contact_email: OptionalField = "",
    webhook_url: OptionalField = "",
    parent_id: OptionalField = "",
) -> Response:
    values = {
        "name": name,
        "kind": kind,
        "province": province,
        "contact_email": blank_to_none(contact_email),
        "webhook_url": blank_to_none(webhook_url),
        "parent_id": int(parent_id) if parent_id.strip().isdigit() else None,
    }
    try:
        with session.begin_nested():
            org = orgs.create_org(session, actor, parse(OrgCreate, values), config)
    except FORM_ERRORS as exc:
        return _form_page(request, pages, locale, session, actor, values, error=exc)
    return see_other(f"/admin/orgs/{org.id}?done=created")


def _org_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    org: Organisation,
    *,
    done: str | None = None,
    error: JingwangError | None = None,
) -> HTMLResponse:
    manageable = visible_org_ids(session, actor, "write")
    context: dict[str, Any] = {
        **_choices(session, actor),
        "org": org,
        "parent": session.get(Organisation, org.parent_id) if org.parent_id else None,
        "can_manage": actor.can("orgs:manage") and org.id in manageable,
        "members": users.list_users(session, actor, org.id) if actor.can("users:read") else [],
        "viewer_org_id": actor.org_id,
        "done": done_message(locale, done),
        "error": None,
    }
    return render_form(request, pages, locale, "admin/org.html", context, error)


@router.get("/admin/orgs/{org_id}", response_class=HTMLResponse)
def org_show(
    request: Request,
    actor: OrgReader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    org_id: int,
    done: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    org = orgs.get_org(session, actor, org_id)
    return _org_page(request, pages, locale, session, actor, org, done=done)


@router.post("/admin/orgs/{org_id}", response_class=HTMLResponse)
def org_update(
    request: Request,
    actor: OrgManager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    config: AccountsDep,
    org_id: int,
    name: Text,
    contact_email: OptionalField = "",
    webhook_url: OptionalField = "",
    active: OptionalField = "",
) -> Response:
    values = {
        "name": name,
        "contact_email": blank_to_none(contact_email),
        "webhook_url": blank_to_none(webhook_url),
        "active": active == "on",
    }
    try:
        with session.begin_nested():
            orgs.update_org(session, actor, org_id, parse(OrgUpdate, values), config)
    except FORM_ERRORS as exc:
        org = orgs.get_org(session, actor, org_id)
        return _org_page(request, pages, locale, session, actor, org, error=exc)
    return see_other(f"/admin/orgs/{org_id}?done=saved")


__all__ = ["router"]

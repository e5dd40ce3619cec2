"""``/admin/tokens``: API tokens of the organisations one manages; create (shown once), revoke."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts import orgs, tokens
from jingwang.accounts.models import Organisation, Permission
from jingwang.accounts.policy import Actor, visible_org_ids
from jingwang.accounts.schemas import TokenCreate
from jingwang.errors import JingwangError
from jingwang.store.base import utcnow
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import (
    FORM_ERRORS,
    Text,
    done_message,
    parse,
    render_form,
    see_other,
)
from jingwang.web.deps import AccountsDep, LocaleDep, PagesDep, SessionDep
from jingwang.web.i18n import Locale
from jingwang.web.pages import Pages

router = APIRouter(include_in_schema=False)

Manager = Annotated[Actor, Depends(require("tokens:manage"))]
TokenManager = Annotated[Actor, Depends(require("tokens:manage", target="token"))]


def _tokens_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    *,
    values: dict[str, Any] | None = None,
    done: str | None = None,
    error: JingwangError | None = None,
) -> HTMLResponse:
    found = tokens.list_tokens(session, actor)
    manageable = visible_org_ids(session, actor, "write")
    own = session.get(Organisation, actor.org_id) if actor.org_id else None
    choices = (
        [o for o in orgs.list_orgs(session, actor) if o.id in manageable]
        if actor.can("orgs:read")
        else [own]
    )
    names = {o.id: o.name for o in session.scalars(select(Organisation).where(Organisation.id.in_(
        sorted({t.org_id for t in found})
    )))}  # fmt: skip
    context: dict[str, Any] = {
        "tokens": found,
        "org_names": names,
        "orgs": [o for o in choices if o is not None],
        "scopes": list(session.scalars(select(Permission).order_by(Permission.name))),
        "values": values or {"org_id": actor.org_id, "scopes": [], "days": ""},
        "now": utcnow(),
        "done": done_message(locale, done),
        "error": None,
    }  # fmt: skip
    return render_form(request, pages, locale, "admin/tokens.html", context, error)


@router.get("/admin/tokens", response_class=HTMLResponse)
def token_list(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    done: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    return _tokens_page(request, pages, locale, session, actor, done=done)


@router.post("/admin/tokens", response_class=HTMLResponse)
def token_create(
    request: Request,
    actor: Manager,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    config: AccountsDep,
    org_id: Annotated[int, Form()],
    name: Text,
    scopes: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    days: Annotated[str, Form()] = "",
) -> HTMLResponse:
    values: dict[str, Any] = {
        "org_id": org_id,
        "name": name,
        "scopes": scopes,
        "expires_in_days": int(days) if days.strip().isdigit() else None,
    }
    try:
        with session.begin_nested():
            issued = tokens.create_token(
                session, actor, parse(TokenCreate, values), config, utcnow()
            )
    except FORM_ERRORS as exc:
        values["days"] = days
        return _tokens_page(request, pages, locale, session, actor, values=values, error=exc)
    context = {"token": issued.token, "secret": issued.secret, "kind": "token"}
    return pages.render(request, locale, "admin/shown_once.html", context)


@router.post("/admin/tokens/{token_id}/revoke")
def token_revoke(actor: TokenManager, session: SessionDep, token_id: int) -> Response:
    tokens.revoke_token(session, actor, token_id, utcnow())
    return see_other("/admin/tokens?done=revoked")


__all__ = ["router"]

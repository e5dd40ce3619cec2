"""``/decisions``: the decisions on domains, a form to record one, and withdrawal.

Reading needs ``cases:read``. Recording and withdrawing need ``cases:review`` with global reach
(the routes declare it, so the authorisation matrix checks it): the service also lets a
regulator decide, but the default catalog gives no regulator ``cases:review``, and a route can
declare one reach only. The forms post with the CSRF token and follow post/redirect/get; a
verdict that contradicts a standing one, or a bad target, is shown on the page.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts.policy import Actor, access_of, has_global_reach
from jingwang.decisions.models import VERDICTS
from jingwang.decisions.service import (
    REVIEW,
    STATES,
    can_decide,
    list_decisions,
    record_decision,
    verdict_label,
    withdraw_decision,
)
from jingwang.errors import JingwangError
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import FORM_ERRORS, see_other
from jingwang.web.auth.forms import render_form as render_page
from jingwang.web.deps import LocaleDep, PagesDep, SessionDep
from jingwang.web.i18n import N_, Locale
from jingwang.web.pages import Pages

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("cases:read"))]
Reviewer = Annotated[Actor, Depends(require("cases:review", global_reach=True))]
DONE: Final[dict[str, str]] = {
    "recorded": N_("The decision was recorded."),
    "withdrawn": N_("The decision was withdrawn."),
}


def _page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    *,
    filters: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str | None = None,
    error: JingwangError | None = None,
) -> HTMLResponse:
    filters = filters or {}
    found = list_decisions(session, actor, filters.get("domain"), filters.get("state"))
    message = DONE.get(done or "")
    context: dict[str, Any] = {
        "decisions": found,
        "filters": filters,
        "states": STATES,
        "verdicts": VERDICTS,
        "verdict_label": lambda verdict: verdict_label(verdict, locale.language),
        "can_decide": can_decide(actor) and has_global_reach(actor, access_of(actor, REVIEW)),
        "values": values or {},
        "done": locale.gettext(message) if message else None,
        "error": None,
    }
    return render_page(request, pages, locale, "decisions/list.html", context, error)


@router.get("/decisions", response_class=HTMLResponse)
def decision_list(
    request: Request,
    actor: Reader,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    domain: Annotated[str | None, Query(max_length=2000)] = None,
    state: Annotated[str | None, Query(max_length=20)] = None,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    filters = {k: v.strip() for k, v in (("domain", domain), ("state", state)) if v and v.strip()}
    try:
        return _page(request, pages, locale, session, actor, filters=filters, done=done)
    except FORM_ERRORS as exc:
        return _page(request, pages, locale, session, actor, error=exc)


@router.post("/decisions", response_class=HTMLResponse)
def decision_record(
    request: Request,
    actor: Reviewer,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    target: Annotated[str, Form(max_length=2000)] = "",
    verdict: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    try:
        with session.begin_nested():
            record_decision(session, actor, target, verdict, reason)
    except FORM_ERRORS as exc:
        values = {"target": target, "verdict": verdict, "reason": reason}
        return _page(request, pages, locale, session, actor, values=values, error=exc)
    return see_other("/decisions?done=recorded")


@router.post("/decisions/{decision_id}/withdraw", response_class=HTMLResponse)
def decision_withdraw(
    request: Request,
    actor: Reviewer,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    decision_id: int,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    try:
        with session.begin_nested():
            withdraw_decision(session, actor, decision_id, reason)
    except FORM_ERRORS as exc:
        return _page(request, pages, locale, session, actor, error=exc)
    return see_other("/decisions?done=withdrawn")


__all__ = ["router"]

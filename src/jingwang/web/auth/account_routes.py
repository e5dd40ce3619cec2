"""``/account``: one's own profile, password, two-step login (TOTP) and sessions."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from jingwang.accounts import profile
from jingwang.accounts.errors import InvalidTotpCode, WrongPassword
from jingwang.accounts.policy import Actor
from jingwang.accounts.schemas import ProfileUpdate
from jingwang.accounts.sessions import live_sessions
from jingwang.errors import JingwangError
from jingwang.store.base import utcnow
from jingwang.web.auth.decisions import require
from jingwang.web.auth.forms import (
    FORM_ERRORS,
    Text,
    blank_to_none,
    done_message,
    error_context,
    error_status,
    see_other,
)
from jingwang.web.deps import AccountsDep, LocaleDep, PagesDep, SessionDep
from jingwang.web.i18n import LANG_COOKIE, LANGUAGES, Locale
from jingwang.web.pages import Pages
from jingwang.web.routes.home import LANG_COOKIE_MAX_AGE

router = APIRouter(include_in_schema=False)

PROFILE: Final = "profile:manage"
Me = Annotated[Actor, Depends(require(PROFILE))]
MeMidLogin = Annotated[Actor, Depends(require(PROFILE, steps=frozenset({"password"})))]
Done = Annotated[str | None, Query()]


def _account_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    session: Session,
    actor: Actor,
    *,
    done: str | None = None,
    error: JingwangError | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    user = profile.own_user(session, actor)
    context: dict[str, Any] = {
        "user": user,
        "sessions": live_sessions(session, user.id, utcnow()),
        "current_session": actor.session_id,
        "done": done_message(locale, done),
        "language_choices": LANGUAGES,
        **(error_context(locale, error) if error else {"error": None}),
    }
    return pages.render(request, locale, "account/profile.html", context, status_code=status_code)


@router.get("/account", response_class=HTMLResponse)
def account(
    request: Request,
    actor: Me,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    done: Done = None,
) -> HTMLResponse:
    return _account_page(request, pages, locale, session, actor, done=done)


@router.post("/account/profile", response_class=HTMLResponse)
def save_profile(
    request: Request,
    actor: Me,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    display_name: Text,
    email: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
) -> Response:
    data = ProfileUpdate.model_validate(
        {
            "display_name": display_name,
            "email": blank_to_none(email),
            "language": language if language in LANGUAGES else None,
        }
    )
    user = profile.update_profile(session, actor, data)
    response = see_other("/account?done=profile")
    if user.language:
        response.set_cookie(
            LANG_COOKIE, user.language, max_age=LANG_COOKIE_MAX_AGE, httponly=True, samesite="lax"
        )
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_form(
    request: Request, actor: MeMidLogin, pages: PagesDep, locale: LocaleDep
) -> Response:
    return pages.render(request, locale, "account/password.html", {"error": None})


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    actor: MeMidLogin,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    config: AccountsDep,
    current_password: Text,
    password: Text,
    password_again: Text,
) -> Response:
    try:
        if password != password_again:
            raise WrongPassword("the two new passwords differ", field="password_again")
        with session.begin_nested():
            profile.change_password(session, actor, current_password, password, config)
    except FORM_ERRORS as exc:
        context = error_context(locale, exc)
        return pages.render(
            request, locale, "account/password.html", context, status_code=error_status(exc)
        )
    return see_other("/account?done=password")


def _enrol_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    enrolment: profile.TotpEnrolment,
    *,
    error: JingwangError | None = None,
) -> HTMLResponse:
    context = {
        "enrolment": enrolment,
        **(error_context(locale, error) if error else {"error": None}),
    }
    status = error_status(error) if error else 200
    if isinstance(error, InvalidTotpCode):
        status = 422
    return pages.render(request, locale, "account/totp_enrol.html", context, status_code=status)


@router.post("/account/totp/enrol", response_class=HTMLResponse)
def totp_enrol(
    request: Request,
    actor: Me,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    config: AccountsDep,
) -> Response:
    try:
        with session.begin_nested():
            enrolment = profile.begin_totp(session, actor, config)
    except FORM_ERRORS as exc:
        return _account_page(
            request, pages, locale, session, actor, error=exc, status_code=error_status(exc)
        )
    return _enrol_page(request, pages, locale, enrolment)


@router.post("/account/totp/confirm", response_class=HTMLResponse)
def totp_confirm(
    request: Request,
    actor: Me,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    config: AccountsDep,
    code: Text,
) -> Response:
    try:
        with session.begin_nested():
            profile.confirm_totp(session, actor, code, config, utcnow())
    except InvalidTotpCode as exc:
        enrolment = profile.pending_totp(session, actor, config)
        if enrolment is None:
            return see_other("/account")
        return _enrol_page(request, pages, locale, enrolment, error=exc)
    except FORM_ERRORS as exc:
        return _account_page(
            request, pages, locale, session, actor, error=exc, status_code=error_status(exc)
        )
    return see_other("/account?done=totp-on")


@router.post("/account/totp/disable", response_class=HTMLResponse)
def totp_disable(
    request: Request,
    actor: Me,
    session: SessionDep,
    pages: PagesDep,
    locale: LocaleDep,
    config: AccountsDep,
    password: Text,
) -> Response:
    try:
        profile.disable_totp(session, actor, password, config)
    except FORM_ERRORS as exc:
        return _account_page(
            request, pages, locale, session, actor, error=exc, status_code=error_status(exc)
        )
    return see_other("/account?done=totp-off")


@router.post("/account/sessions/{session_id}/revoke")
def revoke_session(
    actor: Annotated[Actor, Depends(require(PROFILE, target="session"))],
    session: SessionDep,
    session_id: int,
) -> Response:
    profile.revoke_own_session(session, actor, session_id)
    return see_other("/account?done=session")


__all__ = ["router"]

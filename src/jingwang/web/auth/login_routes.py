"""``/login``, ``/login/totp`` and ``/logout``.

The login form has no session yet, so its CSRF token is a double-submit one: a random value
in a ``jw_login`` cookie and the same value in the form. A failed login re-shows the form with
one message for every cause (the user name is never confirmed or denied), 401, or 429 while
locked out. A successful login sets the session cookie and goes on to ``next`` (a path on this
site only) or to the step that is due: the TOTP code, then a new password.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from jingwang.accounts import events
from jingwang.accounts.errors import CsrfFailed, InvalidTotpCode, LoginLocked, Refusal
from jingwang.accounts.login import LoginAttempt, LoginResult, complete_totp, log_in
from jingwang.accounts.policy import Actor
from jingwang.accounts.sessions import end_session
from jingwang.store.base import utcnow
from jingwang.web.auth.decisions import CSRF_FIELD, login_required, public
from jingwang.web.auth.handlers import STEP_PAGES
from jingwang.web.auth.identity import (
    SESSION_COOKIE,
    clear_cookie,
    client_ip,
    identify,
    read_cookie,
    request_id,
    set_cookie,
)
from jingwang.web.auth.messages import error_text
from jingwang.web.deps import AccountsDep, DatabaseDep, LocaleDep, PagesDep, SessionDep
from jingwang.web.i18n import LANG_COOKIE, Locale
from jingwang.web.pages import Pages
from jingwang.web.routes.home import LANG_COOKIE_MAX_AGE, safe_next

router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE: Final = "jw_login"
MID_LOGIN: Final = frozenset({"totp", "password"})
Text = Annotated[str, Form()]
NextQuery = Annotated[str, Query(alias="next")]
NextField = Annotated[str, Form(alias="next")]


def _attempt(request: Request, username: str = "", password: str = "") -> LoginAttempt:
    return LoginAttempt(
        username=username,
        password=password,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
        request_id=request_id(request),
    )


def _login_page(
    request: Request,
    pages: Pages,
    locale: Locale,
    target: str,
    *,
    username: str = "",
    error: Refusal | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    token = read_cookie(request, LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    context = {
        "next": safe_next(target),
        "username": username,
        "login_csrf": token,
        "error": error_text(locale, error) if error else None,
        "error_code": error.code if error else None,
    }
    page = pages.render(request, locale, "auth/login.html", context, status_code=status_code)
    set_cookie(request, page, LOGIN_CSRF_COOKIE, token)
    return page


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(public)])
def login_form(
    request: Request, pages: PagesDep, locale: LocaleDep, target: NextQuery = "/"
) -> Response:
    if _is_logged_in(request):
        return RedirectResponse(safe_next(target), status_code=303)
    return _login_page(request, pages, locale, target)


def _is_logged_in(request: Request) -> bool:
    try:
        return identify(request).stage == "full"
    except Refusal:
        return False


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(public)])
def login(
    request: Request,
    pages: PagesDep,
    locale: LocaleDep,
    db: DatabaseDep,
    config: AccountsDep,
    username: Text,
    password: Text,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    target: NextField = "/",
) -> Response:
    expected = read_cookie(request, LOGIN_CSRF_COOKIE) or ""
    if not (expected and csrf_token and hmac.compare_digest(expected, csrf_token)):
        event = events.CsrfRejected(
            object_id="/login",
            actor=Actor.public().event_actor(),
            request_id=request_id(request),
            method="POST",
            path="/login",
        )
        raise CsrfFailed("the login form has expired: reload it and try again", event=event)
    try:
        result = log_in(db, _attempt(request, username, password), config, utcnow())
    except Refusal as exc:
        status = 429 if isinstance(exc, LoginLocked) else 401
        return _login_page(
            request, pages, locale, target, username=username, error=exc, status_code=status
        )
    return _logged_in(request, result, target)


def _logged_in(request: Request, result: LoginResult, target: str) -> Response:
    location = STEP_PAGES.get(result.session.stage, safe_next(target))
    if result.session.stage == "totp":
        location += "?next=" + quote(safe_next(target), safe="/")
    response = RedirectResponse(location, status_code=303)
    if result.session.token:
        set_cookie(request, response, SESSION_COOKIE, result.session.token)
    clear_cookie(request, response, LOGIN_CSRF_COOKIE)
    if result.language:
        response.set_cookie(
            LANG_COOKIE,
            result.language,
            max_age=LANG_COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
        )
    return response


MidLoginActor = Annotated[Actor, Depends(login_required(steps=frozenset({"totp"})))]


@router.get("/login/totp", response_class=HTMLResponse)
def totp_form(
    request: Request,
    actor: MidLoginActor,
    pages: PagesDep,
    locale: LocaleDep,
    target: NextQuery = "/",
) -> Response:
    if identify(request).stage != "totp":
        return RedirectResponse(safe_next(target), status_code=303)
    return pages.render(request, locale, "auth/totp.html", {"next": safe_next(target)})


@router.post("/login/totp", response_class=HTMLResponse)
def totp_submit(
    request: Request,
    actor: MidLoginActor,
    pages: PagesDep,
    locale: LocaleDep,
    db: DatabaseDep,
    config: AccountsDep,
    code: Text,
    target: NextField = "/",
) -> Response:
    token = read_cookie(request, SESSION_COOKIE) or ""
    if identify(request).stage != "totp":
        return RedirectResponse(safe_next(target), status_code=303)
    try:
        result = complete_totp(db, token, code, _attempt(request, actor.name), config, utcnow())
    except (InvalidTotpCode, LoginLocked) as exc:
        status = 429 if isinstance(exc, LoginLocked) else 401
        context = {
            "next": safe_next(target),
            "error": error_text(locale, exc),
            "error_code": exc.code,
        }
        return pages.render(request, locale, "auth/totp.html", context, status_code=status)
    return _logged_in(request, result, target)


@router.post("/logout")
def logout(
    request: Request,
    actor: Annotated[Actor, Depends(login_required(steps=MID_LOGIN))],
    session: SessionDep,
) -> Response:
    end_session(session, actor, utcnow())
    response = RedirectResponse("/", status_code=303)
    clear_cookie(request, response, SESSION_COOKIE)
    return response


__all__ = ["LOGIN_CSRF_COOKIE", "router"]

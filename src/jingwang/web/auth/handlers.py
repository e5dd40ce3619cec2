"""How refusals are answered, and recorded.

* :class:`AuthenticationError` (no login, a dead session or token, a login step due): 401 with
  ``WWW-Authenticate: Bearer`` in the JSON error shape for the API and clients that do not ask
  for HTML; a redirect for pages: to ``/login?next=…`` or to the step that is due.
* :class:`LoginLocked`: 429 with ``Retry-After``.
* Other refusals (``AccessDenied``, ``ScopeExceeded``, ``CsrfFailed``): 403.

A refusal that carries an event has it written here, in a transaction of its own, after the
request's own transaction was rolled back: the refusal is on record and nothing else changed.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from jingwang.accounts.errors import (
    AuthenticationError,
    LoginLocked,
    Refusal,
    SessionExpired,
    SessionRevoked,
    StepRequired,
)
from jingwang.accounts.refusals import record_refusal
from jingwang.store import Database
from jingwang.web.auth.identity import SESSION_COOKIE, clear_cookie, request_id
from jingwang.web.errors import error_response, status_for, wants_json
from jingwang.web.routes.home import safe_next

STEP_PAGES = {"totp": "/login/totp", "password": "/account/password"}


async def _record(request: Request, exc: Refusal) -> None:
    if exc.event is None:
        return
    db: Database = request.app.state.db
    await run_in_threadpool(
        record_refusal, db, exc, request_id=request_id(request), path=request.url.path
    )


def login_location(request: Request, step: str | None = None) -> str:
    if step in STEP_PAGES:
        return STEP_PAGES[step]
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET" or request.url.path in ("/login", "/logout"):
        here = "/"
    return "/login?next=" + quote(safe_next(here), safe="/")


async def on_authentication_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuthenticationError)
    await _record(request, exc)
    if wants_json(request):
        response = error_response(
            request,
            401,
            exc.code,
            exc.message,
            exc.details,
            headers={"WWW-Authenticate": 'Bearer realm="jingwang"'},
        )
    else:
        step = str(exc.details.get("step")) if isinstance(exc, StepRequired) else None
        response = RedirectResponse(login_location(request, step), status_code=303)
    if isinstance(exc, SessionExpired | SessionRevoked):
        clear_cookie(request, response, SESSION_COOKIE)
    return response


async def on_refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refusal)
    await _record(request, exc)
    if isinstance(exc, LoginLocked):
        retry = str(exc.details.get("retry_after", 60))
        return error_response(
            request, 429, exc.code, exc.message, exc.details, headers={"Retry-After": retry}
        )
    return error_response(request, status_for(exc), exc.code, exc.message, exc.details)


__all__ = [
    "STEP_PAGES",
    "login_location",
    "on_authentication_error",
    "on_refusal",
]

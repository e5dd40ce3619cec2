"""Errors over HTTP: the one JSON error shape, and the one map from error codes to statuses.

Every error answered on ``/api/…``, the health routes and ``/openapi.json`` (and on any route
to a client that does not ask for HTML) has this body::

    {"error": {"code": "not_found", "message": "…", "details": {…}, "request_id": "…"}}

Browsers asking for HTML pages get ``error.html`` in their language instead, with the same
code and request id. Domain code never picks an HTTP status: it raises a
:class:`~jingwang.errors.JingwangError` and :func:`status_for` maps it here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from jingwang.errors import (
    ConfigError,
    Conflict,
    InvalidInput,
    JingwangError,
    NotConfigured,
    NotFound,
    PermissionDenied,
)
from jingwang.probe.errors import CampaignStateError, ProbeRefused
from jingwang.web.i18n import LANG_COOKIE, N_
from jingwang.web.pages import Pages

log = logging.getLogger(__name__)

# Most specific first: the first class the error is an instance of decides.
STATUS_BY_ERROR: Final[tuple[tuple[type[JingwangError], int], ...]] = (
    (ProbeRefused, 422),  # the prober's address guard said no (probe.*)
    (CampaignStateError, 409),
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (PermissionDenied, 403),
    (NotConfigured, 503),
    (ConfigError, 500),
)
# Codes for errors Starlette raises itself (unknown route, wrong method, …).
CODE_BY_STATUS: Final[dict[int, str]] = {
    400: "bad_request",
    401: "unauthenticated",
    403: PermissionDenied.code,
    404: NotFound.code,
    405: "method_not_allowed",
    409: Conflict.code,
    413: "too_large",
    415: "unsupported_media_type",
    422: InvalidInput.code,
    429: "rate_limited",
    503: "unavailable",
}
# Page titles of the HTML error page, translated when rendered.
TITLE_BY_STATUS: Final[dict[int, str]] = {
    403: N_("You may not do this"),
    404: N_("Page not found"),
    405: N_("This page cannot be used that way"),
    409: N_("This clashes with the current state"),
    422: N_("The request could not be used"),
    503: N_("The service is not ready"),
}
TITLE_CLIENT_ERROR: Final = N_("The request could not be used")
TITLE_SERVER_ERROR: Final = N_("Something went wrong on our side")
INTERNAL_MESSAGE: Final = "internal error; the log has the details under this request id"
JSON_PREFIXES: Final = ("/api/", "/healthz", "/readyz", "/openapi.json")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, dotted error code clients may rely on.")
    message: str = Field(description="What went wrong and how to fix it, for people.")
    details: dict[str, Any] = Field(default_factory=dict, description="Context, JSON values.")
    request_id: str = Field(description="The X-Request-ID of the request; logs carry it too.")


class ErrorResponse(BaseModel):
    """The body of every error response of the API."""

    error: ErrorDetail


def status_for(error: JingwangError) -> int:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 500


def request_id_of(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "-")


def wants_json(request: Request) -> bool:
    """JSON for the API, health and schema routes, and for clients that do not ask for HTML."""
    if request.url.path.startswith(JSON_PREFIXES):
        return True
    return "text/html" not in request.headers.get("accept", "")


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error in the shape the client asked for: JSON, or an HTML page in its language."""
    body = ErrorDetail(
        code=code,
        message=message,
        details=_json_safe(details or {}),
        request_id=request_id_of(request),
    )
    if not wants_json(request) and hasattr(request.app.state, "pages"):
        try:
            return _error_page(request, status, body, headers)
        except Exception:  # an error page must never hide the error it reports
            log.exception("cannot render the error page (request id %s)", body.request_id)
    return JSONResponse(
        ErrorResponse(error=body).model_dump(mode="json"), status_code=status, headers=headers
    )


def _json_safe(details: dict[str, Any]) -> dict[str, Any]:
    try:
        encoded: dict[str, Any] = jsonable_encoder(details)
    except (TypeError, ValueError):
        encoded = {str(key): str(value) for key, value in details.items()}
    return encoded


def _error_page(
    request: Request, status: int, body: ErrorDetail, headers: Mapping[str, str] | None
) -> Response:
    state = request.app.state
    pages: Pages = state.pages
    locale = state.catalogs.negotiate(
        request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )
    default_title = TITLE_SERVER_ERROR if status >= 500 else TITLE_CLIENT_ERROR
    page = pages.render(
        request,
        locale,
        "error.html",
        {"status": status, "title": TITLE_BY_STATUS.get(status, default_title), "error": body},
        status_code=status,
    )
    page.headers.update(headers or {})
    return page


def unexpected_error_response(request: Request, exc: BaseException) -> Response:
    """500 for a bug: logged with its traceback and request id, never shown to the client."""
    log.error(
        "unhandled %s in %s %s (request id %s)",
        type(exc).__name__,
        request.method,
        request.url.path,
        request_id_of(request),
        exc_info=exc,
    )
    return error_response(request, 500, "internal", INTERNAL_MESSAGE)


async def _on_jingwang_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, JingwangError)
    return error_response(request, status_for(exc), exc.code, exc.message, exc.details)


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors()
    ]
    names = ", ".join(field["field"] for field in fields) or "the request"
    message = f"invalid input in {names}: correct these fields and send the request again"
    return error_response(request, 422, InvalidInput.code, message, {"fields": fields})


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = CODE_BY_STATUS.get(exc.status_code, "http_error")
    if exc.status_code == 404:
        message = f"nothing at {request.url.path}: check the address"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"{request.method} is not allowed on {request.url.path}; use {allowed}"
    else:
        message = str(exc.detail)
    return error_response(request, exc.status_code, code, message, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error a request can end in to :func:`error_response`."""
    app.add_exception_handler(JingwangError, _on_jingwang_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_exception)


__all__ = [
    "CODE_BY_STATUS",
    "STATUS_BY_ERROR",
    "ErrorDetail",
    "ErrorResponse",
    "error_response",
    "install_error_handlers",
    "status_for",
    "unexpected_error_response",
    "wants_json",
]

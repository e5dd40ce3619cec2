"""ASGI middleware: request ids, the last line of defence against bugs, and security headers.

Order, outermost first: :class:`SecurityHeadersMiddleware` (so every response carries the
headers, error pages included), then :class:`RequestContextMiddleware` (gives each request an
id and turns any exception nobody handled into a logged 500), then FastAPI's own routing and
exception handlers. Both are plain ASGI, so streaming responses and context variables work.
"""

from __future__ import annotations

import re
import uuid
from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jingwang.web.errors import unexpected_error_response

REQUEST_ID_HEADER: Final = "X-Request-ID"
# An incoming id is kept when it is short and plain, so it can be logged and echoed safely.
_SANE_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,128}")

# No inline script or style anywhere, /docs included: Swagger UI is started from a file
# (static/js/docs-init.js) and sets styles only through the DOM, which the policy allows.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
# A route may set these itself, only to be stricter in what the document may do (the WML view
# of a capture: no script, no fetch at all) while letting our own pages frame it.
ROUTE_MAY_SET: Final = frozenset({"content-security-policy", "x-frame-options"})


def new_request_id(incoming: str | None) -> str:
    """The client's ``X-Request-ID`` when it is sane, else a fresh random one."""
    if incoming and _SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Sets ``request.state.request_id``, echoes it, and answers unhandled errors with a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if started:  # too late to answer with an error: let the server drop the connection
                raise
            response = unexpected_error_response(Request(scope), exc)
            await response(scope, receive, send_with_id)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and the other hardening headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name.lower() in ROUTE_MAY_SET and name in headers:
                        continue
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "REQUEST_ID_HEADER",
    "SECURITY_HEADERS",
    "RequestContextMiddleware",
    "SecurityHeadersMiddleware",
    "new_request_id",
]

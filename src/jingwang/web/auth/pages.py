"""Pages that know who is looking: every template gets ``viewer`` (None for the public).

The nav in ``base.html`` shows the user, their organisation and a log-out form from it, and
``<body hx-headers>`` hands the session's CSRF token to every htmx request. Routes with a guard
have already looked the viewer up; on public pages (the home page, error pages) it is looked up
here when a session cookie came along, and a dead session simply shows no one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from jingwang.accounts.errors import AuthenticationError
from jingwang.web.auth.identity import SESSION_COOKIE, Viewer, identify, read_cookie
from jingwang.web.i18n import Locale
from jingwang.web.pages import Pages


def viewer_of(request: Request) -> Viewer | None:
    identity = getattr(request.state, "identity", None)
    if identity is None:
        if read_cookie(request, SESSION_COOKIE) is None:
            return None
        try:
            identity = identify(request)
        except AuthenticationError:
            return None
    viewer: Viewer | None = identity.viewer
    return viewer


class ViewerPages(Pages):
    """:class:`~jingwang.web.pages.Pages` that add ``viewer`` to every page's context."""

    def render(
        self,
        request: Request,
        locale: Locale,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        full = {"viewer": viewer_of(request), **(context or {})}
        return super().render(request, locale, template, full, status_code=status_code)


__all__ = ["ViewerPages", "viewer_of"]

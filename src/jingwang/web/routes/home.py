"""The home page, and the language switch every page links to."""

from __future__ import annotations

from typing import Annotated, Final
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from jingwang.errors import NotFound
from jingwang.web.deps import LocaleDep, PagesDep
from jingwang.web.i18n import LANG_COOKIE, LANGUAGES

router = APIRouter(include_in_schema=False)

LANG_COOKIE_MAX_AGE: Final = 365 * 24 * 3600


@router.get("/", response_class=HTMLResponse)
def home(request: Request, pages: PagesDep, locale: LocaleDep) -> HTMLResponse:
    return pages.render(request, locale, "home.html")


@router.get("/lang/{code}")
def switch_language(
    code: str, target: Annotated[str, Query(alias="next")] = "/"
) -> RedirectResponse:
    """Remember ``code`` as the UI language and go back to ``next`` (a path on this site)."""
    if code not in LANGUAGES:
        raise NotFound(
            f"no language {code!r}: choose one of " + ", ".join(LANGUAGES), language=code
        )
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(
        LANG_COOKIE, code, max_age=LANG_COOKIE_MAX_AGE, httponly=True, samesite="lax"
    )
    return response


def safe_next(target: str) -> str:
    """``target`` when it is a path on this site, else ``/``: never an open redirect."""
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target)
    ):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


__all__ = ["router", "safe_next"]

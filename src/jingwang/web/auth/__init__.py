"""Authentication and authorisation in the web app and API.

* :mod:`.identity`: who sent a request (session cookie, Bearer token, or the public);
* :mod:`.decisions`: each route's permission decision (:func:`require`,
  :func:`login_required`, :data:`public`), CSRF checking, and the start-up check that every
  route has a decision;
* :mod:`.handlers`: 401 / redirect to log in, 403, 429, and recording refusals;
* routers: log in and out, the account pages, administration of organisations, users and
  tokens, and the accounts API.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.errors import AuthenticationError, Refusal
from jingwang.settings import Settings
from jingwang.web.auth import (
    account_routes,
    admin_orgs,
    admin_tokens,
    admin_users,
    api_routes,
    login_routes,
)
from jingwang.web.auth.decisions import (
    Decision,
    check_decisions,
    decision_of,
    login_required,
    public,
    require,
)
from jingwang.web.auth.handlers import on_authentication_error, on_refusal
from jingwang.web.auth.identity import Identity, Viewer, identify
from jingwang.web.auth.pages import ViewerPages

AUTH_ROUTERS: tuple[APIRouter, ...] = (
    login_routes.router,
    account_routes.router,
    admin_orgs.router,
    admin_users.router,
    admin_tokens.router,
    api_routes.router,
)


def install_auth(app: FastAPI, settings: Settings) -> None:
    """The accounts configuration and the refusal handlers (call before adding routes)."""
    app.state.accounts = AccountsConfig.from_settings(settings)
    app.add_exception_handler(AuthenticationError, on_authentication_error)
    app.add_exception_handler(Refusal, on_refusal)


__all__ = [
    "AUTH_ROUTERS",
    "Decision",
    "Identity",
    "Viewer",
    "ViewerPages",
    "check_decisions",
    "decision_of",
    "identify",
    "install_auth",
    "login_required",
    "public",
    "require",
]

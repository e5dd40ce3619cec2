"""Helpers for web tests of accounts: an app on its own database, logging in, CSRF tokens.

Imported from ``tests/web`` as ``accounts.webkit``. Clients use ``https://testserver`` so the
session cookie is the ``__Host-`` one the app sets for anything but plain-http loopback.
:func:`cheap_app`, :func:`logged_in` and :func:`token_caller` are what the web tests' ``app``,
``as_user`` and ``api`` fixtures share.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from accounts.accountkit import CHEAP_HASHING, SYSTEM, cheap_config
from jingwang.accounts.models import Organisation
from jingwang.accounts.schemas import TokenCreate
from jingwang.accounts.tokens import create_token
from jingwang.settings import Settings
from jingwang.store import Database
from jingwang.store.base import utcnow
from jingwang.store.outbox import OutboxEvent
from jingwang.web import create_app

HTML = {"Accept": "text/html"}
EN = {**HTML, "Accept-Language": "en"}
ZH = {**HTML, "Accept-Language": "zh-CN"}
HTTPS = "https://testserver"
PASSWORD = "correct horse battery staple"


def form_value(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert found, f"no field {name!r} in the page"
    return found.group(1)


def log_in(
    client: TestClient, username: str, password: str = PASSWORD, target: str = "/"
) -> Response:
    page = client.get("/login", headers=HTML)
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "next": target,
            "csrf_token": form_value(page.text, "csrf_token"),
        },
        headers=HTML,
        follow_redirects=False,
    )


def csrf_token(client: TestClient) -> str:
    """The session's CSRF token, as the page's log-out form carries it."""
    return form_value(client.get("/account", headers=HTML).text, "csrf_token")


def cheap_app(settings: Settings, **changes: Any) -> FastAPI:
    """The app on ``settings`` with cheap password hashing and the in-memory queue."""
    update = {**CHEAP_HASHING, "queue_url": "memory://", **changes}
    return create_app(settings.model_copy(update=update))


def make_token(session: Session, org: Organisation, scopes: list[str]) -> str:
    """The secret of a new API token of ``org`` with ``scopes`` (named after them)."""
    data = TokenCreate(org_id=org.id, name="-".join(scopes), scopes=scopes)
    return create_token(session, SYSTEM, data, cheap_config(), utcnow()).secret


@contextmanager
def logged_in(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    """A function that logs a user in on a new started client of ``app``; all closed after."""
    with ExitStack() as stack:

        def login(username: str) -> TestClient:
            client = stack.enter_context(TestClient(app, base_url=HTTPS))
            assert log_in(client, username).status_code == 303
            return client

        yield login


@contextmanager
def token_caller(
    app: FastAPI, tokens: dict[str, str], default: str
) -> Iterator[Callable[..., Response]]:
    """``call(method, url, token=default, **kwargs)``: a request with the bearer token named
    ``token`` of ``tokens``, on one started client of ``app``."""
    with TestClient(app, base_url=HTTPS) as client:

        def call(method: str, url: str, token: str = default, **kwargs: Any) -> Response:
            headers = {"Authorization": f"Bearer {tokens[token]}"}
            return client.request(method, url, headers=headers, **kwargs)

        yield call


def outbox(database: Database, name: str | None = None) -> list[dict[str, Any]]:
    from sqlalchemy import select

    query = select(OutboxEvent).order_by(OutboxEvent.id)
    if name is not None:
        query = query.where(OutboxEvent.name == name)
    with database.session() as session:
        return [{"name": row.name, **row.payload} for row in session.scalars(query)]


__all__ = [
    "EN",
    "HTML",
    "HTTPS",
    "PASSWORD",
    "ZH",
    "cheap_app",
    "csrf_token",
    "form_value",
    "log_in",
    "logged_in",
    "make_token",
    "outbox",
    "token_caller",
]

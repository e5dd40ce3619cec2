"""Helpers for web tests of accounts: an app on its own database, logging in, CSRF tokens.

Imported from ``tests/web`` as ``accounts.webkit``. Clients use ``https://testserver`` so the
session cookie is the ``__Host-`` one the app sets for anything but plain-http loopback.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from jingwang.store import Database
from jingwang.store.outbox import OutboxEvent

HTML = {"Accept": "text/html"}
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


def outbox(database: Database, name: str | None = None) -> list[dict[str, Any]]:
    from sqlalchemy import select

    query = select(OutboxEvent).order_by(OutboxEvent.id)
    if name is not None:
        query = query.where(OutboxEvent.name == name)
    with database.session() as session:
        return [{"name": row.name, **row.payload} for row in session.scalars(query)]


__all__ = ["HTML", "HTTPS", "PASSWORD", "csrf_token", "form_value", "log_in", "outbox"]

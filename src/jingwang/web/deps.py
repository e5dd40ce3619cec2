"""Dependencies of route functions, as ``Annotated`` aliases.

Everything comes from ``app.state``, which :func:`jingwang.web.create_app` fills; nothing is
global. ``SessionDep`` is one transaction per request: committed when the route returns,
rolled back when it raises, and closed before the response is sent (``scope="function"``),
so a failed commit still becomes an error response.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from huey import Huey
from sqlalchemy.orm import Session

from jingwang.accounts.config import AccountsConfig
from jingwang.settings import Settings
from jingwang.store import Database
from jingwang.web.i18n import LANG_COOKIE, Catalogs, Locale
from jingwang.web.pages import Pages


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_queue(request: Request) -> Huey:
    huey: Huey = request.app.state.huey
    return huey


def get_pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def get_accounts(request: Request) -> AccountsConfig:
    accounts: AccountsConfig = request.app.state.accounts
    return accounts


def get_locale(request: Request) -> Locale:
    """The request's language: ``lang`` cookie, else Accept-Language, else the default."""
    catalogs: Catalogs = request.app.state.catalogs
    return catalogs.negotiate(
        request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
QueueDep = Annotated[Huey, Depends(get_queue)]
PagesDep = Annotated[Pages, Depends(get_pages)]
LocaleDep = Annotated[Locale, Depends(get_locale)]
AccountsDep = Annotated[AccountsConfig, Depends(get_accounts)]


def get_session(db: DatabaseDep) -> Iterator[Session]:
    with db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]

__all__ = [
    "AccountsDep",
    "DatabaseDep",
    "LocaleDep",
    "PagesDep",
    "QueueDep",
    "SessionDep",
    "SettingsDep",
    "get_accounts",
    "get_database",
    "get_locale",
    "get_pages",
    "get_queue",
    "get_session",
    "get_settings",
]

"""The application factory: everything the web app uses is built here, from the settings.

``create_app(settings)`` puts these on ``app.state`` (read through :mod:`jingwang.web.deps`):

==============  ==========================================================
``settings``    the :class:`~jingwang.settings.Settings` it was built with
``db``          the :class:`~jingwang.store.Database` (disposed on shutdown)
``huey``        the job queue from :func:`~jingwang.jobs.queue.make_huey`
``catalogs``    the UI languages, compiled from the ``.po`` files
``assets``      static files and their versioned URLs
``pages``       the template renderer (it knows the logged-in viewer)
``accounts``    the :class:`~jingwang.accounts.AccountsConfig` (hashing, sessions …)
==============  ==========================================================
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from huey import Huey

from jingwang import __version__
from jingwang.jobs.queue import make_huey
from jingwang.settings import Settings
from jingwang.store import Database, create_database
from jingwang.web.auth import AUTH_ROUTERS, ViewerPages, check_decisions, install_auth
from jingwang.web.errors import ErrorResponse, install_error_handlers
from jingwang.web.i18n import Catalogs
from jingwang.web.middleware import RequestContextMiddleware, SecurityHeadersMiddleware
from jingwang.web.routes import ROUTERS
from jingwang.web.static import StaticAssets

log = logging.getLogger(__name__)

API_DESCRIPTION = (
    "Find, prove, attribute, dispose of and block pornographic and unfiled sites on the "
    "mobile web. Every error has the body described by `ErrorResponse`."
)


def create_app(settings: Settings) -> FastAPI:
    """Build the web app for ``settings``; nothing is shared with any other app."""
    app = FastAPI(
        title="jingwang",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,  # our own /docs serves Swagger UI from vendored files
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        responses={"default": {"model": ErrorResponse, "description": "Any error"}},
        lifespan=_lifespan,
    )
    catalogs = Catalogs(settings.default_language)
    assets = StaticAssets()
    app.state.settings = settings
    app.state.catalogs = catalogs
    app.state.assets = assets
    app.state.pages = ViewerPages(settings, catalogs, assets)
    app.state.db = create_database(settings.resolved_database_url)
    app.state.huey = make_huey(settings)

    install_error_handlers(app)
    install_auth(app, settings)
    for router in (*ROUTERS, *AUTH_ROUTERS):
        app.include_router(router)
    app.router.routes.append(assets.mount())
    check_decisions(app)  # every route says who may call it, or the app does not start
    # Added last = outermost: security headers wrap everything, error pages included.
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    log.info("jingwang %s web app starting (mode %s)", __version__, settings.mode)
    threading.Thread(target=_warm_text_scorer, args=(settings,), daemon=True).start()
    try:
        yield
    finally:
        huey: Huey = app.state.huey
        huey.storage.close()  # the SQL backends keep a connection per thread
        db: Database = app.state.db
        db.dispose()
        log.info("jingwang web app stopped")


def _warm_text_scorer(settings: Settings) -> None:
    """Build the text scorer before anyone asks: loading it imports scikit-learn and SciPy
    (2-3 s on a small machine), which the first "check a text" would otherwise wait for.
    A scorer that cannot load is only logged here; the request that needs it says why."""
    from jingwang.classify.text.scorer import TextScorer

    try:
        TextScorer.from_settings(settings)
    except Exception:
        log.warning("the text scorer could not be loaded at start", exc_info=True)


__all__ = ["create_app"]

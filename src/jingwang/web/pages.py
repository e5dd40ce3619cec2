"""HTML pages: Jinja2 templates rendered in the language of the request.

There is one Jinja environment per UI language, each with that language's translations
installed (``jinja2.ext.i18n``, new-style gettext: autoescaped, ``%(name)s`` placeholders).
Requests in different languages run concurrently, so nothing language-specific is ever
installed into a shared environment; each environment is fixed once built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from jingwang import __version__
from jingwang.errors import ConfigError
from jingwang.settings import Settings
from jingwang.web.i18n import LANGUAGE_NAMES, Catalogs, Locale
from jingwang.web.static import StaticAssets

TEMPLATE_DIR: Final = Path(__file__).parent / "templates"
PRODUCT_NAME: Final = "净网 jingwang"


def display_zone(settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.display_timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"display_timezone {settings.display_timezone!r} is not a known time zone; "
            "use an IANA name such as Asia/Shanghai (install tzdata if none are found)"
        ) from exc


class Pages:
    """Renders templates to HTML responses in the request's language."""

    def __init__(self, settings: Settings, catalogs: Catalogs, assets: StaticAssets) -> None:
        self.zone = display_zone(settings)
        self.assets = assets
        self.reload = settings.mode == "development"  # production never re-reads templates
        self._envs = {lang: self._environment(catalogs.get(lang)) for lang in LANGUAGE_NAMES}

    def _environment(self, locale: Locale) -> Environment:
        env = Environment(
            loader=FileSystemLoader(TEMPLATE_DIR),
            auto_reload=self.reload,
            autoescape=select_autoescape(["html"], default_for_string=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.policies["ext.i18n.trimmed"] = True
        env.install_gettext_translations(locale.translations, newstyle=True)  # type: ignore[attr-defined]
        env.filters["datetime"] = self._datetime_filter(locale)
        env.filters["datetime_short"] = self._datetime_filter(locale, "short")  # for tables
        env.globals.update(
            product=PRODUCT_NAME,
            version=__version__,
            static_url=self.assets.url,
            languages=LANGUAGE_NAMES,
            lang=locale.language,
        )
        return env

    def format_datetime(self, value: dt.datetime, locale: Locale, style: str = "medium") -> str:
        """An aware datetime in the display time zone, written the way ``locale`` writes it."""
        return format_datetime(value, style, tzinfo=self.zone, locale=locale.babel)

    def _datetime_filter(
        self, locale: Locale, style: str = "medium"
    ) -> Callable[[dt.datetime], str]:
        return lambda value: self.format_datetime(value, locale, style)

    def render(
        self,
        request: Request,
        locale: Locale,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        page = self._envs[locale.language].get_template(template)
        html = page.render(
            {
                "request_path": request.url.path,
                "here": quote(_path_and_query(request), safe="/"),
                "now": dt.datetime.now(dt.UTC),
                **(context or {}),
            }
        )
        return HTMLResponse(
            html,
            status_code=status_code,
            headers={"Content-Language": locale.language, "Vary": "Accept-Language, Cookie"},
        )


def _path_and_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


__all__ = ["PRODUCT_NAME", "TEMPLATE_DIR", "Pages", "display_zone"]

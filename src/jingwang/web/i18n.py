"""Languages of the web UI: message catalogs compiled in memory, and per-request negotiation.

The catalogs are the ``.po`` files under ``web/locale``; they are compiled to gettext objects
when the app starts, so no ``.mo`` build step exists and none is committed. Message ids are
English; ``make messages`` re-extracts them (``babel.cfg``) into ``messages.pot`` and updates
both catalogs.

The language of a request comes, in order, from the ``lang`` cookie (set by the language
switch), the ``Accept-Language`` header, and ``settings.default_language``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from io import BytesIO
from pathlib import Path
from typing import Final

from babel import Locale as BabelLocale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from jingwang.errors import ConfigError

LOCALE_DIR: Final = Path(__file__).parent / "locale"
DOMAIN: Final = "messages"
LANG_COOKIE: Final = "lang"

# UI language tag (what <html lang> and the cookie hold) -> catalog folder name.
LANGUAGES: Final[dict[str, str]] = {"zh-CN": "zh_CN", "en": "en"}
# The name of each language in itself, for the language switch.
LANGUAGE_NAMES: Final[dict[str, str]] = {"zh-CN": "中文", "en": "English"}


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, where the language is known."""
    return message


@dataclass(frozen=True)
class Locale:
    """The language one request is answered in."""

    language: str  # a key of LANGUAGES: "zh-CN" or "en"
    translations: Translations

    @cached_property
    def babel(self) -> BabelLocale:
        return BabelLocale.parse(LANGUAGES[self.language])

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)


def compile_catalog(language: str) -> Translations:
    """Read ``language``'s ``.po`` file and compile it in memory."""
    folder = LANGUAGES[language]
    path = LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        with path.open("rb") as po:
            catalog = read_po(po, locale=folder, domain=DOMAIN)
    except OSError as exc:
        raise ConfigError(f"message catalog {path} cannot be read: reinstall jingwang") from exc
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


class Catalogs:
    """Every UI language, compiled once per app."""

    def __init__(self, default_language: str) -> None:
        if default_language not in LANGUAGES:
            raise ConfigError(
                f"default_language {default_language!r} has no catalog; use one of "
                + ", ".join(LANGUAGES)
            )
        self.default_language = default_language
        self._locales = {lang: Locale(lang, compile_catalog(lang)) for lang in LANGUAGES}

    def get(self, language: str) -> Locale:
        return self._locales[language]

    def negotiate(self, cookie: str | None, accept_language: str | None) -> Locale:
        return self._locales[
            negotiate_language(cookie, accept_language, default=self.default_language)
        ]


def negotiate_language(cookie: str | None, accept_language: str | None, *, default: str) -> str:
    """Pick the UI language: the cookie, else the browser's preference, else ``default``."""
    if cookie in LANGUAGES:
        return cookie
    for tag in _preferred_tags(accept_language or ""):
        language = match_language(tag)
        if language is not None:
            return language
    return default


def match_language(tag: str) -> str | None:
    """Map one BCP 47 tag to a UI language: any Chinese to zh-CN, any English to en."""
    primary = tag.strip().lower().replace("_", "-").split("-", 1)[0]
    return {"zh": "zh-CN", "en": "en"}.get(primary)


def _preferred_tags(header: str) -> list[str]:
    """The tags of an ``Accept-Language`` header, most preferred first (q=0 dropped)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and quality > 0:
            weighted.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LANG_COOKIE",
    "LOCALE_DIR",
    "N_",
    "Catalogs",
    "Locale",
    "compile_catalog",
    "match_language",
    "negotiate_language",
]

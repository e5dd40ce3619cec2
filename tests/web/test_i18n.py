"""UI languages: negotiation, the language switch, catalog completeness, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import jingwang
from jingwang.web import create_app
from jingwang.web.i18n import LANGUAGES, LOCALE_DIR, negotiate_language

REPO = Path(__file__).resolve().parents[2]
SOURCE = Path(jingwang.__file__).parent


def read_catalog(path: Path):
    with path.open("rb") as po:
        return read_po(po)


def template_ids() -> set[str]:
    return {m.id for m in read_catalog(LOCALE_DIR / "messages.pot") if m.id}


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        ("en", "zh-CN,zh;q=0.9", "en"),  # the cookie wins
        ("xx", "en-GB,en;q=0.8", "en"),  # an unknown cookie is ignored
        (None, "zh-TW,zh;q=0.9,en;q=0.5", "zh-CN"),
        (None, "fr-FR, en;q=0.7, zh;q=0.3", "en"),
        (None, "zh;q=0.2, en;q=0.9", "en"),  # by weight, not by order
        (None, "en;q=0, zh", "zh-CN"),  # q=0 means "not this"
        (None, "fr, de", "zh-CN"),  # nothing we have: the default
        (None, "", "zh-CN"),
        (None, None, "zh-CN"),
        (None, "*", "zh-CN"),
        (None, "en;q=bogus, zh", "zh-CN"),
    ],
)
def test_negotiate_language(cookie, header, expected):
    assert negotiate_language(cookie, header, default="zh-CN") == expected


def test_default_language_is_chinese(client):
    response = client.get("/")
    assert '<html lang="zh-CN">' in response.text
    assert "净化移动互联网" in response.text
    assert response.headers["content-language"] == "zh-CN"
    assert "Accept-Language" in response.headers["vary"]


def test_default_language_follows_the_settings(settings, client_for):
    english = client_for(create_app(settings.model_copy(update={"default_language": "en"})))
    assert '<html lang="en">' in english.get("/").text


def test_accept_language_picks_english(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in response.text
    assert "Keep the mobile web clean" in response.text


def test_language_switch_sets_a_cookie_that_wins(client):
    response = client.get("/lang/en", params={"next": "/docs"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/docs"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("lang=en;")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    page = client.get("/", headers={"Accept-Language": "zh-CN"})  # the client keeps the cookie
    assert '<html lang="en">' in page.text


def test_unknown_language_is_not_found(client):
    response = client.get("/lang/klingon", headers={"Accept": "text/html"})
    assert response.status_code == 404


def test_language_switch_links_back_to_this_page(client):
    html = client.get("/", params={"a": "1"}).text
    assert 'href="/lang/en?next=/%3Fa%3D1"' in html


@pytest.mark.parametrize("language", sorted(LANGUAGES.values()))
def test_every_message_is_translated(language):
    catalog = read_catalog(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po")
    translated = {m.id: m for m in catalog if m.id}
    missing = [
        msgid
        for msgid in sorted(template_ids())
        if msgid not in translated or not translated[msgid].string or translated[msgid].fuzzy
    ]
    assert not missing, f"untranslated in {language} (edit its messages.po): {missing}"
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert not problems


def test_template_is_current_with_the_source():
    """Fails when a string marked for translation is missing from messages.pot, or stale."""
    with (REPO / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    extracted = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(SOURCE), method_map, options_map)
    }
    assert extracted == template_ids(), "run `make messages` and translate what is new"


def test_dates_are_shown_in_the_display_time_zone(client):
    pages, catalogs = client.app.state.pages, client.app.state.catalogs
    midnight_utc = dt.datetime(2024, 1, 1, 0, 0, tzinfo=dt.UTC)
    assert "08:00" in pages.format_datetime(midnight_utc, catalogs.get("zh-CN"))
    assert "8:00:00" in pages.format_datetime(midnight_utc, catalogs.get("en"))

"""Security headers on every kind of response, and the CSP that keeps script out of pages."""

from __future__ import annotations

import re

import pytest

from jingwang.web.middleware import CONTENT_SECURITY_POLICY
from jingwang.web.pages import TEMPLATE_DIR

EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def assert_hardened(response):
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    permissions = response.headers["permissions-policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


def test_csp_forbids_inline_script_and_framing():
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/", {}),
        ("/docs", {}),
        ("/healthz", {}),
        ("/openapi.json", {}),
        ("/no-such-page", {"Accept": "text/html"}),
        ("/api/no-such-thing", {}),
    ],
)
def test_html_json_and_error_responses_are_hardened(client, path, headers):
    assert_hardened(client.get(path, headers=headers))


def test_static_files_are_hardened(client):
    assets = client.app.state.assets
    response = client.get(assets.url("css/site.css"))
    assert response.status_code == 200
    assert_hardened(response)


@pytest.mark.parametrize("path", ["/", "/docs", "/no-such-page"])
def test_pages_have_no_inline_script_or_style(client, path):
    html = client.get(path, headers={"Accept": "text/html"}).text
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"inline <script> on {path}"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {path}"


def test_every_template_is_checked_above():
    assert {p.name for p in TEMPLATE_DIR.glob("*.html")} == {
        "base.html",
        "home.html",
        "docs.html",
        "error.html",
    }


def test_language_switch_never_redirects_off_site(client):
    for target in [
        "//evil.test/",
        "https://evil.test/",
        "/\\evil.test",
        "javascript:alert(1)",
        "x",
    ]:
        response = client.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/", target
    response = client.get("/lang/en", params={"next": "/docs?x=1"}, follow_redirects=False)
    assert response.headers["location"] == "/docs?x=1"

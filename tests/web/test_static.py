"""Static files: vendored files match their record, URLs carry a version, caching is long."""

from __future__ import annotations

import hashlib
import re

from jingwang.web.static import IMMUTABLE, NO_CACHE, STATIC_DIR

VENDOR_DIR = STATIC_DIR / "vendor"
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \|.*\| `(?P<sha256>[0-9a-f]{64})` \|$")


def vendored_records() -> dict[str, str]:
    text = (VENDOR_DIR / "VENDORED.md").read_text()
    return {m["file"]: m["sha256"] for m in map(ROW.match, text.splitlines()) if m}


def test_every_vendored_file_matches_its_recorded_sha256():
    records = vendored_records()
    assert records, "VENDORED.md lists no files"
    for name, expected in records.items():
        digest = hashlib.sha256((VENDOR_DIR / name).read_bytes()).hexdigest()
        assert digest == expected, f"{name} differs from VENDORED.md"


def test_every_file_in_vendor_is_recorded():
    present = {
        p.relative_to(VENDOR_DIR).as_posix()
        for p in VENDOR_DIR.rglob("*")
        if p.is_file() and p.name != "VENDORED.md"
    }
    assert present == set(vendored_records())


def test_pages_link_static_files_by_versioned_url(client):
    assets = client.app.state.assets
    html = client.get("/").text
    assert f'src="/static/{assets.version}/vendor/htmx-2.0.11.min.js" defer' in html
    assert f'href="/static/{assets.version}/css/site.css"' in html


def test_current_version_is_cached_for_a_year(client):
    assets = client.app.state.assets
    response = client.get(assets.url("vendor/htmx-2.0.11.min.js"))
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert "javascript" in response.headers["content-type"]


def test_another_version_is_served_but_not_cached(client):
    response = client.get("/static/0ld/css/site.css")
    assert response.status_code == 200
    assert response.headers["cache-control"] == NO_CACHE


def test_missing_static_file_is_404_in_the_error_shape(client):
    assets = client.app.state.assets
    response = client.get(assets.url("css/missing.css"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_static_paths_cannot_escape_the_folder(client):
    assets = client.app.state.assets
    response = client.get(assets.url("../i18n.py"))
    assert response.status_code == 404

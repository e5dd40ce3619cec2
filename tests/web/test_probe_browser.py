"""Probing in real Chromium against a real `jingwang serve` with its worker: log in, probe a page
of a loopback server through the form, wait on the pending row until the capture exists, open
it and see the redirect chain (an HTTP 302 and a meta refresh), then switch to English."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.accountkit import PASSWORD, make_org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.db]
expect = pytest.importorskip("playwright.sync_api").expect

PAGES = {
    "/final": b"<html><head><title>Final page</title></head><body>QQ 12345678</body></html>",
    "/refresh": b'<html><head><meta http-equiv="refresh" content="0;url=/final"></head></html>',
}


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/":
            self.send_response(302)
            self.send_header("Location", "/refresh")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = PAGES.get(self.path, b"not here")
        self.send_response(200 if self.path in PAGES else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def served(live_db, live_settings, start_serve):
    with live_db.session() as s:
        carrier = make_org(s, "华夏移动", "carrier", "CN")
        make_user(s, carrier, "browser-reviewer", ["reviewer"])
    env = {
        "JINGWANG_PROBE_ALLOW_LOOPBACK": "true",
        "JINGWANG_PROBE_ALLOW_ANY_PORT": "true",
        "JINGWANG_PROBE_SCREENSHOTS": "false",
    }
    return start_serve(live_settings, worker=True, env=env)


def test_probe_a_url_and_read_its_chain(open_browser, served, site):
    browser = open_browser(served.url)
    origin = browser.origin
    page = browser.new_page()
    page.goto(origin + "/login")
    page.fill("#username", "browser-reviewer")
    page.fill("#password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(origin + "/")

    page.locator("nav.main-nav").get_by_role("link", name="拨测取证").click()
    page.wait_for_url(origin + "/probe")
    page.fill("#probe-url", site)
    page.click(".probe-form button[type=submit]")
    link = page.locator("#pending-rows a.capture-link")
    expect(link).to_have_count(1, timeout=60_000)  # htmx polls until the capture exists
    link.click()
    page.wait_for_url(origin + "/probe/captures/*")
    hops = page.locator("ol.chain li")
    expect(hops).to_have_count(3)
    expect(page.locator("ol.chain .via")).to_have_text(["起始", "HTTP 302", "meta 刷新"])
    expect(page.locator("dl.capture")).to_contain_text("Final page")

    page.locator("nav.lang-switch").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("ol.chain .via")).to_have_text(["start", "HTTP 302", "meta refresh"])
    expect(page.get_by_role("heading", name="Redirect chain")).to_be_visible()
    assert not browser.off_site, browser.off_site  # nothing was fetched from the captured site
    assert not browser.problems, browser.problems

"""Screenshots through the guard: the captured page is shown, nothing forbidden is requested."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from evidence_samples import png_bytes
from PIL import Image

from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.guard import AddressPolicy
from jingwang.probe.resolver import Resolver
from jingwang.probe.screenshot import take_screenshot
from jingwang.probe.types import Exchange, Outcome, PageSummary, ProbeResult
from jingwang.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]
T0 = dt.datetime(2009, 6, 1, tzinfo=dt.UTC)
IMAGE = png_bytes(8, 8)


class HitServer:
    """A loopback HTTP server counting requests per (Host, path); serves a PNG for any path."""

    def __init__(self) -> None:
        self.hits: Counter[tuple[str, str]] = Counter()
        hits, lock = self.hits, threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with lock:
                    hits[(self.headers.get("Host", ""), self.path)] += 1
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(IMAGE)))
                self.end_headers()
                self.wfile.write(IMAGE)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def servers() -> Iterator[tuple[HitServer, HitServer]]:
    allowed, forbidden = HitServer(), HitServer()
    yield allowed, forbidden
    allowed.close()
    forbidden.close()


def html_result(body: str, url: str) -> ProbeResult:
    data = body.encode()
    final = Exchange(
        url=url,
        method="GET",
        ip="127.0.0.1",
        port=80,
        request_head=b"GET / HTTP/1.1\r\n\r\n",
        request_body=b"",
        started_at=T0,
        status=200,
        reason="OK",
        response_headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Set-Cookie", "sid=1"),
            ("Content-Security-Policy", "default-src 'none'"),
        ],
        response_head=b"HTTP/1.1 200 OK\r\n\r\n",
        body_wire=data,
        body=data,
    )
    return ProbeResult(
        url=url,
        profile="android",
        outcome=Outcome.OK,
        started_at=T0,
        finished_at=T0,
        exchanges=[final],
        page=PageSummary(kind="html", title="t"),
        final_url=url,
    )


def test_screenshot_only_through_the_guard(
    chromium: Path,
    settings: Settings,
    servers: tuple[HitServer, HitServer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    allowed, forbidden = servers
    a, b = allowed.port, forbidden.port
    page = f"""<!doctype html><html><head><meta name=viewport content="width=device-width">
<style>body{{background:#00ff00;margin:0}}</style></head><body><h1>手机乐园</h1>
<img src="http://pics.test:{a}/ok.png">
<img src="http://pics.test:{b}/wrong-port.png">
<img src="http://intranet.test:{a}/private-name.png">
<script>
for (const url of ["http://10.0.0.7:{a}/steal", "http://127.0.0.1:{b}/steal"]) {{
  const xhr = new XMLHttpRequest(); xhr.open("GET", url, false);
  try {{ xhr.send(); }} catch (e) {{}}
}}
try {{ new WebSocket("ws://pics.test:{a}/ws"); }} catch (e) {{}}
fetch("http://pics.test:{a}/post", {{method: "POST", body: "x"}}).catch(() => {{}});
</script></body></html>"""
    url = f"http://shop.test:{a}/page.html"
    with LoopbackDNS({"intranet.test": ["10.0.0.7"]}) as dns:
        live = settings.model_copy(
            update={
                "chromium_path": chromium,
                "probe_resolver": dns.address,
                "probe_allow_loopback": True,
                "probe_allowed_ports": [a],
            }
        )
        policy = AddressPolicy.from_settings(live)
        with caplog.at_level(logging.INFO, logger="jingwang.probe.screenshot"):
            png = asyncio.run(
                take_screenshot(
                    html_result(page, url),
                    settings=live,
                    policy=policy,
                    resolver=Resolver.from_settings(live),
                )
            )
    assert png is not None
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (360, 640))
    assert image.convert("RGB").getpixel((350, 630)) == (0, 255, 0)  # the captured page
    assert allowed.hits == Counter({(f"pics.test:{a}", "/ok.png"): 1})  # not the page itself
    assert forbidden.hits == Counter()
    log = caplog.text
    assert f"http://10.0.0.7:{a}/steal: refused by the guard" in log
    assert f"http://intranet.test:{a}/private-name.png: refused by the guard" in log
    assert f"http://127.0.0.1:{b}/steal: refused by the guard" in log
    assert f"http://pics.test:{a}/post: method POST is not fetched" in log


def test_no_screenshot_for_wml_or_without_chromium(settings: Settings, tmp_path: Path) -> None:
    result = html_result("<p>x</p>", "http://shop.test/")
    policy = AddressPolicy.from_settings(settings)
    missing = settings.model_copy(update={"chromium_path": tmp_path / "no-chromium"})
    run = lambda s, r: asyncio.run(  # noqa: E731
        take_screenshot(r, settings=s, policy=policy, resolver=Resolver.from_settings(s))
    )
    assert run(missing, result) is None
    assert run(settings.model_copy(update={"probe_screenshots": False}), result) is None
    assert result.page is not None
    result.page.kind = "wml"
    assert run(settings, result) is None

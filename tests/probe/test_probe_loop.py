"""probe_url on loopback: redirect kinds, the guard on every hop, rebinding, cookies, images."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator

import pytest
from aiohttp import web
from PIL import Image
from probekit import RunningServer, serve_app

from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.fetch import Fetcher
from jingwang.probe.probe import probe_url, probe_url_sync
from jingwang.probe.types import LimitHit, Outcome, ProbeResult, Via
from jingwang.settings import Settings

WML = """<?xml version="1.0"?>
<!DOCTYPE wml PUBLIC "-//WAPFORUM//DTD WML 1.1//EN" "http://www.wapforum.org/DTD/wml_1.1.xml">
<wml><card id="c1" title="start" ontimer="/final"><timer value="30"/><p>wait</p></card></wml>
"""


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "PNG")
    return out.getvalue()


def _site(port_box: list[int]) -> web.Application:
    routes = web.RouteTableDef()

    @routes.get("/hop1")
    async def hop1(_: web.Request) -> web.Response:
        raise web.HTTPFound("/hop2")

    @routes.get("/hop2")
    async def hop2(_: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(f"http://other.test:{port_box[0]}/wml")

    @routes.get("/wml")
    async def wml(_: web.Request) -> web.Response:
        return web.Response(text=WML, content_type="text/vnd.wap.wml")

    @routes.get("/final")
    async def final(_: web.Request) -> web.Response:
        html = (
            "<html><head><title>t</title></head><body><p>最终页</p>"
            '<img src="/a.png"><img src="/b.png"><img src="/missing.png">'
            f'<a href="http://linked.test:{port_box[0]}/x">x</a></body></html>'
        )
        return web.Response(text=html, content_type="text/html")

    @routes.get("/a.png")
    async def a_png(_: web.Request) -> web.Response:
        return web.Response(body=_png(3, 2), content_type="image/png")

    @routes.get("/b.png")
    async def b_png(_: web.Request) -> web.Response:
        return web.Response(body=_png(5, 4), content_type="image/png")

    @routes.get("/refresh")
    async def refresh(_: web.Request) -> web.Response:
        html = '<html><head><meta http-equiv="refresh" content="2;url=/final"></head></html>'
        return web.Response(text=html, content_type="text/html")

    @routes.get("/self")
    async def self_refresh(_: web.Request) -> web.Response:
        html = '<html><head><meta http-equiv="refresh" content="5;url=/self"></head></html>'
        return web.Response(text=html, content_type="text/html")

    @routes.get("/r/{n}")
    async def endless(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"/r/{int(request.match_info['n']) + 1}")

    @routes.get("/to/{where}")
    async def to(request: web.Request) -> web.Response:
        targets = {
            "metadata": "http://169.254.169.254/latest/meta-data/",
            "evil": f"http://evil.test:{port_box[0]}/secret",
            "file": "file:///etc/passwd",
        }
        raise web.HTTPFound(targets[request.match_info["where"]])

    @routes.get("/secret")
    async def secret(_: web.Request) -> web.Response:
        return web.Response(text="secret")

    @routes.get("/set")
    async def set_cookie(_: web.Request) -> web.Response:
        response = web.HTTPFound("/check")
        response.set_cookie("sid", "s3cr3t")
        raise response

    @routes.get("/check")
    async def check(request: web.Request) -> web.Response:
        return web.Response(text=f"sid={request.cookies.get('sid', '-')}")

    app = web.Application()
    app.add_routes(routes)
    return app


@pytest.fixture
def site(probe_settings: Settings, loopback_dns: LoopbackDNS) -> Iterator[RunningServer]:
    port_box = [0]
    with serve_app(_site(port_box)) as server:
        port_box[0] = server.port
        loopback_dns.set("evil.test", ["10.0.0.1"])
        yield server


def test_http_and_wml_timer_hops_are_followed_and_images_inspected(
    probe_settings: Settings, site: RunningServer
) -> None:
    result = probe_url_sync(site.url("start.test", "/hop1"), settings=probe_settings)
    assert result.outcome is Outcome.OK
    assert [(h.via, h.status) for h in result.hops] == [
        (Via.START, 302),
        (Via.HTTP, 301),
        (Via.HTTP, 200),
        (Via.WML_ONTIMER, 200),
    ]
    assert result.hops[-1].delay_seconds == pytest.approx(3.0)
    assert result.final_url == site.url("other.test", "/final")
    assert result.page is not None
    assert "最终页" in result.page.text
    sizes = {
        s.url.rsplit("/", 1)[1]: (s.media_type, s.width, s.height) for s in result.subresources
    }
    assert sizes["a.png"] == ("image/png", 3, 2)
    assert sizes["b.png"] == ("image/png", 5, 4)
    missing = next(s for s in result.subresources if s.url.endswith("/missing.png"))
    assert missing.refused
    assert "404" in missing.refused
    assert {"other.test", "linked.test"} <= set(result.discovered_hosts)
    assert "start.test" not in result.discovered_hosts
    assert result.resolver.startswith("udp://127.0.0.1:")


def test_meta_refresh_is_a_hop(probe_settings: Settings, site: RunningServer) -> None:
    result = probe_url_sync(
        site.url("a.test", "/refresh"), settings=probe_settings, subresources=False
    )
    assert [h.via for h in result.hops] == [Via.START, Via.META_REFRESH]
    assert result.hops[1].delay_seconds == 2
    assert result.subresources == []


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("metadata", "probe.address_forbidden"),
        ("evil", "probe.address_forbidden"),
        ("file", "probe.scheme_forbidden"),
    ],
)
def test_redirect_to_a_forbidden_target_is_refused_and_not_fetched(
    probe_settings: Settings, site: RunningServer, where: str, code: str
) -> None:
    result = probe_url_sync(site.url("a.test", f"/to/{where}"), settings=probe_settings)
    assert result.outcome is Outcome.OK
    assert len(result.exchanges) == 1
    assert result.hops[-1].refused
    assert result.refused_code == code
    assert site.total_hits == 1
    assert site.hits[("evil.test", "/secret")] == 0


def test_dns_answer_that_changes_is_asked_once_and_the_first_is_used(
    probe_settings: Settings, site: RunningServer, loopback_dns: LoopbackDNS
) -> None:
    loopback_dns.set_sequence("rebind.test", [["127.0.0.1"], ["169.254.169.254"]])
    result = probe_url_sync(site.url("rebind.test", "/final"), settings=probe_settings)
    assert result.outcome is Outcome.OK
    assert result.exchanges[0].ip == "127.0.0.1"
    assert site.hits[("rebind.test", "/final")] == 1
    # each image is a new hop: a new lookup, now answered with the metadata address, refused
    images = [s for s in result.subresources if "/a.png" in s.url or "/b.png" in s.url]
    assert images
    assert all(s.exchange is None and "169.254" in (s.refused or "") for s in images)
    assert site.hits[("rebind.test", "/a.png")] == 0


def test_endless_redirects_stop_at_the_limit(probe_settings: Settings, site: RunningServer) -> None:
    settings = probe_settings.model_copy(update={"probe_max_redirects": 3})
    result = probe_url_sync(site.url("a.test", "/r/0"), settings=settings)
    assert result.outcome is Outcome.LIMIT
    assert result.limit_hit is LimitHit.REDIRECTS
    assert len(result.exchanges) == 4
    assert result.hops[-1].refused
    assert "probe_max_redirects" in result.hops[-1].refused
    assert site.total_hits == 4


def test_a_page_that_refreshes_to_itself_is_not_followed_forever(
    probe_settings: Settings, site: RunningServer
) -> None:
    result = probe_url_sync(site.url("a.test", "/self"), settings=probe_settings)
    assert result.outcome is Outcome.OK
    assert len(result.exchanges) == 1
    assert result.hops[-1].refused
    assert "already visited" in result.hops[-1].refused


def test_cookies_live_within_one_probe_only(probe_settings: Settings, site: RunningServer) -> None:
    async def run() -> tuple[ProbeResult, ProbeResult]:
        async with Fetcher(probe_settings) as fetcher:
            first = await probe_url(
                site.url("a.test", "/set"), settings=probe_settings, fetcher=fetcher
            )
            second = await probe_url(
                site.url("a.test", "/check"), settings=probe_settings, fetcher=fetcher
            )
        return first, second

    first, second = asyncio.run(run())
    assert first.exchanges[-1].body == b"sid=s3cr3t"
    assert b"Cookie: sid=s3cr3t\r\n" in first.exchanges[-1].request_head
    assert second.exchanges[-1].body == b"sid=-"


def test_subresource_cap(probe_settings: Settings, site: RunningServer) -> None:
    settings = probe_settings.model_copy(update={"probe_max_subresources": 1})
    result = probe_url_sync(site.url("a.test", "/final"), settings=settings)
    fetched = [s for s in result.subresources if s.exchange is not None]
    capped = [s for s in result.subresources if s.limit_hit is LimitHit.SUBRESOURCES]
    assert len(fetched) == 1
    assert len(capped) == len(result.subresources) - 1 >= 2
    assert result.outcome is Outcome.OK


def test_refused_start_url_fetches_nothing(probe_settings: Settings, site: RunningServer) -> None:
    result = probe_url_sync(site.url("evil.test", "/secret"), settings=probe_settings)
    assert result.outcome is Outcome.REFUSED
    assert result.refused_code == "probe.address_forbidden"
    assert "10.0.0.1" in (result.refused or "")
    assert result.exchanges == []
    assert site.total_hits == 0

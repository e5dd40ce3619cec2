"""At least 40 hostile targets: each refused by the guard and none ever fetched.

A counting server listens on 127.0.0.1 and the loopback DNS answers names with loopback,
private, link-local, mapped, NAT64, 6to4 and multicast addresses; loopback is NOT allowed here,
so the server's hit counter proves that nothing reached it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiohttp import web
from probekit import RunningServer, serve_app

from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.probe import probe_url_sync
from jingwang.probe.types import Outcome
from jingwang.settings import Settings

HOSTILE_NAMES = {
    "loop.test": ["127.0.0.1"],
    "loop2.test": ["127.8.9.10"],
    "ten.test": ["10.0.0.1"],
    "metadata.test": ["169.254.169.254"],
    "cgnat.test": ["100.64.0.1"],
    "zero.test": ["0.0.0.0"],
    "v6loop.test": ["::1"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "mapped-meta.test": ["::ffff:169.254.169.254"],
    "nat64.test": ["64:ff9b::a9fe:a9fe"],
    "sixtofour.test": ["2002:7f00:1::"],
    "teredo.test": ["2001:0:4136:e378:8000:63bf:80ff:fffe"],
    "linklocal6.test": ["fe80::1"],
    "sitelocal6.test": ["fec0::1"],
    "ula.test": ["fd00::1"],
    "mcast.test": ["224.0.0.1"],
    "mcast6.test": ["ff02::1"],
    "bcast.test": ["255.255.255.255"],
    "reserved.test": ["240.0.0.1"],
    "bench.test": ["198.18.0.1"],
    "doc4.test": ["192.0.2.1"],
    "doc6.test": ["2001:db8::1"],
    "rfc1918-172.test": ["172.16.5.4"],
    "rfc1918-192.test": ["192.168.1.1"],
    "mixed.test": ["93.184.216.34", "127.0.0.1"],
    "mixed6.test": ["93.184.216.34", "::1"],
    "unspecified6.test": ["::"],
    "discard6.test": ["100::1"],
}


@pytest.fixture
def hostile(
    probe_settings: Settings, loopback_dns: LoopbackDNS
) -> Iterator[tuple[Settings, RunningServer]]:
    for name, addresses in HOSTILE_NAMES.items():
        loopback_dns.set(name, addresses)

    async def secret(_: web.Request) -> web.Response:
        return web.Response(text="secret")

    app = web.Application()
    app.router.add_get("/{tail:.*}", secret)
    with serve_app(app) as server:
        yield probe_settings.model_copy(update={"probe_allow_loopback": False}), server


def _urls(port: int) -> list[tuple[str, str]]:
    """(url, expected refusal code) for every hostile target."""
    forbidden = "probe.address_forbidden"
    by_name = [(f"http://{name}:{port}/", forbidden) for name in HOSTILE_NAMES]
    literals = [
        f"http://127.0.0.1:{port}/",
        f"http://2130706433:{port}/",
        f"http://0177.0.0.1:{port}/",
        f"http://0x7f.1:{port}/",
        f"http://0x7f000001:{port}/",
        f"http://017700000001:{port}/",
        f"http://127.1:{port}/",
        f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://[::ffff:7f00:1]:{port}/",
        f"http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/",
        f"http://[::127.0.0.1]:{port}/",
        f"http://[64:ff9b::7f00:1]:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0xa9.0xfe.0xa9.0xfe/",
        "http://2852039166/",
        "http://0.0.0.0/",
        "http://0/",
        "http://10.1/",
        "http://[fe80::1%25eth0]/",
        "http://%31%32%37.0.0.1/",
        "http://127.0.0.1./",
    ]
    schemes = [
        ("file:///etc/passwd", "probe.scheme_forbidden"),
        ("ftp://ftp.test/", "probe.scheme_forbidden"),
        ("gopher://loop.test:70/_GET", "probe.scheme_forbidden"),
        ("data:text/html,<script>alert(1)</script>", "probe.scheme_forbidden"),
        ("javascript:alert(1)", "probe.scheme_forbidden"),
        ("wtai://wp/mc;10086", "probe.scheme_forbidden"),
        ("dict://loop.test:11211/stat", "probe.scheme_forbidden"),
        ("ldap://loop.test/", "probe.scheme_forbidden"),
        ("jar:http://loop.test/a.jar!/", "probe.scheme_forbidden"),
        (f"http://user:pw@site.test:{port}/", "probe.url_forbidden"),
        (f"http://site.test:{port}@127.0.0.1/", "probe.url_forbidden"),
        ("http://", "probe.url_forbidden"),
        ("http://:80/", "probe.url_forbidden"),
        ("//site.test/", "probe.url_forbidden"),
    ]
    return by_name + [(u, forbidden) for u in literals] + schemes


def test_there_are_at_least_forty_hostile_targets() -> None:
    assert len(_urls(8080)) >= 40


@pytest.mark.slow
def test_every_hostile_target_is_refused_and_never_fetched(
    hostile: tuple[Settings, RunningServer],
) -> None:
    settings, server = hostile
    failures = []
    for url, code in _urls(server.port):
        result = probe_url_sync(url, settings=settings, profile="wap1")
        if result.outcome is not Outcome.REFUSED or result.refused_code != code:
            failures.append((url, result.outcome, result.refused_code, result.refused))
        assert result.exchanges == [], url
        assert result.refused, url
    assert failures == []
    assert server.total_hits == 0


@pytest.mark.slow
def test_ports_outside_the_allowed_list_are_refused(
    hostile: tuple[Settings, RunningServer],
) -> None:
    settings, server = hostile
    strict = settings.model_copy(
        update={"probe_allow_any_port": False, "probe_allow_loopback": True}
    )
    for port in (22, 25, 6379, server.port):
        result = probe_url_sync(f"http://site.test:{port}/", settings=strict)
        assert result.outcome is Outcome.REFUSED
        assert result.refused_code == "probe.port_forbidden"
        assert f"port {port}" in (result.refused or "")
    assert server.total_hits == 0


def test_an_unknown_name_is_an_error_not_a_fetch(
    hostile: tuple[Settings, RunningServer],
) -> None:
    settings, _server = hostile
    result = probe_url_sync("http://nowhere.example/", settings=settings)
    assert result.outcome is Outcome.ERROR
    assert "NXDOMAIN" in (result.error or "")
    assert result.exchanges == []

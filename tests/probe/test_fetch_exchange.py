"""The Fetcher on loopback servers: exact heads, TLS capture, bombs, slow and broken servers."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest
from aiohttp import web
from probekit import serve_app, serve_raw, tls_for

from jingwang.demo.testca import TestCA
from jingwang.probe.fetch import Fetcher
from jingwang.probe.guard import AddressPolicy, pin
from jingwang.probe.profiles import get_profile
from jingwang.probe.resolver import Resolver
from jingwang.probe.types import Exchange, LimitHit
from jingwang.settings import Settings

BOMB_SIZE = 64 * 1024 * 1024


def fetch(settings: Settings, url: str, profile: str = "android") -> Exchange:
    async def run() -> Exchange:
        pinned = await pin(
            url, AddressPolicy.from_settings(settings), Resolver.from_settings(settings)
        )
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(pinned, get_profile(profile))

    return asyncio.run(run())


def test_request_head_is_exactly_what_the_server_received(probe_settings: Settings) -> None:
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\nX-Odd:  spaced \r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()

    with serve_raw(handler) as server:
        exchange = fetch(probe_settings, server.url("wap.test", "/a?b=1"), "wap1")
    assert exchange.request_head == received[0]
    head = exchange.request_head.decode()
    assert head.startswith("GET /a?b=1 HTTP/1.1\r\nHost: wap.test:")
    assert "User-Agent: NOKIA5700/ UCWEB7.0.2.37/28/999\r\n" in head
    assert "msisdn" not in head.lower()
    assert exchange.response_head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert exchange.response_head.endswith(b"\r\n\r\n")
    assert exchange.body == b"ok"
    assert exchange.ip == "127.0.0.1"


@pytest.mark.parametrize(
    ("kind", "valid", "problem"),
    [
        ("good", True, None),
        ("expired", False, "expired"),
        ("self_signed", False, "self-signed"),
        ("wrong_name", False, "not secure.test"),
    ],
)
def test_tls_is_captured_whatever_the_certificate(
    probe_settings: Settings,
    test_ca: TestCA,
    tmp_path: Path,
    kind: str,
    valid: bool,
    problem: str | None,
) -> None:
    names = ["other.test"] if kind == "wrong_name" else ["secure.test"]
    context = tls_for(
        test_ca, names, tmp_path, expired=kind == "expired", self_signed=kind == "self_signed"
    )

    async def page(_: web.Request) -> web.Response:
        return web.Response(text="over tls")

    app = web.Application()
    app.router.add_get("/", page)
    with serve_app(app, ssl=context) as server:
        exchange = fetch(probe_settings, server.url("secure.test", https=True))
    assert exchange.status == 200
    assert exchange.body == b"over tls"
    assert exchange.tls is not None
    assert exchange.tls.valid is valid
    if problem is None:
        assert exchange.tls.problem is None
    else:
        assert problem in (exchange.tls.problem or "")
    assert exchange.tls.chain[0].dns_names == tuple(names)
    assert len(exchange.tls.chain) == (1 if kind == "self_signed" else 2)


def test_unknown_issuer_without_the_test_ca(
    probe_settings: Settings, test_ca: TestCA, tmp_path: Path
) -> None:
    app = web.Application()
    with serve_app(app, ssl=tls_for(test_ca, ["secure.test"], tmp_path)) as server:
        settings = probe_settings.model_copy(update={"probe_ca_file": None})
        exchange = fetch(settings, server.url("secure.test", https=True))
    assert exchange.status == 404
    assert exchange.tls is not None
    assert not exchange.tls.valid
    assert "unknown authority" in (exchange.tls.problem or "")


def _bomb(encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(bytes(BOMB_SIZE), 9)
    if encoding == "deflate":
        return zlib.compress(bytes(BOMB_SIZE), 9)
    return bytes(brotli.compress(bytes(BOMB_SIZE), quality=5))


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_decompression_bombs_stop_at_the_body_cap(probe_settings: Settings, encoding: str) -> None:
    payload = _bomb(encoding)

    async def bomb(_: web.Request) -> web.Response:
        return web.Response(body=payload, headers={"Content-Encoding": encoding})

    app = web.Application()
    app.router.add_get("/", bomb)
    settings = probe_settings.model_copy(update={"probe_max_body_bytes": 100_000})
    with serve_app(app) as server:
        exchange = fetch(settings, server.url("bomb.test"))
    assert exchange.truncated is LimitHit.BODY_BYTES
    assert exchange.body == bytes(100_000)
    assert len(exchange.body_wire) <= len(payload)


def test_wire_cap_keeps_what_came(probe_settings: Settings) -> None:
    async def big(_: web.Request) -> web.Response:
        return web.Response(body=b"x" * 50_000)

    app = web.Application()
    app.router.add_get("/", big)
    settings = probe_settings.model_copy(update={"probe_max_wire_bytes": 10_000})
    with serve_app(app) as server:
        exchange = fetch(settings, server.url("big.test"))
    assert exchange.truncated is LimitHit.WIRE_BYTES
    assert exchange.body_wire == exchange.body == b"x" * 10_000


@pytest.mark.slow
def test_slow_first_byte_is_cut(probe_settings: Settings) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(30)

    settings = probe_settings.model_copy(update={"probe_first_byte_timeout_seconds": 0.5})
    with serve_raw(silent) as server:
        exchange = fetch(settings, server.url("slow.test"))
    assert exchange.truncated is LimitHit.FIRST_BYTE_TIME
    assert exchange.status is None
    assert "probe_first_byte_timeout_seconds" in (exchange.error or "")
    assert exchange.request_head.startswith(b"GET / HTTP/1.1\r\n")


@pytest.mark.slow
def test_slow_drip_is_cut_at_total_time_with_the_bytes_seen(probe_settings: Settings) -> None:
    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(1000):
            writer.write(b"drip")
            await writer.drain()
            await asyncio.sleep(0.05)

    settings = probe_settings.model_copy(update={"probe_total_timeout_seconds": 1.0})
    with serve_raw(drip) as server:
        exchange = fetch(settings, server.url("drip.test"))
    assert exchange.status == 200
    assert exchange.truncated is LimitHit.TOTAL_TIME
    assert exchange.body.startswith(b"dripdrip")
    assert exchange.body == exchange.body_wire
    assert "probe_total_timeout_seconds" in (exchange.error or "")


def test_connection_reset_mid_body_keeps_the_bytes(probe_settings: Settings) -> None:
    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
        await writer.drain()
        writer.transport.abort()

    with serve_raw(reset) as server:
        exchange = fetch(probe_settings, server.url("reset.test"))
    assert exchange.status == 200
    assert exchange.body == b"partial"
    assert "broke after 7 body bytes" in (exchange.error or "")


def test_connection_refused_is_an_error_not_an_exception(probe_settings: Settings) -> None:
    async def nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        return

    with serve_raw(nothing) as server:
        port = server.port
    exchange = fetch(probe_settings, f"http://gone.test:{port}/")
    assert exchange.status is None
    assert "could not connect" in (exchange.error or "")


def test_server_closing_without_answer(probe_settings: Settings) -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")

    with serve_raw(hang_up) as server:
        exchange = fetch(probe_settings, server.url("hangup.test"))
    assert exchange.status is None
    assert exchange.error

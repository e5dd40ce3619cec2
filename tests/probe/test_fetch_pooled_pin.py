"""A keep-alive connection to a host's earlier address is never used for its new pin."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.fetch import Fetcher
from jingwang.probe.guard import AddressPolicy, Pinned, pin
from jingwang.probe.profiles import get_profile
from jingwang.probe.resolver import Resolver
from jingwang.probe.types import Exchange
from jingwang.settings import Settings


def _server(name: bytes, connections: list[bytes]) -> object:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(name)
        try:
            while True:  # keep-alive: answer every request on this connection
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + name)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    return handler


@contextlib.asynccontextmanager
async def _two_servers(connections: list[bytes]) -> AsyncIterator[int]:
    """Server A on 127.0.0.1 and server B on 127.0.0.2, one port (yielded) for both."""
    first = await asyncio.start_server(_server(b"A", connections), "127.0.0.1", 0)
    port = first.sockets[0].getsockname()[1]
    second = await asyncio.start_server(_server(b"B", connections), "127.0.0.2", port)
    async with first, second:
        yield port


def test_a_changed_pin_gets_a_connection_to_the_new_address(
    probe_settings: Settings, loopback_dns: LoopbackDNS
) -> None:
    # The name answers 127.0.0.1, then 127.0.0.2 (TTL 0); a server on each, on one port.
    loopback_dns.set_sequence("moving.test", ["127.0.0.1", "127.0.0.2", "127.0.0.2"])
    connections: list[bytes] = []

    async def run() -> list[Exchange]:
        policy = AddressPolicy.from_settings(probe_settings)
        resolver = Resolver.from_settings(probe_settings)
        async with _two_servers(connections) as port, Fetcher(probe_settings) as fetcher:
            url = f"http://moving.test:{port}/"
            exchanges = []
            for _ in range(3):
                pinned = await pin(url, policy, resolver)
                exchanges.append(await fetcher.fetch(pinned, get_profile("android")))
            return exchanges

    exchanges = asyncio.run(run())

    assert [(e.ip, e.body, e.error) for e in exchanges] == [
        ("127.0.0.1", b"A", None),
        ("127.0.0.2", b"B", None),
        ("127.0.0.2", b"B", None),
    ]
    assert connections == [b"A", b"B"]  # the second pin's connection is kept alive in turn


def test_concurrent_probes_of_one_host_each_reach_their_own_pin(probe_settings: Settings) -> None:
    # Round-robin DNS: probes of one host running at once may pin different addresses; each
    # request must go to the address its own probe checked, whatever the others pinned.
    connections: list[bytes] = []

    async def run() -> list[Exchange]:
        async with _two_servers(connections) as port, Fetcher(probe_settings) as fetcher:
            url = f"http://rr.test:{port}/"
            pins = [
                Pinned(url, "http", "rr.test", port, "127.0.0.1" if n % 2 == 0 else "127.0.0.2")
                for n in range(20)
            ]
            profile = get_profile("android")
            return list(await asyncio.gather(*(fetcher.fetch(p, profile) for p in pins)))

    exchanges = asyncio.run(run())

    assert [(e.ip, e.body) for e in exchanges] == [
        ("127.0.0.1", b"A") if n % 2 == 0 else ("127.0.0.2", b"B") for n in range(20)
    ]

"""Name resolution for the prober: the system resolver, or one UDP name server (``probe_resolver``).

The guard (:func:`jingwang.probe.guard.pin`) resolves a host once through a :class:`Resolver`,
checks every address, and the fetcher connects to the address it pinned, so a name whose
answers change between lookups (DNS rebinding) cannot steer a connection elsewhere.

With ``probe_resolver = "HOST:PORT"`` the prober asks that server directly over UDP with
dnspython (no search domains, no ``/etc/hosts``, a short timeout): the demo's and the tests'
:class:`jingwang.demo.dns.LoopbackDNS`. Empty means the system resolver (``getaddrinfo``).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import time
import weakref
from dataclasses import dataclass
from typing import Any

import dns.asyncresolver
import dns.exception
import dns.name
import dns.nameserver
import dns.resolver

from jingwang.errors import ConfigError
from jingwang.probe.errors import Unresolvable
from jingwang.settings import Settings

_TIMEOUT_SECONDS = 3.0
_TRY_SECONDS = 0.5


def parse_server(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` too) of a name server; the port defaults to 53."""
    text = value.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    else:
        host, _, port_text = text.rpartition(":") if ":" in text else (text, "", "")
    try:
        ipaddress.ip_address(host)
        port = int(port_text) if port_text else 53
    except ValueError as exc:
        raise ConfigError(
            f"probe_resolver {value!r} must be an address and port, e.g. 127.0.0.1:5353",
            setting="probe_resolver",
        ) from exc
    if not 0 < port < 65536:
        raise ConfigError(f"probe_resolver port {port} is out of range", setting="probe_resolver")
    return host, port


@dataclass(frozen=True)
class Resolver:
    """Resolves a host name to its addresses; ``server`` None means the system resolver."""

    server: tuple[str, int] | None = None
    timeout: float = _TIMEOUT_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> Resolver:
        if not settings.probe_resolver.strip():
            return cls()
        return cls(parse_server(settings.probe_resolver))

    @property
    def name(self) -> str:
        if self.server is None:
            return "system"
        host, port = self.server
        shown = f"[{host}]" if ":" in host else host
        return f"udp://{shown}:{port}"

    async def resolve(self, host: str) -> list[str]:
        """Every A and AAAA address of ``host`` (IPv4 first); raises :class:`Unresolvable`."""
        if self.server is None:
            addresses = await self._system(host)
        else:
            addresses = await self._udp(host, self.server)
        if not addresses:
            raise Unresolvable(f"{host} has no IPv4 or IPv6 address", host=host)
        return addresses

    async def _system(self, host: str) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), self.timeout
            )
        except (OSError, TimeoutError) as exc:
            raise Unresolvable(f"{host} could not be resolved: {exc}", host=host) from exc
        found = [str(info[4][0]) for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]
        return _ordered(found)

    async def _udp(self, host: str, server: tuple[str, int]) -> list[str]:
        known = _answers(server)
        cached = known.get(host)
        if cached is not None and cached[0] > time.monotonic():
            return list(cached[1])
        # Probes of one host start together (a campaign claims a site's pages at once): they
        # share one pair of queries instead of each asking the server the same question.
        asking = _asking()
        key = (server, host)
        pending = asking.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._ask(host, server, known))
            asking[key] = pending
            pending.add_done_callback(functools.partial(_asked, asking, key))
        return list(await asyncio.shield(pending))

    async def _ask(
        self, host: str, server: tuple[str, int], known: dict[str, tuple[float, tuple[str, ...]]]
    ) -> list[str]:
        """Ask ``server`` for the A and AAAA records of ``host``; keep the answer for its TTL."""
        resolver = _udp_resolver(server, self.timeout)
        name = dns.name.from_text(host)
        answers = await asyncio.gather(
            *(self._query(resolver, name, host, rdtype) for rdtype in ("A", "AAAA"))
        )
        if all(answer is None for answer in answers):
            raise Unresolvable(f"{host} does not exist (NXDOMAIN from {self.name})", host=host)
        found = [answer for answer in answers if answer is not None and answer[0]]
        addresses = _ordered([address for records, _ in found for address in records])
        ttl = min((seconds for _, seconds in found), default=0.0)
        if ttl > 0 and addresses:
            if len(known) >= _ANSWER_CACHE_SIZE:
                known.clear()  # a crude bound: a campaign's hosts come round again soon enough
            known[host] = (time.monotonic() + ttl, tuple(addresses))
        return addresses

    async def _query(
        self, resolver: dns.asyncresolver.Resolver, name: dns.name.Name, host: str, rdtype: str
    ) -> tuple[list[str], float] | None:
        """The addresses of one type and for how many seconds they hold; ``None`` for NXDOMAIN."""
        try:
            answer = await resolver.resolve(name, rdtype, search=False, tcp=False)
        except dns.resolver.NXDOMAIN:
            return None
        except dns.resolver.NoAnswer:
            return [], 0.0
        except dns.exception.DNSException as exc:
            raise Unresolvable(
                f"{host} could not be resolved by {self.name}: {exc}", host=host
            ) from exc
        return [rdata.to_text() for rdata in answer], max(0.0, answer.expiration - time.time())


_ANSWER_CACHE_SIZE = 100_000  # hosts whose answers are kept, per name server

_Asking = dict[tuple[tuple[str, int], str], "asyncio.Future[list[str]]"]
_ASKING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Asking] = weakref.WeakKeyDictionary()


def _asking() -> _Asking:
    """The lookups in flight in this event loop, by (server, host)."""
    return _ASKING.setdefault(asyncio.get_running_loop(), {})


def _asked(asking: _Asking, key: tuple[tuple[str, int], str], done: asyncio.Future[Any]) -> None:
    """Forget a finished lookup; its error is read here too, in case every waiter has gone."""
    if asking.get(key) is done:
        del asking[key]
    if not done.cancelled():
        done.exception()


@functools.lru_cache(maxsize=16)
def _answers(server: tuple[str, int]) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Host -> (monotonic expiry, addresses) for one name server.

    dnspython's own cache keeps each answer for its TTL too, but a hit there still costs two
    queries' worth of its machinery (about 0.2 ms); a campaign resolves the same hosts for
    every page, so the combined A + AAAA answer is kept here for the shortest TTL of the
    records in it (a type with no records, usually AAAA, is asked again with the others when
    that runs out). A TTL of 0 (a rebinding trick) is never kept.
    """
    return {}


@functools.lru_cache(maxsize=16)
def _udp_resolver(server: tuple[str, int], timeout: float) -> dns.asyncresolver.Resolver:
    """One dnspython resolver per server (no search list, no /etc/resolv.conf).

    Answers are cached for their TTL, as any resolver does: a campaign asks for the same hosts
    again and again. A rebinding trick answers with TTL 0, which is never cached, and each
    probe still pins the one answer it checked.
    """
    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.cache = dns.resolver.Cache()
    resolver.nameservers = [dns.nameserver.Do53Nameserver(server[0], server[1])]
    resolver.lifetime = timeout
    resolver.timeout = min(_TRY_SECONDS, timeout)  # UDP can drop a query: ask again soon
    resolver.search = []
    resolver.use_search_by_default = False
    return resolver


def _ordered(addresses: list[str]) -> list[str]:
    """De-duplicated, IPv4 before IPv6, otherwise in the order given."""
    unique = list(dict.fromkeys(addresses))
    return [a for a in unique if ":" not in a] + [a for a in unique if ":" in a]


__all__ = ["Resolver", "parse_server"]

"""The SSRF guard: which URLs and addresses the prober may connect to, decided before any byte.

The prober fetches URLs that strangers submit, so every hop passes :func:`check_url` (scheme,
credentials, port, IP literals in every spelling) and :func:`pin` (resolve the host once, refuse
when ANY address is special-purpose, and hand the fetcher the one address to connect to). The
fetcher then connects only to that pinned address, so a DNS answer that changes between two
lookups (rebinding) cannot move the connection.

The address tables are our own copy of the IANA IPv4 and IPv6 special-purpose registries; we
do not rely on ``ipaddress.is_private`` and friends (their answers changed between patch
releases, CVE-2024-4032). Addresses that carry an IPv4 address inside (IPv4-mapped, NAT64,
6to4, Teredo) are judged by the address inside too. Loopback is allowed only with
``probe_allow_loopback`` and RFC 1918 / unique-local only with ``probe_allow_private``
(tests and the demo); everything else in the tables is always refused.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from enum import Enum
from typing import Protocol
from urllib.parse import urlsplit

from jingwang.core.url import URLError, canonicalize
from jingwang.probe.errors import (
    AddressForbidden,
    PortForbidden,
    SchemeForbidden,
    URLForbidden,
)
from jingwang.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_URL_LENGTH = 8192


class _Kind(Enum):
    LOOPBACK = "loopback"
    PRIVATE = "private"
    FORBIDDEN = "forbidden"


_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network
_IPV4_SPECIAL: tuple[tuple[_V4, _Kind, str], ...] = tuple(
    (_V4(net), kind, what)
    for net, kind, what in (
        ("0.0.0.0/8", _Kind.FORBIDDEN, "'this network' (RFC 791)"),
        ("10.0.0.0/8", _Kind.PRIVATE, "private-use (RFC 1918)"),
        ("100.64.0.0/10", _Kind.FORBIDDEN, "shared carrier-grade NAT space (RFC 6598)"),
        ("127.0.0.0/8", _Kind.LOOPBACK, "loopback (RFC 1122)"),
        ("169.254.0.0/16", _Kind.FORBIDDEN, "link-local, cloud metadata (RFC 3927)"),
        ("172.16.0.0/12", _Kind.PRIVATE, "private-use (RFC 1918)"),
        ("192.0.0.0/24", _Kind.FORBIDDEN, "IETF protocol assignments (RFC 6890)"),
        ("192.0.2.0/24", _Kind.FORBIDDEN, "documentation TEST-NET-1 (RFC 5737)"),
        ("192.31.196.0/24", _Kind.FORBIDDEN, "AS112-v4 (RFC 7535)"),
        ("192.52.193.0/24", _Kind.FORBIDDEN, "AMT (RFC 7450)"),
        ("192.88.99.0/24", _Kind.FORBIDDEN, "deprecated 6to4 relay anycast (RFC 7526)"),
        ("192.168.0.0/16", _Kind.PRIVATE, "private-use (RFC 1918)"),
        ("192.175.48.0/24", _Kind.FORBIDDEN, "direct delegation AS112 (RFC 7534)"),
        ("198.18.0.0/15", _Kind.FORBIDDEN, "benchmarking (RFC 2544)"),
        ("198.51.100.0/24", _Kind.FORBIDDEN, "documentation TEST-NET-2 (RFC 5737)"),
        ("203.0.113.0/24", _Kind.FORBIDDEN, "documentation TEST-NET-3 (RFC 5737)"),
        ("224.0.0.0/4", _Kind.FORBIDDEN, "multicast (RFC 5771)"),
        ("240.0.0.0/4", _Kind.FORBIDDEN, "reserved (RFC 1112)"),
        ("255.255.255.255/32", _Kind.FORBIDDEN, "limited broadcast (RFC 919)"),
    )
)
_IPV6_SPECIAL: tuple[tuple[_V6, _Kind, str], ...] = tuple(
    (_V6(net), kind, what)
    for net, kind, what in (
        ("::1/128", _Kind.LOOPBACK, "loopback (RFC 4291)"),
        ("::/128", _Kind.FORBIDDEN, "unspecified (RFC 4291)"),
        ("::/96", _Kind.FORBIDDEN, "deprecated IPv4-compatible (RFC 4291)"),
        ("64:ff9b:1::/48", _Kind.FORBIDDEN, "local-use NAT64 (RFC 8215)"),
        ("100::/64", _Kind.FORBIDDEN, "discard-only (RFC 6666)"),
        ("2001:db8::/32", _Kind.FORBIDDEN, "documentation (RFC 3849)"),
        ("2001::/23", _Kind.FORBIDDEN, "IETF protocol assignments (RFC 2928)"),
        ("3fff::/20", _Kind.FORBIDDEN, "documentation (RFC 9637)"),
        ("5f00::/16", _Kind.FORBIDDEN, "segment routing SIDs (RFC 9602)"),
        ("fc00::/7", _Kind.PRIVATE, "unique-local (RFC 4193)"),
        ("fe80::/10", _Kind.FORBIDDEN, "link-local (RFC 4291)"),
        ("fec0::/10", _Kind.FORBIDDEN, "deprecated site-local (RFC 3879)"),
        ("ff00::/8", _Kind.FORBIDDEN, "multicast (RFC 4291)"),
    )
)
_MAPPED = _V6("::ffff:0:0/96")  # IPv4-mapped (RFC 4291)
_TRANSLATED = _V6("::ffff:0:0:0/96")  # IPv4-translated (RFC 2765)
_NAT64 = _V6("64:ff9b::/96")  # well-known NAT64 prefix (RFC 6052)
_SIX_TO_FOUR = _V6("2002::/16")  # 6to4 (RFC 3056)
_TEREDO = _V6("2001::/32")  # Teredo (RFC 4380)


@dataclass(frozen=True)
class AddressPolicy:
    """What the guard allows beyond the public internet (tests and the demo loosen it)."""

    allow_loopback: bool = False
    allow_private: bool = False
    allowed_ports: frozenset[int] = frozenset({80, 443, 8080, 8000, 8443, 8888})
    allow_any_port: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> AddressPolicy:
        return cls(
            allow_loopback=settings.probe_allow_loopback,
            allow_private=settings.probe_allow_private,
            allowed_ports=frozenset(settings.probe_allowed_ports),
            allow_any_port=settings.probe_allow_any_port,
        )


@dataclass(frozen=True)
class Target:
    """A URL that passed :func:`check_url`: ``url`` is the normalised form to fetch."""

    url: str
    scheme: str
    host: str  # lower-case ASCII name, or an IP address without brackets
    port: int

    @property
    def is_ip(self) -> bool:
        return _parse_ip(self.host) is not None


@dataclass(frozen=True)
class Pinned:
    """A checked URL and the one checked address the fetcher must connect to."""

    url: str
    scheme: str
    host: str
    port: int
    ip: str
    addresses: tuple[str, ...] = ()  # everything the resolver answered (all checked)


class HostResolver(Protocol):
    """What resolves a host to its addresses (:class:`jingwang.probe.resolver.Resolver`)."""

    async def resolve(self, host: str) -> list[str]: ...


def _parse_ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None


def _classify(address: IPAddress) -> tuple[_Kind, str] | None:
    """The special-purpose block ``address`` lies in, as (kind, description); None if public."""
    if isinstance(address, ipaddress.IPv4Address):
        for v4net, kind, what in _IPV4_SPECIAL:
            if address in v4net:
                return kind, f"{what}, {v4net}"
        return None
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        inner, how = embedded
        found = _classify(inner)
        if found is not None:
            return found[0], f"{how} form of {inner}, which is {found[1]}"
        if how != "NAT64" and how != "6to4":
            return _Kind.FORBIDDEN, f"{how} form of {inner}: not a public IPv6 address"
        return None
    for v6net, kind, what in _IPV6_SPECIAL:
        if address in v6net:
            return kind, f"{what}, {v6net}"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    value = int(address)
    if address in _MAPPED or address in _TRANSLATED:
        how = "IPv4-mapped" if address in _MAPPED else "IPv4-translated"
        return ipaddress.IPv4Address(value & 0xFFFFFFFF), how
    if address in _NAT64:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF), "NAT64"
    if address in _SIX_TO_FOUR:
        return ipaddress.IPv4Address((value >> 80) & 0xFFFFFFFF), "6to4"
    if address in _TEREDO:  # the client's address, obfuscated in the last 32 bits
        return ipaddress.IPv4Address((value & 0xFFFFFFFF) ^ 0xFFFFFFFF), "Teredo"
    if address != ipaddress.IPv6Address("::1") and address in _V6("::/96") and value > 1:
        return ipaddress.IPv4Address(value), "IPv4-compatible"
    return None


@functools.lru_cache(maxsize=4096)  # a campaign checks the same few addresses again and again
def _judged(ip: str) -> tuple[IPAddress | None, tuple[_Kind, str] | None]:
    """``ip`` parsed, and the special-purpose block it lies in (see :func:`_classify`)."""
    address = _parse_ip(ip)
    return address, _classify(address) if address is not None else None


def check_ip(ip: str, policy: AddressPolicy) -> None:
    """Raise :class:`AddressForbidden` unless the prober may connect to ``ip``."""
    address, found = _judged(ip)
    if address is None:
        raise AddressForbidden(f"{ip!r} is not an IP address", address=ip)
    if found is None:
        return
    kind, what = found
    if kind is _Kind.LOOPBACK and policy.allow_loopback:
        return
    if kind is _Kind.PRIVATE and policy.allow_private:
        return
    hint = {
        _Kind.LOOPBACK: " (only tests and the demo allow loopback: probe_allow_loopback)",
        _Kind.PRIVATE: " (private addresses need probe_allow_private)",
        _Kind.FORBIDDEN: "",
    }[kind]
    raise AddressForbidden(
        f"address {address} is {what}: the prober never connects there{hint}", address=str(ip)
    )


def check_url(url: str, policy: AddressPolicy) -> Target:
    """Check a URL before anything is resolved or sent; the :class:`Target` to fetch."""
    text = url.strip()
    if len(text) > _MAX_URL_LENGTH:
        raise URLForbidden(f"the URL is longer than {_MAX_URL_LENGTH} characters", url=text[:200])
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise URLForbidden("the URL contains control characters", url=text)
    match = _SCHEME.match(text)
    if match is None:
        raise URLForbidden("give an absolute http:// or https:// URL", url=text)
    scheme = match.group(1).lower()
    if scheme not in _DEFAULT_PORTS:
        raise SchemeForbidden(
            f"scheme {scheme!r} is not fetched: the prober follows http:// and https:// only",
            url=text,
            scheme=scheme,
        )
    rest = text[match.end() :].replace("\\", "/")
    if not rest.startswith("//"):
        raise URLForbidden("an http(s) URL needs a host: http://host/path", url=text)
    authority = re.split(r"[/?#]", rest.lstrip("/"), maxsplit=1)[0]
    if "@" in authority:
        raise URLForbidden("URLs with a user name or password are not fetched", url=text)
    try:
        canonical = canonicalize(text)
    except URLError as exc:
        raise URLForbidden(f"the URL cannot be fetched: {exc.message}", url=text) from exc
    port = canonical.port if canonical.port is not None else _DEFAULT_PORTS[scheme]
    if not policy.allow_any_port and port not in policy.allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        raise PortForbidden(
            f"port {port} is not one the prober uses ({allowed}; probe_allowed_ports)",
            url=text,
            port=port,
        )
    if port == 0:
        raise PortForbidden("port 0 cannot be connected to", url=text, port=port)
    host = canonical.host.strip("[]")
    if "%" in host:
        host = _zone_free(host, policy, text)
    if _parse_ip(host) is not None:
        check_ip(host, policy)
    return Target(_fetch_url(scheme, host, canonical.port, text), scheme, host, port)


def _zone_free(host: str, policy: AddressPolicy, url: str) -> str:
    address, _, _ = host.partition("%")
    check_ip(address, policy)
    raise URLForbidden("IPv6 zone ids (fe80::1%eth0) name a local interface", url=url)


def _fetch_url(scheme: str, host: str, port: int | None, text: str) -> str:
    split = urlsplit(text.replace("\\", "/"))
    shown_host = f"[{host}]" if ":" in host else host
    port_part = f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else ""
    path = split.path or "/"
    query = f"?{split.query}" if split.query else ""
    return f"{scheme}://{shown_host}{port_part}{path}{query}"


async def pin(url: str, policy: AddressPolicy, resolver: HostResolver) -> Pinned:
    """Check ``url``, resolve its host ONCE, check every address, pin the first.

    Raises :class:`~jingwang.probe.errors.ProbeRefused` subclasses (``Unresolvable`` from the
    resolver); a name with one forbidden address among good ones is refused as a whole.
    """
    target = check_url(url, policy)
    if target.is_ip:
        return Pinned(target.url, target.scheme, target.host, target.port, target.host)
    addresses = await resolver.resolve(target.host)
    for address in addresses:
        try:
            check_ip(address, policy)
        except AddressForbidden as exc:
            raise AddressForbidden(
                f"{target.host} resolves to {exc.message}", url=target.url, address=address
            ) from exc
    return Pinned(
        target.url, target.scheme, target.host, target.port, addresses[0], tuple(addresses)
    )


__all__ = ["AddressPolicy", "HostResolver", "Pinned", "Target", "check_ip", "check_url", "pin"]

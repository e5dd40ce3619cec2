"""The sample web's data: sites, what each (host, path) answers, and each site's ground truth.

A :class:`SampleWeb` is plain data built by :func:`~.generator.generate`; the server only
looks answers up. Bodies are bytes rendered at generation time, except large or costly ones
(images, decompression bombs), which are rendered on first use and cached.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from jingwang.demo.sampleweb.content import Topic


class SiteKind(StrEnum):
    """What a site is, for tests and benchmarks; ``CONTENT_KINDS`` are ordinary sites."""

    PORN = "porn"
    BENIGN = "benign"
    HARD_NEGATIVE = "hard_negative"  # benign, but close to porn-like (health, lingerie, news)
    UNFILED = "unfiled"  # porn-like or benign, with no filing number at all
    MIXED = "mixed"  # some porn-like pages among benign ones
    LANDING = "landing"  # promotion landing pages with channel codes in their URLs
    SP = "sp"  # SP service pages: "发送 XX 到 1066xxxx"
    MIRROR = "mirror"  # the same bytes as another site, on another domain
    UA_DEPENDENT = "ua_dependent"  # WML to WAP handsets, HTML to smartphones, or other content
    SLOW = "slow"
    BROKEN = "broken"
    REDIRECTOR = "redirector"
    BOMB = "bomb"
    HOSTILE = "hostile"  # over-nested page, pixel-bomb image, a non-image called image/png


CONTENT_KINDS = frozenset(
    {
        SiteKind.PORN,
        SiteKind.BENIGN,
        SiteKind.HARD_NEGATIVE,
        SiteKind.UNFILED,
        SiteKind.MIXED,
        SiteKind.LANDING,
        SiteKind.SP,
        SiteKind.MIRROR,
        SiteKind.UA_DEPENDENT,
    }
)


class Behaviour(StrEnum):
    """How the server delivers a resource."""

    NORMAL = "normal"
    SLOW_FIRST_BYTE = "slow_first_byte"  # wait ``delay_s`` before the status line
    DRIP = "drip"  # headers at once, then one byte every ``delay_s`` for ``duration_s``
    RESET = "reset"  # close the connection (RST) without an answer
    TRUNCATE = "truncate"  # announce Content-Length, send part of the body, close


class ClientClass(StrEnum):
    """Which kind of browser asked, judged from User-Agent and Accept."""

    WAP = "wap"  # WAP 1.x handsets and feature phones (UCWEB, Nokia, MAUI, Opera Mini)
    SMARTPHONE = "smartphone"
    DESKTOP = "desktop"


_WAP_MARKS = ("ucweb", "nokia", "maui", "opera mini", "symbian", "series60", "midp", "wap")
_SMART_MARKS = ("iphone", "android", "mobile safari", "mobile")


def client_class(user_agent: str, accept: str) -> ClientClass:
    """Classify a request the way a 2009 WAP site did: by UA marks, then by WML in Accept."""
    ua = user_agent.lower()
    if any(mark in ua for mark in _SMART_MARKS) and "ucweb" not in ua and "midp" not in ua:
        return ClientClass.SMARTPHONE
    if any(mark in ua for mark in _WAP_MARKS) or "text/vnd.wap.wml" in accept.lower():
        return ClientClass.WAP
    return ClientClass.DESKTOP


@dataclass(eq=False)
class Resource:
    """What one (host, path) answers. ``variants`` override it per client class."""

    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    body: bytes | None = b""
    lazy: Callable[[], bytes] | None = field(default=None, repr=False)
    headers: tuple[tuple[str, str], ...] = ()
    behaviour: Behaviour = Behaviour.NORMAL
    delay_s: float = 0.0
    duration_s: float = 0.0
    variants: dict[ClientClass, Resource] = field(default_factory=dict)

    def data(self) -> bytes:
        """The body bytes, rendered on first use for lazy resources."""
        if self.body is None:
            if self.lazy is None:
                raise ValueError("a Resource needs a body or a lazy renderer")
            self.body = self.lazy()
        return self.body

    def pick(self, client: ClientClass) -> Resource:
        """The variant this client gets (itself when none is set)."""
        return self.variants.get(client, self)


@dataclass(frozen=True)
class ExpectedId:
    """An identifier a page shows: ``kind`` as the extractor names it, ``value`` normalised.

    Kinds: icp, qq, phone, sp_code, channel_code, analytics, email. Values: digits only for
    qq, phone and sp_code; the code for channel_code; ``UA-…``, ``cnzz:N`` or ``baidu:<hex>``
    for analytics; the ICP number as printed with full-width digits made ASCII.
    """

    kind: str
    value: str


@dataclass(frozen=True)
class CharsetTruth:
    """How a site's pages are really encoded and what they claim."""

    encoding: str  # the codec the bytes were written with: utf-8, gb2312, gbk, gb18030, big5
    bom: bool = False
    header_label: str | None = None  # charset= of the Content-Type header
    meta_label: str | None = None  # XML declaration or <meta> label
    mislabelled: bool = False


@dataclass(frozen=True)
class SiteTruth:
    """What tests may expect of a site."""

    kind: SiteKind
    topic: Topic | None = None
    icp_status: str = "none"  # right | wrong | borrowed | none
    icp_number: str | None = None  # as printed (ASCII digits)
    identifiers: tuple[ExpectedId, ...] = ()
    redirect_target: str | None = None  # final URL of a redirector's entry, "http://host/path"
    redirect_via: tuple[str, ...] = ()  # the hop kinds on the way (Via values)
    charset: CharsetTruth | None = None
    mirror_of: str | None = None
    behaviour: str | None = None  # the slow/broken/bomb/hostile behaviour, by name
    formats: tuple[str, ...] = ()  # page formats served: wml, xhtml-mp, html5
    porn_pages: tuple[str, ...] = ()  # paths whose text is porn-like (all pages of a porn site)
    note: str = ""


@dataclass(eq=False)
class SampleSite:
    """One virtual host: its answers, its page URLs (for probing) and its truth."""

    host: str
    truth: SiteTruth
    resources: dict[str, Resource] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)  # paths (with query) that are pages
    entry: str = "/"

    @property
    def kind(self) -> SiteKind:
        return self.truth.kind


@dataclass(frozen=True)
class Filing:
    """A made-up ICP filing: what a right number on a page matches."""

    number: str
    holder: str
    domains: tuple[str, ...]


@dataclass(eq=False)
class SampleWeb:
    """Every site of the sample web, by host; built by :func:`~.generator.generate`."""

    seed: int
    sites: list[SampleSite]
    filings: list[Filing] = field(default_factory=list)
    _by_host: dict[str, SampleSite] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for site in self.sites:
            if site.host in self._by_host:
                raise ValueError(f"two sample sites share the host {site.host!r}")
            self._by_host[site.host] = site

    def site(self, host: str) -> SampleSite:
        """The site for a host name (lower-case, no port); KeyError when there is none."""
        return self._by_host[host]

    def get(self, host: str) -> SampleSite | None:
        return self._by_host.get(host)

    def of_kind(self, kind: SiteKind) -> list[SampleSite]:
        return [site for site in self.sites if site.kind is kind]

    def zone(self) -> dict[str, list[str]]:
        """Every host → ["127.0.0.1"], for :class:`jingwang.demo.dns.LoopbackDNS`."""
        return {site.host: ["127.0.0.1"] for site in self.sites}

    def urls(
        self,
        scheme: str = "http",
        *,
        port: int | None = None,
        kinds: Collection[SiteKind] | None = None,
    ) -> list[str]:
        """Page URLs of every site (of ``kinds``), ``port`` added when given."""
        return [
            page_url(site.host, path, scheme=scheme, port=port)
            for site in self.sites
            if kinds is None or site.kind in kinds
            for path in site.pages
        ]

    def resources(self) -> Iterator[tuple[str, str, Resource]]:
        """Every (host, path, resource), variants excluded."""
        for site in self.sites:
            for path, resource in site.resources.items():
                yield site.host, path, resource


def page_url(host: str, path: str, *, scheme: str = "http", port: int | None = None) -> str:
    """``scheme://host[:port]path``; the default port of the scheme is left out."""
    default = 443 if scheme == "https" else 80
    netloc = host if port is None or port == default else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}"


__all__ = [
    "CONTENT_KINDS",
    "Behaviour",
    "CharsetTruth",
    "ClientClass",
    "ExpectedId",
    "Filing",
    "Resource",
    "SampleSite",
    "SampleWeb",
    "SiteKind",
    "SiteTruth",
    "client_class",
    "page_url",
]

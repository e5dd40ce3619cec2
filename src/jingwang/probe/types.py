"""The prober's value types: what one fetch saw, what a page says, what a probe recorded.

These are plain data, shared by the fetcher (:mod:`.fetch`), the parsers (:mod:`.parse`), the
evidence writer (:mod:`.warc`) and the probe loop (:mod:`.probe`). Nothing here does I/O.

Words: an **exchange** is one HTTP request and its response over the wire; a **hop** is one
step of a redirect chain (an HTTP 3xx, a meta refresh, a WML timer…); a **probe** follows the
hops from one start URL, fetches the final page's subresources and parses it; its record is a
**capture**.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

BACKOFF_STATUSES: Final = frozenset({429, 503})  # answers that put a host in back-off


class Via(StrEnum):
    """How the prober came to a URL."""

    START = "start"
    HTTP = "http"  # a 3xx Location
    META_REFRESH = "meta_refresh"  # <meta http-equiv=refresh content="N;url=…">
    WML_ONTIMER = "wml_ontimer"  # <card ontimer=…> / <onevent type=ontimer> with <timer>
    WML_ONENTERFORWARD = "wml_onenterforward"  # <card onenterforward=…> / <onevent …>
    SCRIPT = "script"  # location='…' / location.href=… / location.replace(…) in inline script
    SUBRESOURCE = "subresource"  # an image or favicon of the final page


class Outcome(StrEnum):
    """How a probe ended (the capture's ``status``)."""

    OK = "ok"  # the final page was fetched (any HTTP status)
    REFUSED = "refused"  # the SSRF guard refused the start URL; nothing was fetched
    ERROR = "error"  # network error before any page (DNS failure, connection refused, TLS)
    LIMIT = "limit"  # a limit cut the probe short; what was seen is kept


class LimitHit(StrEnum):
    """Which limit cut an exchange or a probe short."""

    WIRE_BYTES = "wire_bytes"  # probe_max_wire_bytes on the wire
    BODY_BYTES = "body_bytes"  # probe_max_body_bytes after decompression (zip bombs)
    FIRST_BYTE_TIME = "first_byte_time"  # probe_first_byte_timeout_seconds
    TOTAL_TIME = "total_time"  # probe_total_timeout_seconds (slow-drip servers)
    REDIRECTS = "redirects"  # probe_max_redirects
    NESTING = "nesting"  # probe_max_nesting of HTML/WML elements
    IMAGE_PIXELS = "image_pixels"  # probe_max_image_pixels
    IMAGE_FORMAT = "image_format"  # not in probe_image_formats
    SUBRESOURCES = "subresources"  # probe_max_subresources


@dataclass(frozen=True)
class CertInfo:
    """One certificate of a TLS chain, as presented by the server."""

    subject: str
    issuer: str
    serial: str  # hex
    not_before: dt.datetime
    not_after: dt.datetime
    sha256: str  # of the DER bytes, hex
    der: bytes = field(repr=False)
    dns_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class TLSInfo:
    """What the TLS handshake showed. The prober captures even when the chain is invalid."""

    version: str  # e.g. "TLSv1.3"
    cipher: str
    valid: bool  # chain verified against the trust store for this host name, today
    problem: str | None  # why not valid ("certificate has expired", "self-signed", …)
    chain: tuple[CertInfo, ...]  # leaf first, as the server sent it


@dataclass
class Exchange:
    """One request and its response, byte for byte as far as the limits allowed."""

    url: str  # the absolute URL requested
    method: str
    ip: str  # the pinned address connected to
    port: int
    request_head: bytes  # request line and headers exactly as sent, ending with CRLF CRLF
    request_body: bytes
    started_at: dt.datetime
    status: int | None = None  # None when no response came
    reason: str = ""
    http_version: str = "1.1"
    response_headers: list[tuple[str, str]] = field(default_factory=list)  # as received, in order
    response_head: bytes = b""  # status line and headers as received, ending with CRLF CRLF
    body_wire: bytes = b""  # the payload as it came (still content-encoded, de-chunked)
    body: bytes = b""  # after Content-Encoding was undone (gzip, deflate, br), capped
    truncated: LimitHit | None = None  # a limit cut the body short (what came is kept)
    error: str | None = None  # a network failure, said plainly
    ttfb_ms: float | None = None
    total_ms: float | None = None
    tls: TLSInfo | None = None
    via: Via = Via.START

    def header(self, name: str) -> str | None:
        """The first response header called ``name`` (case-insensitive)."""
        lowered = name.lower()
        for key, value in self.response_headers:
            if key.lower() == lowered:
                return value
        return None

    @property
    def content_type(self) -> str | None:
        value = self.header("content-type")
        return value.split(";", 1)[0].strip().lower() if value else None


@dataclass(frozen=True)
class Identifier:
    """An identifier printed on a page, with where it was found in the page text."""

    kind: str  # icp, qq, phone, sp_code, channel_code, analytics, payment, email
    value: str  # canonical form (e.g. 粤ICP备2021123456号-1, 13800138000, UA-12345-1)
    raw: str  # as printed
    start: int  # offsets into the text it was found in
    end: int
    source: str = "text"  # text, link, meta, script
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    url: str  # absolute, resolved against the page (wtai:// and tel: links kept as written)
    text: str
    kind: str = "a"  # a, go (WML <go>), area, frame, wtai, tel, sms, mailto


@dataclass(frozen=True)
class Form:
    action: str
    method: str
    fields: tuple[str, ...]  # field names (WML: postfield and input names)


@dataclass(frozen=True)
class Card:
    """A WML card (an HTML page is one card with no id)."""

    id: str | None
    title: str
    text: str
    timer_tenths: int | None = None  # <timer value>, tenths of a second
    ontimer: str | None = None  # absolute URL or "#card"
    onenterforward: str | None = None


@dataclass(frozen=True)
class NextHop:
    """A redirect the page itself asks for (not HTTP)."""

    url: str  # absolute
    via: Via
    delay_seconds: float = 0.0


@dataclass
class PageSummary:
    """What the parser read from one page: the text a reviewer and the classifier see."""

    kind: str  # wml, xhtml-mp, html, image, other
    charset: str | None = None  # the codec used to decode
    charset_reason: str | None = None
    title: str = ""
    text: str = ""  # all visible text (cards joined by blank lines)
    cards: list[Card] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # absolute URLs, in page order, de-duplicated
    forms: list[Form] = field(default_factory=list)
    favicon: str | None = None  # absolute URL (declared, else /favicon.ico for HTML pages)
    meta: dict[str, str] = field(default_factory=dict)  # name/http-equiv/property → content
    identifiers: list[Identifier] = field(default_factory=list)
    next_hop: NextHop | None = None
    doctype: str | None = None
    limit_hit: LimitHit | None = None  # e.g. nesting: what was read up to it is kept
    problems: list[str] = field(default_factory=list)  # parse warnings worth showing

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (stored as the capture's summary and in the WARC metadata)."""
        from dataclasses import asdict

        return asdict(self)


@dataclass
class Subresource:
    """An image or the favicon of the final page, fetched under the same guard and limits."""

    url: str
    exchange: Exchange | None  # None when refused before any request
    media_type: str | None = None  # image/jpeg, image/png, image/gif, image/vnd.wap.wbmp, …
    width: int | None = None
    height: int | None = None
    refused: str | None = None  # why it was not fetched or not accepted
    limit_hit: LimitHit | None = None


@dataclass
class Hop:
    """One step of the redirect chain: the URL, how we came to it, and what it answered."""

    url: str
    via: Via
    status: int | None = None
    delay_seconds: float = 0.0
    refused: str | None = None  # the guard's reason when this hop was not fetched


@dataclass
class ProbeResult:
    """Everything one probe saw: the input of the evidence writer and of the capture row."""

    url: str  # as asked
    profile: str
    outcome: Outcome
    started_at: dt.datetime
    finished_at: dt.datetime
    hops: list[Hop] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)  # page hops in order
    subresources: list[Subresource] = field(default_factory=list)
    page: PageSummary | None = None  # of the final page
    final_url: str | None = None
    refused: str | None = None  # the guard's reason (outcome REFUSED, or the hop that was)
    refused_code: str | None = None  # the guard's stable code, e.g. "probe.address_forbidden"
    error: str | None = None
    limit_hit: LimitHit | None = None
    discovered_hosts: list[str] = field(default_factory=list)  # hosts seen in links/redirects
    resolver: str = "system"  # which resolver answered ("system" or "udp://127.0.0.1:5353")

    @property
    def final(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None


__all__ = [
    "BACKOFF_STATUSES",
    "Card",
    "CertInfo",
    "Exchange",
    "Form",
    "Hop",
    "Identifier",
    "LimitHit",
    "Link",
    "NextHop",
    "Outcome",
    "PageSummary",
    "ProbeResult",
    "Subresource",
    "TLSInfo",
    "Via",
]

"""URL canonicalisation as Google Safe Browsing v4 specifies it ("URLs and hashing").

:func:`canonicalize` works on bytes, as Safe Browsing does: a ``str`` is UTF-8 encoded first
(lone surrogates pass through as their bytes), a ``bytes`` input is taken as it is.

1. Trim C0 controls and spaces at both ends (and Unicode spaces such as U+3000 around a
   ``str``); remove every tab, CR and LF; drop the fragment.
2. Scheme: ``http`` and ``https`` only (any case); no scheme means ``http`` (``example.test/a``,
   ``//example.test/a``, ``example.test:8080/a``). Other schemes (``javascript:``, ``data:``,
   ``mailto:``, ``wtai:``, ``ftp:`` …) name no web page to block and raise :class:`URLError`.
   As browsers do for http(s), any run of ``/`` or ``\\`` after the scheme is accepted and a
   ``\\`` before the query counts as ``/``.
3. Host: userinfo and port are split off (the port is kept in :class:`CanonicalURL` but left
   out of :attr:`CanonicalURL.url`); then repeatedly percent-unescape; strip leading and
   trailing dots; collapse repeated dots; lowercase; non-ASCII labels (valid UTF-8) become
   punycode (:func:`jingwang.core.domains.to_ascii`); bytes that are not UTF-8 stay opaque.
   A host ending in a numeric label must be an IPv4 address in one of its spellings
   (octal, hex, fewer than four parts, one 32-bit integer) and becomes dotted decimal, as the
   WHATWG URL Standard requires; ``[…]`` hosts are IPv6 and get their compressed form.
4. Path: repeatedly percent-unescape; resolve ``.`` and ``..``; collapse repeated slashes;
   at least ``/``. Query: repeatedly unescape, nothing else.
5. Percent-escape (uppercase hex) every byte ≤ 0x20, ≥ 0x7F, ``#`` and ``%``.

Deliberate additions, each for idempotency (``canonicalize(c.url) == c``): a ``?`` or ``\\``
that unescaping puts into the path is escaped (Chromium leaves them raw, so its
canonicalisation of such paths is not stable), and so are ``/ ? @ : \\ [ ]`` in a host.
Hosts over 253 characters or with labels over 63 are refused. The result is a key for
matching and hashing, not a URL to fetch: unescaping the query can change its meaning.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from jingwang.core import domains
from jingwang.core.ipv4 import ends_in_number, parse_ipv4
from jingwang.errors import InvalidInput

_C0_AND_SPACE = bytes(range(0x21))
_SCHEME = re.compile(rb"([A-Za-z][A-Za-z0-9+.\-]*):")
_PORT_ONLY = re.compile(rb"[0-9]+(?:[/?\\]|\Z)|\Z")
_DOT_RUNS = re.compile(rb"\.{2,}")
_TEXT_DOT_RUNS = re.compile(r"\.{2,}")
_SCHEMES = ("http", "https")
_HEX = frozenset(b"0123456789abcdefABCDEF")


@dataclass(frozen=True, slots=True)
class _EscapeSet:
    """Which bytes become ``%XX``: Safe Browsing's set plus ``extra``."""

    table: dict[int, str]
    pattern: re.Pattern[bytes]

    @classmethod
    def of(cls, extra: bytes) -> _EscapeSet:
        escaped = bytes([*range(0x21), *range(0x7F, 0x100), *b"#%", *extra])
        table = {byte: f"%{byte:02X}" for byte in escaped}
        return cls(table, re.compile(b"[" + re.escape(escaped) + b"]"))

    def __call__(self, data: bytes) -> str:
        if self.pattern.search(data) is None:
            return data.decode("ascii")
        return data.decode("latin-1").translate(self.table)


_escape_query = _EscapeSet.of(b"")
_escape_path = _EscapeSet.of(b"?\\")
_escape_host = _EscapeSet.of(b"/?@:\\[]")


class URLError(InvalidInput):
    """Input that cannot be canonicalised; ``details['url']`` holds it."""

    code = "url.invalid"


@dataclass(frozen=True, slots=True)
class CanonicalURL:
    """A canonical http(s) URL; :attr:`url` is its string form (without the port)."""

    scheme: str
    host: str
    port: int | None
    path: str
    query: str | None

    @property
    def url(self) -> str:
        tail = "" if self.query is None else "?" + self.query
        return f"{self.scheme}://{self.host}{self.path}{tail}"

    @property
    def is_ip(self) -> bool:
        return domains.is_ip_literal(self.host)

    def __str__(self) -> str:
        return self.url


def canonicalize(raw: str | bytes) -> CanonicalURL:
    """Canonicalise ``raw``; raises :class:`URLError` (and nothing else) when it cannot."""
    data = raw.strip().encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    data = data.strip(_C0_AND_SPACE).translate(None, b"\t\r\n").partition(b"#")[0]
    scheme, rest = _split_scheme(data, raw)
    before_query, has_query, query = rest.partition(b"?")
    authority, slash, path = before_query.replace(b"\\", b"/").partition(b"/")
    host, port = _split_authority(authority, raw)
    return CanonicalURL(
        scheme=scheme,
        host=_canonical_host(host, raw),
        port=port,
        path=_escape_path(_normalize_path(_unescape(slash + path))),
        query=_escape_query(_unescape(query)) if has_query else None,
    )


def _fail(message: str, raw: str | bytes) -> URLError:
    shown = raw if isinstance(raw, str) else raw.decode("utf-8", "backslashreplace")
    return URLError(message, url=shown)


def _split_scheme(data: bytes, raw: str | bytes) -> tuple[str, bytes]:
    match = _SCHEME.match(data)
    scheme = match.group(1).decode("ascii").lower() if match else ""
    if match is None or (scheme not in _SCHEMES and _PORT_ONLY.match(data, match.end())):
        return "http", data[2:] if data.startswith(b"//") else data
    if scheme not in _SCHEMES:
        raise _fail(f"scheme {scheme!r} is not a web address: give an http:// or https:// URL", raw)
    return scheme, data[match.end() :].lstrip(b"/\\")


def _split_authority(authority: bytes, raw: str | bytes) -> tuple[bytes, int | None]:
    host = authority.rpartition(b"@")[2]
    if host.startswith(b"["):
        inner, bracket, after = host[1:].partition(b"]")
        if not bracket or (after and not after.startswith(b":")):
            raise _fail("an IPv6 host must be written [address] or [address]:port", raw)
        host, port_text = b"[" + inner + b"]", after[1:]
    else:
        host, _, port_text = host.partition(b":")
        if b":" in port_text:
            raise _fail("an IPv6 address must be written in brackets: http://[::1]/", raw)
    if not port_text:
        return host, None
    if not port_text.isdigit() or len(port_text) > 5 or int(port_text) > 65535:
        raise _fail(f"port {port_text!r} must be a number from 0 to 65535", raw)
    return host, int(port_text)


def _canonical_host(host: bytes, raw: str | bytes) -> str:
    if host.startswith(b"["):
        return _canonical_ipv6(host[1:-1], raw)
    host = _unescape(host)
    text = None if host.isascii() else _utf8(host)  # not UTF-8: opaque bytes, escaped later
    if text is not None:
        host = _idn_to_ascii(text, raw)  # checks its xn-- labels itself
    host = host.lower().strip(b".")
    if b".." in host:
        host = _DOT_RUNS.sub(b".", host)
    if not host:
        raise _fail("the URL has no host: give one such as http://example.test/", raw)
    _check_labels(host, raw, punycode_checked=text is not None)
    if ends_in_number(host.rpartition(b".")[2].decode("latin-1")):
        return _ipv4(host, raw)
    return _escape_host(host)


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _idn_to_ascii(text: str, raw: str | bytes) -> bytes:
    text = text.translate(domains.DOT_VARIANTS).strip(".")
    text = _TEXT_DOT_RUNS.sub(".", text)
    try:
        return domains.to_ascii(text).encode("ascii")
    except domains.DomainError as exc:
        raise _fail(f"invalid host: {exc.message}", raw) from exc


def _check_labels(host: bytes, raw: str | bytes, *, punycode_checked: bool) -> None:
    labels = host.split(b".")
    if len(host) > domains.MAX_HOST_LENGTH or max(map(len, labels)) > domains.MAX_LABEL_LENGTH:
        raise _fail("the host is longer than DNS allows (63 per label, 253 in all)", raw)
    if b"xn--" in host and not punycode_checked:
        for label in labels:
            if label.startswith(b"xn--"):
                _check_alabel(label, raw)


def _check_alabel(label: bytes, raw: str | bytes) -> None:
    try:
        domains.check_alabel(label.decode("latin-1"), label.decode("latin-1"))
    except domains.DomainError as exc:
        raise _fail(f"invalid host: {exc.message}", raw) from exc


def _ipv4(host: bytes, raw: str | bytes) -> str:
    address = parse_ipv4(host.decode("latin-1"))
    if address is None:
        raise _fail(
            "the host ends in a number but is not an IPv4 address (four numbers 0-255)", raw
        )
    return address


def _canonical_ipv6(inner: bytes, raw: str | bytes) -> str:
    try:
        return f"[{ipaddress.IPv6Address(inner.decode('ascii')).compressed}]"
    except (ValueError, UnicodeDecodeError) as exc:
        raise _fail("the host in brackets is not an IPv6 address", raw) from exc


def _unescape(data: bytes) -> bytes:
    """Percent-unescape until nothing changes (linear time even for ``%252525…``)."""
    for _ in range(4):
        if b"%" not in data:
            return data
        decoded = unquote_to_bytes(data)
        if len(decoded) == len(data):
            return data
        data = decoded
    return _unescape_stack(data) if b"%" in data else data


def _unescape_stack(data: bytes) -> bytes:
    """One pass, decoding each escape as soon as it is complete.

    Escapes can never overlap (``%`` is no hex digit), so decoding them in any order ends at
    the same string as repeated full passes do; this order needs only one pass.
    """
    out = bytearray()
    for byte in data:
        out.append(byte)
        while len(out) >= 3 and out[-3] == 0x25 and out[-2] in _HEX and out[-1] in _HEX:
            value = int(out[-2:], 16)
            del out[-3:]
            out.append(value)
    return bytes(out)


def _normalize_path(path: bytes) -> bytes:
    if not path:
        return b"/"
    if b"//" not in path and b"/." not in path:
        return path
    segments = path.split(b"/")
    trailing = segments[-1] in (b"", b".", b"..")
    kept: list[bytes] = []
    for segment in segments:
        if segment == b"..":
            if kept:
                kept.pop()
        elif segment and segment != b".":
            kept.append(segment)
    if not kept:
        return b"/"
    return b"/" + b"/".join(kept) + (b"/" if trailing else b"")


__all__ = ["CanonicalURL", "URLError", "canonicalize"]

"""What the probing pages show of a capture: its chain in words, its cards, links and images as
text, identifiers, TLS, and the exact request the prober sent (read back from the WARC).

A capture row keeps the redirect chain and the parsed page summary as JSON (see
:mod:`jingwang.probe.models`); these helpers turn them into small typed views for the templates,
so a template never digs through dicts. Nothing here renders captured HTML: every value is text
that Jinja escapes, and links and images stay text (a reviewer's browser must never fetch from a
suspect site).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from warcio.archiveiterator import ArchiveIterator

from jingwang.probe.types import Via
from jingwang.web.i18n import N_, Locale

VIA_WORDS: Final[dict[str, str]] = {
    Via.START: N_("start"),
    Via.HTTP: N_("HTTP redirect"),
    Via.META_REFRESH: N_("meta refresh"),
    Via.WML_ONTIMER: N_("WML timer"),
    Via.WML_ONENTERFORWARD: N_("onenterforward"),
    Via.SCRIPT: N_("script"),
    Via.SUBRESOURCE: N_("subresource"),
}
OUTCOME_WORDS: Final[dict[str, str]] = {
    "ok": N_("fetched"),
    "refused": N_("refused"),
    "error": N_("network error"),
    "limit": N_("over a limit"),
}
MAX_HEAD: Final = 16 * 1024  # most bytes of a request head shown


@dataclass(frozen=True)
class HopView:
    url: str
    via: str
    words: str  # how the prober came here, in the page's language ("HTTP 302", "WML 定时器" …)
    status: int | None
    delay_seconds: float
    refused: str | None


@dataclass(frozen=True)
class CardView:
    id: str | None
    title: str
    text: str
    timer_tenths: int | None


@dataclass(frozen=True)
class LinkView:
    url: str
    text: str
    kind: str


@dataclass(frozen=True)
class IdentifierView:
    kind: str
    value: str
    raw: str
    source: str


@dataclass(frozen=True)
class CertView:
    subject: str
    issuer: str
    not_before: str
    not_after: str
    sha256: str


@dataclass(frozen=True)
class TLSView:
    version: str
    cipher: str
    valid: bool
    problem: str | None
    chain: tuple[CertView, ...]


def via_words(via: str, status: int | None, locale: Locale) -> str:
    """How a hop was reached, in words: ``HTTP 302`` for an HTTP redirect, else its name."""
    if via == Via.HTTP and status is not None:
        return f"HTTP {status}"
    return locale.gettext(VIA_WORDS.get(via, via))


def hops(chain: Sequence[Mapping[str, Any]], locale: Locale) -> list[HopView]:
    """The capture's chain, in order. An HTTP hop is named by the status that sent us there,
    i.e. the previous hop's status (the 302), not the status the hop itself answered."""
    views: list[HopView] = []
    previous: int | None = None
    for hop in chain:
        via, status = str(hop.get("via", "")), _int(hop.get("status"))
        views.append(
            HopView(
                url=str(hop.get("url", "")),
                via=via,
                words=via_words(via, previous if via == Via.HTTP else None, locale),
                status=status,
                delay_seconds=float(hop.get("delay_seconds") or 0.0),
                refused=_text(hop.get("refused")),
            )
        )
        previous = status
    return views


def cards(summary: Mapping[str, Any]) -> list[CardView]:
    found = [
        CardView(
            id=_text(card.get("id")),
            title=str(card.get("title") or ""),
            text=str(card.get("text") or ""),
            timer_tenths=_int(card.get("timer_tenths")),
        )
        for card in _dicts(summary.get("cards"))
    ]
    if not found and summary.get("text"):
        found.append(CardView(None, str(summary.get("title") or ""), str(summary["text"]), None))
    return found


def links(summary: Mapping[str, Any]) -> list[LinkView]:
    return [
        LinkView(str(link.get("url", "")), str(link.get("text") or ""), str(link.get("kind", "a")))
        for link in _dicts(summary.get("links"))
    ]


def images(summary: Mapping[str, Any]) -> list[str]:
    return [str(url) for url in summary.get("images") or [] if isinstance(url, str)]


def identifiers(summary: Mapping[str, Any]) -> list[IdentifierView]:
    return [
        IdentifierView(
            kind=str(found.get("kind", "")),
            value=str(found.get("value", "")),
            raw=str(found.get("raw") or ""),
            source=str(found.get("source") or "text"),
        )
        for found in _dicts(summary.get("identifiers"))
    ]


def tls(data: Mapping[str, Any] | None) -> TLSView | None:
    if not data:
        return None
    chain = tuple(
        CertView(
            subject=str(cert.get("subject", "")),
            issuer=str(cert.get("issuer", "")),
            not_before=str(cert.get("not_before", "")),
            not_after=str(cert.get("not_after", "")),
            sha256=str(cert.get("sha256", "")),
        )
        for cert in _dicts(data.get("chain"))
    )
    return TLSView(
        version=str(data.get("version", "")),
        cipher=str(data.get("cipher", "")),
        valid=bool(data.get("valid")),
        problem=_text(data.get("problem")),
        chain=chain,
    )


def first_request_head(warc: bytes) -> str | None:
    """The request line and headers of the first request record of a WARC, as sent (decoded as
    Latin-1, so no byte is lost or guessed; CRLF shown as line breaks)."""
    for record in ArchiveIterator(io.BytesIO(warc), no_record_parse=True):
        if record.rec_type == "request":
            block: bytes = record.raw_stream.read(MAX_HEAD)
            head = block.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            return head.replace("\r\n", "\n")  # one line per header, as a page shows it
    return None


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value or [] if isinstance(item, Mapping)]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


__all__ = [
    "OUTCOME_WORDS",
    "VIA_WORDS",
    "CardView",
    "CertView",
    "HopView",
    "IdentifierView",
    "LinkView",
    "TLSView",
    "cards",
    "first_request_head",
    "hops",
    "identifiers",
    "images",
    "links",
    "tls",
    "via_words",
]

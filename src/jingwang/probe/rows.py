"""A probe result as the columns of its capture row: the chain, the summary, the TLS chain.

Pure functions, no I/O: :mod:`jingwang.probe.service` stores what they return. The summary is
what a reviewer and the classifier read later without opening the WARC: the parsed page
(:meth:`PageSummary.to_json`), each subresource (URL, media type, size, pixels, refusal) and the
identifiers; the TLS chain keeps each certificate's names, dates and SHA-256, not its DER (the
WARC keeps the PEM).
"""

from __future__ import annotations

import dataclasses
import functools
import ssl
from typing import Any, Final
from urllib.parse import urlsplit

from jingwang.core.domains import DomainError, registrable_domain, to_ascii
from jingwang.probe.types import Exchange, PageSummary, ProbeResult, Subresource, TLSInfo

URL_MAX: Final = 2000  # the width of the URL columns; the WARC keeps the whole URL
TITLE_MAX: Final = 500
CONTENT_TYPE_MAX: Final = 200


def host_and_domain(url: str) -> tuple[str | None, str | None]:
    """The host of ``url`` (ASCII, lower case) and its registrable domain, each maybe None."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None, None
    if not host:
        return None, None
    return _host_and_domain(host)


@functools.lru_cache(maxsize=4096)  # a campaign asks for the same hosts again and again
def _host_and_domain(host: str) -> tuple[str | None, str | None]:
    try:
        ascii_host = to_ascii(host)
    except DomainError:
        return host[:253], None
    try:
        return ascii_host, registrable_domain(ascii_host)
    except DomainError:
        return ascii_host, None


def chain_of(result: ProbeResult) -> list[dict[str, Any]]:
    """The redirect chain, one dict per hop, in order."""
    return [
        {
            "url": hop.url,
            "via": str(hop.via),
            "status": hop.status,
            "delay_seconds": hop.delay_seconds,
            "refused": hop.refused,
        }
        for hop in result.hops
    ]


def _subresource(sub: Subresource) -> dict[str, Any]:
    exchange = sub.exchange
    return {
        "url": sub.url,
        "media_type": sub.media_type,
        "size": len(exchange.body) if exchange is not None else None,
        "status": exchange.status if exchange is not None else None,
        "width": sub.width,
        "height": sub.height,
        "refused": sub.refused,
        "limit_hit": str(sub.limit_hit) if sub.limit_hit else None,
    }


def page_json(page: PageSummary) -> dict[str, Any]:
    """:meth:`PageSummary.to_json` as the same JSON, several times faster.

    ``dataclasses.asdict`` deep-copies every string and number; the page is read-only here, so
    nested dataclasses become dicts and sequences lists (JSON makes no difference between a
    tuple and a list), and every other value is taken as it is.
    """
    plain = _plain(page)
    assert isinstance(plain, dict)
    return plain


def _plain(value: Any) -> Any:
    kind: type = type(value)
    if kind in _LEAVES:
        return value
    if hasattr(kind, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


_LEAVES: Final = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def summary_of(result: ProbeResult, page_summary: dict[str, Any] | None = None) -> dict[str, Any]:
    """The parsed page with its subresources and identifiers, JSON-ready.

    ``page_summary``: :func:`page_json` of the result's page when the caller has it already.
    """
    page: dict[str, Any]
    if result.page is None:
        page = {"identifiers": []}
    else:
        page = dict(page_summary) if page_summary is not None else page_json(result.page)
    page["subresources"] = [_subresource(sub) for sub in result.subresources]
    page["discovered_hosts"] = list(result.discovered_hosts)
    page["resolver"] = result.resolver
    return page


def tls_of(exchange: Exchange | None) -> dict[str, Any] | None:
    """The final exchange's TLS handshake: validity and chain, without the certificates' bytes
    (the WARC's metadata keeps them as PEM)."""
    tls: TLSInfo | None = exchange.tls if exchange is not None else None
    if tls is None:
        return None
    found = tls_json(tls)
    for cert in found["chain"]:
        del cert["pem"]
    return found


def tls_json(tls: TLSInfo) -> dict[str, Any]:
    """The TLS handshake as JSON: validity, and each certificate as PEM with its dates."""
    return {
        "version": tls.version,
        "cipher": tls.cipher,
        "valid": tls.valid,
        "problem": tls.problem,
        "chain": [
            {
                "subject": cert.subject,
                "issuer": cert.issuer,
                "serial": cert.serial,
                "not_before": cert.not_before.isoformat(),
                "not_after": cert.not_after.isoformat(),
                "sha256": cert.sha256,
                "dns_names": list(cert.dns_names),
                "pem": ssl.DER_cert_to_PEM_cert(cert.der),
            }
            for cert in tls.chain
        ],
    }


def capture_columns(
    result: ProbeResult, page_summary: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The capture row's columns that come from the result alone (``page_summary``: as for
    :func:`summary_of`)."""
    final = result.final
    host, domain = host_and_domain(result.url)
    page = result.page
    content_type = final.content_type if final is not None else None
    return {
        "url": result.url[:URL_MAX],
        "host": host,
        "domain": domain,
        "final_url": result.final_url[:URL_MAX] if result.final_url else None,
        "profile": result.profile,
        "outcome": str(result.outcome),
        "http_status": final.status if final is not None else None,
        "content_type": content_type[:CONTENT_TYPE_MAX] if content_type else None,
        "page_kind": page.kind if page is not None else None,
        "charset": page.charset if page is not None else None,
        "title": page.title[:TITLE_MAX] if page is not None and page.title else None,
        "ip": final.ip if final is not None and final.ip else None,
        "limit_hit": str(result.limit_hit) if result.limit_hit else None,
        "refused": result.refused,
        "refused_code": result.refused_code,
        "error": result.error,
        "chain": chain_of(result),
        "summary": summary_of(result, page_summary),
        "tls": tls_of(final),
        "started_at": result.started_at,
        "finished_at": result.finished_at,
    }


__all__ = [
    "capture_columns",
    "chain_of",
    "host_and_domain",
    "page_json",
    "summary_of",
    "tls_json",
    "tls_of",
]

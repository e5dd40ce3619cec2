"""A probe result as the columns of its capture row: the chain, the summary, the TLS chain.

Pure functions, no I/O: :mod:`jingwang.probe.service` stores what they return. The summary is
what a reviewer and the classifier read later without opening the WARC: the parsed page
(:meth:`PageSummary.to_json`), each subresource (URL, media type, size, pixels, refusal) and the
identifiers; the TLS chain keeps each certificate's names, dates and SHA-256, not its DER (the
WARC keeps the PEM).
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

from jingwang.core.domains import DomainError, registrable_domain, to_ascii
from jingwang.probe.types import Exchange, ProbeResult, Subresource, TLSInfo

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


def summary_of(result: ProbeResult) -> dict[str, Any]:
    """The parsed page with its subresources and identifiers, JSON-ready."""
    page: dict[str, Any] = result.page.to_json() if result.page is not None else {"identifiers": []}
    page["subresources"] = [_subresource(sub) for sub in result.subresources]
    page["discovered_hosts"] = list(result.discovered_hosts)
    page["resolver"] = result.resolver
    return page


def tls_of(exchange: Exchange | None) -> dict[str, Any] | None:
    """The final exchange's TLS handshake: validity and chain, without the DER bytes."""
    tls: TLSInfo | None = exchange.tls if exchange is not None else None
    if tls is None:
        return None
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
            }
            for cert in tls.chain
        ],
    }


def capture_columns(result: ProbeResult) -> dict[str, Any]:
    """The capture row's columns that come from the result alone."""
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
        "summary": summary_of(result),
        "tls": tls_of(final),
        "started_at": result.started_at,
        "finished_at": result.finished_at,
    }


__all__ = ["capture_columns", "chain_of", "host_and_domain", "summary_of", "tls_of"]

"""The evidence file of a probe: WARC 1.1, one gzip member per record, written with warcio.

What a capture proves rests on this file, so it keeps exactly what was sent and received:

- a ``warcinfo`` record: the software, the operator, the fetch profile, the resolver and the
  limits the probe ran under;
- per exchange (the page hops in order, then the subresources): a ``request`` record whose block
  is the request head and body as sent, and a ``response`` record whose block is the response
  head as received plus the payload as it came off the wire (still content-encoded, de-chunked),
  linked both ways by ``WARC-Concurrent-To``; ``WARC-Truncated`` when a limit cut the body short;
  and a ``metadata`` record (JSON) with the timings, the error, the limit hit and the TLS chain
  (PEM per certificate, with its validity);
- ``metadata`` records (JSON) for the whole probe: the redirect chain and the limits hit, and the
  parsed summary of the final page;
- ``resource`` records for ``extra`` artefacts (the screenshot PNG, the WML view HTML).

Blocks are written as raw bytes (warcio is not asked to re-serialise HTTP headers, which would
normalise them), and every record carries ``WARC-Block-Digest`` (and, where the block has one,
``WARC-Payload-Digest``) as ``sha256:`` + base32, the form warcio reads and checks. WARC header
fields themselves are not covered by any record digest: the SHA-256 of the whole file (its blob
address, :mod:`jingwang.probe.evidence`) covers them.

The output is deterministic: dates come from the probe, record ids are name-based UUIDs of the
record's content and position, and the gzip members carry no time stamp, so writing the same
probe twice gives the same bytes, hence the same blob.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import re
import ssl
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from jingwang.probe.types import Exchange, LimitHit, ProbeResult, TLSInfo

if TYPE_CHECKING:
    from jingwang.settings import Settings

WARC_VERSION = "WARC/1.1"
JSON_TYPE = "application/json"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:jingwang:warc")
_CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
_TRUNCATED = {
    LimitHit.WIRE_BYTES: "length",
    LimitHit.BODY_BYTES: "length",
    LimitHit.FIRST_BYTE_TIME: "time",
    LimitHit.TOTAL_TIME: "time",
}
# the settings a reader needs to judge what a capture could have seen
LIMIT_SETTINGS = (
    "probe_max_redirects",
    "probe_max_wire_bytes",
    "probe_max_body_bytes",
    "probe_connect_timeout_seconds",
    "probe_first_byte_timeout_seconds",
    "probe_total_timeout_seconds",
    "probe_max_nesting",
    "probe_max_image_pixels",
    "probe_image_formats",
    "probe_max_subresources",
    "probe_allow_loopback",
    "probe_allow_private",
)
_UNSAFE_URI = re.compile(r"[\x00-\x20\x7f-\U0010ffff]")


def sha256_label(data: bytes) -> str:
    """A WARC digest value: ``sha256:`` and the base32 of the SHA-256 of ``data``."""
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")


def warc_date(moment: dt.datetime) -> str:
    """WARC 1.1 date: UTC, microseconds (a naive datetime is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def safe_uri(url: str) -> str:
    """The URL as a WARC header value: controls, spaces and non-ASCII percent-encoded.

    URLs come from hostile pages; a CR LF in one must never start a new WARC header.
    """
    return _UNSAFE_URI.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)


@dataclass(frozen=True)
class _Record:
    """One record to write: its type, target, block and the fields beyond the usual ones."""

    rec_type: str
    uri: str
    date: dt.datetime
    block: bytes
    content_type: str
    payload: bytes | None = None  # the payload digest's input, when the block has one
    fields: tuple[tuple[str, str], ...] = ()
    group: int | None = None  # the exchange it belongs to (links request, response, metadata)


def write_warc(
    result: ProbeResult,
    *,
    software: str,
    extra: Sequence[tuple[str, bytes, str]] = (),
    settings: Settings | None = None,
) -> bytes:
    """The gzipped WARC 1.1 file of one probe (see the module docstring for what it holds).

    ``extra``: ``(uri, bytes, content_type)`` artefacts written as ``resource`` records, e.g.
    ``("urn:jingwang:screenshot:" + url, png, "image/png")``. ``settings``: when given, the
    limits the probe ran under go into the ``warcinfo`` record.
    """
    records = list(_records(result, software, extra, settings))
    ids = [_record_id(result, index, record) for index, record in enumerate(records)]
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    for index, record in enumerate(records):
        links = _links(records, ids, index)
        if index > 0:
            links.append(("WARC-Warcinfo-ID", ids[0]))
        writer.write_record(_to_warcio(record, ids[index], links))
    return out.getvalue()


def _links(records: list[_Record], ids: list[str], index: int) -> list[tuple[str, str]]:
    """Request and response name each other; an exchange's metadata refers to its response."""
    record = records[index]
    if record.group is None:
        return []
    peers = {r.rec_type: ids[i] for i, r in enumerate(records) if r.group == record.group}
    if record.rec_type == "request" and "response" in peers:
        return [("WARC-Concurrent-To", peers["response"])]
    if record.rec_type == "response" and "request" in peers:
        return [("WARC-Concurrent-To", peers["request"])]
    if record.rec_type == "metadata":
        target = peers.get("response") or peers.get("request")
        return [("WARC-Refers-To", target)] if target else []
    return []


def _records(
    result: ProbeResult,
    software: str,
    extra: Sequence[tuple[str, bytes, str]],
    settings: Settings | None,
) -> Iterator[_Record]:
    yield _warcinfo(result, software, settings)
    for group, exchange in enumerate(_all_exchanges(result)):
        yield from _exchange_records(exchange, group)
    yield _json_record(result.url, result.finished_at, "chain", _chain_json(result))
    if result.page is not None:
        page_url = result.final_url or result.url
        yield _json_record(page_url, result.finished_at, "summary", result.page.to_json())
    for uri, data, content_type in extra:
        yield _Record("resource", uri, result.finished_at, data, content_type, payload=data)


def _all_exchanges(result: ProbeResult) -> list[Exchange]:
    subs = [sub.exchange for sub in result.subresources if sub.exchange is not None]
    return [*result.exchanges, *subs]


def _warcinfo(result: ProbeResult, software: str, settings: Settings | None) -> _Record:
    fields: list[tuple[str, object]] = [
        ("software", software),
        ("format", "WARC File Format 1.1"),
        ("conformsTo", _CONFORMS_TO),
        ("operator", "jingwang"),
        ("description", f"probe of {safe_uri(result.url)}"),
        ("jingwang-profile", result.profile),
        ("jingwang-resolver", result.resolver),
        ("jingwang-outcome", result.outcome.value),
    ]
    if settings is not None:
        for name in LIMIT_SETTINGS:
            value = getattr(settings, name)
            fields.append((f"jingwang-{name.replace('_', '-')}", json.dumps(value)))
    block = "".join(f"{name}: {_one_line(str(value))}\r\n" for name, value in fields)
    return _Record("warcinfo", "", result.started_at, block.encode(), "application/warc-fields")


def _one_line(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


def _exchange_records(exchange: Exchange, group: int) -> Iterator[_Record]:
    uri = exchange.url
    if exchange.request_head:
        request_block = exchange.request_head + exchange.request_body
        yield _Record(
            "request",
            uri,
            exchange.started_at,
            request_block,
            "application/http; msgtype=request",
            payload=exchange.request_body,
            fields=_ip_fields(exchange),
            group=group,
        )
    if exchange.response_head:
        fields = _ip_fields(exchange)
        truncated = _truncated(exchange)
        if truncated:
            fields += (("WARC-Truncated", truncated),)
        yield _Record(
            "response",
            uri,
            exchange.started_at,
            exchange.response_head + exchange.body_wire,
            "application/http; msgtype=response",
            payload=exchange.body_wire,
            fields=fields,
            group=group,
        )
    meta = _json_record(uri, exchange.started_at, "exchange", _exchange_json(exchange))
    yield replace(meta, group=group)


def _ip_fields(exchange: Exchange) -> tuple[tuple[str, str], ...]:
    return (("WARC-IP-Address", exchange.ip),) if exchange.ip else ()


def _truncated(exchange: Exchange) -> str | None:
    if exchange.truncated is not None:
        return _TRUNCATED.get(exchange.truncated, "unspecified")
    if exchange.error is not None:
        return "disconnect"  # a response began, then the connection failed
    return None


def _json_record(uri: str, date: dt.datetime, kind: str, data: dict[str, Any]) -> _Record:
    block = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()
    return _Record("metadata", uri, date, block, JSON_TYPE, fields=(("JW-Kind", kind),))


def _exchange_json(exchange: Exchange) -> dict[str, Any]:
    return {
        "url": exchange.url,
        "method": exchange.method,
        "ip": exchange.ip,
        "port": exchange.port,
        "via": exchange.via.value,
        "status": exchange.status,
        "started_at": warc_date(exchange.started_at),
        "ttfb_ms": exchange.ttfb_ms,
        "total_ms": exchange.total_ms,
        "error": exchange.error,
        "truncated": exchange.truncated.value if exchange.truncated else None,
        "wire_bytes": len(exchange.body_wire),
        "body_bytes": len(exchange.body),
        "tls": tls_json(exchange.tls) if exchange.tls is not None else None,
    }


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


def _chain_json(result: ProbeResult) -> dict[str, Any]:
    return {
        "url": result.url,
        "profile": result.profile,
        "outcome": result.outcome.value,
        "final_url": result.final_url,
        "started_at": warc_date(result.started_at),
        "finished_at": warc_date(result.finished_at),
        "hops": [
            {
                "url": hop.url,
                "via": hop.via.value,
                "status": hop.status,
                "delay_seconds": hop.delay_seconds,
                "refused": hop.refused,
            }
            for hop in result.hops
        ],
        "refused": result.refused,
        "refused_code": result.refused_code,
        "error": result.error,
        "limits_hit": _limits_hit(result),
        "subresources": [
            {
                "url": sub.url,
                "media_type": sub.media_type,
                "width": sub.width,
                "height": sub.height,
                "refused": sub.refused,
                "limit_hit": sub.limit_hit.value if sub.limit_hit else None,
            }
            for sub in result.subresources
        ],
        "discovered_hosts": result.discovered_hosts,
        "resolver": result.resolver,
    }


def _limits_hit(result: ProbeResult) -> list[dict[str, str]]:
    """Every limit that cut something short, and where."""
    hits: list[dict[str, str]] = []
    if result.limit_hit is not None:
        hits.append({"where": "probe", "url": result.url, "limit": result.limit_hit.value})
    for exchange in _all_exchanges(result):
        if exchange.truncated is not None:
            limit = exchange.truncated.value
            hits.append({"where": "exchange", "url": exchange.url, "limit": limit})
    if result.page is not None and result.page.limit_hit is not None:
        page_url = result.final_url or result.url
        hits.append({"where": "page", "url": page_url, "limit": result.page.limit_hit.value})
    for sub in result.subresources:
        if sub.limit_hit is not None:
            hits.append({"where": "subresource", "url": sub.url, "limit": sub.limit_hit.value})
    return hits


def _record_id(result: ProbeResult, index: int, record: _Record) -> str:
    """A name-based UUID of the probe, the record's position and its content."""
    name = "\n".join(
        (
            result.url,
            warc_date(result.started_at),
            str(index),
            record.rec_type,
            record.uri,
            hashlib.sha256(record.block).hexdigest(),
        )
    )
    return f"<urn:uuid:{uuid.uuid5(_NAMESPACE, name)}>"


def _to_warcio(record: _Record, record_id: str, links: list[tuple[str, str]]) -> ArcWarcRecord:
    headers: list[tuple[str, str]] = [("WARC-Type", record.rec_type)]
    headers.append(("WARC-Record-ID", record_id))
    headers.append(("WARC-Date", warc_date(record.date)))
    if record.uri:
        headers.append(("WARC-Target-URI", safe_uri(record.uri)))
    headers.extend(record.fields)
    headers.extend(links)
    headers.append(("WARC-Block-Digest", sha256_label(record.block)))
    if record.payload is not None:
        headers.append(("WARC-Payload-Digest", sha256_label(record.payload)))
    rec_headers = StatusAndHeaders("", headers, protocol=WARC_VERSION)
    length = len(record.block)
    return ArcWarcRecord(
        "warc",
        record.rec_type,
        rec_headers,
        io.BytesIO(record.block),
        None,
        record.content_type,
        length,
        payload_length=length,
    )


__all__ = ["LIMIT_SETTINGS", "safe_uri", "sha256_label", "tls_json", "warc_date", "write_warc"]

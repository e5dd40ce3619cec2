"""The evidence file of a probe: WARC 1.1, one gzip member per record, read back with warcio.

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

Records are written here, byte for byte as warcio's ``WARCWriter`` writes them (the header
fields in order, then ``Content-Type`` and ``Content-Length``, the block, CRLF CRLF), and each
is compressed as a gzip member of its own, by ISA-L (``isal``) at its level :data:`GZIP_LEVEL`:
on these small records that takes a third of the time zlib takes at its default level 6 and
a ninth of warcio's level 9, for files about 3 % larger; warcio reads and checks them
(:mod:`jingwang.probe.evidence`). Blocks are raw bytes (HTTP heads are never re-serialised,
which would normalise them), and every record carries ``WARC-Block-Digest`` (and, where the
block has one, ``WARC-Payload-Digest``) as ``sha256:`` + base32, the form warcio reads and
checks (metadata and resource records without a payload of their own get the SHA-1 payload
digest warcio's writer would add). WARC header
fields themselves are not covered by any record digest: the SHA-256 of the whole file (its blob
address, :mod:`jingwang.probe.evidence`) covers them.

The output is deterministic: dates come from the probe, record ids are name-based UUIDs of the
record's content and position, and the gzip members carry no time stamp, so writing the same
probe twice gives the same bytes, hence the same blob.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import re
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from isal import isal_zlib

from jingwang.probe.rows import page_json, tls_json
from jingwang.probe.types import Exchange, LimitHit, ProbeResult
from jingwang.store.jsontext import json_bytes

if TYPE_CHECKING:
    from jingwang.settings import Settings

WARC_VERSION = "WARC/1.1"
GZIP_LEVEL = 1  # ISA-L's: a third of zlib's level 6 time on these records, 3 % larger
_NO_PAYLOAD_DIGEST = ("warcinfo", "revisit")  # warcio's RecordBuilder.NO_PAYLOAD_DIGEST_TYPES
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip member (no name, no time stamp), not a zlib stream
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
    return _label(hashlib.sha256(data).digest())


def _label(digest: bytes) -> str:
    """``sha256:`` and the base32 of a SHA-256 digest."""
    return "sha256:" + base64.b32encode(digest).decode("ascii")


@functools.lru_cache(maxsize=256)  # a probe's few moments, written into every record
def warc_date(moment: dt.datetime) -> str:
    """WARC 1.1 date: UTC, microseconds (a naive datetime is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    utc = moment.astimezone(dt.UTC)
    return (
        f"{utc.year}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond:06d}Z"
    )


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
    page_summary: dict[str, Any] | None = None,
) -> bytes:
    """The gzipped WARC 1.1 file of one probe (see the module docstring for what it holds).

    ``extra``: ``(uri, bytes, content_type)`` artefacts written as ``resource`` records, e.g.
    ``("urn:jingwang:screenshot:" + url, png, "image/png")``. ``settings``: when given, the
    limits the probe ran under go into the ``warcinfo`` record. ``page_summary``: the page's
    ``to_json()`` when the caller has it already (it is not computed twice).
    """
    records = list(_records(result, software, extra, settings, page_summary))
    digests = [hashlib.sha256(record.block).digest() for record in records]
    ids = [
        _record_id(result, index, record, digest)
        for index, (record, digest) in enumerate(zip(records, digests, strict=True))
    ]
    members = []
    for index, record in enumerate(records):
        links = _links(records, ids, index)
        if index > 0:
            links.append(("WARC-Warcinfo-ID", ids[0]))
        raw = _serialise(record, ids[index], links, digests[index])
        members.append(isal_zlib.compress(raw, GZIP_LEVEL, _GZIP_WBITS))
    return b"".join(members)


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
    page_summary: dict[str, Any] | None,
) -> Iterator[_Record]:
    yield _warcinfo(result, software, settings)
    for group, exchange in enumerate(_all_exchanges(result)):
        yield from _exchange_records(exchange, group)
    yield _json_record(result.url, result.finished_at, "chain", _chain_json(result))
    if result.page is not None:
        page_url = result.final_url or result.url
        summary = page_summary if page_summary is not None else page_json(result.page)
        yield _json_record(page_url, result.finished_at, "summary", summary)
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
    block = "".join(f"{name}: {_one_line(str(value))}\r\n" for name, value in fields)
    if settings is not None:
        block += _limit_fields(settings)
    return _Record("warcinfo", "", result.started_at, block.encode(), "application/warc-fields")


_LIMITS_SEEN: dict[int, tuple[Settings, str]] = {}  # id(settings) -> (settings, its fields)


def _limit_fields(settings: Settings) -> str:
    """The ``warcinfo`` fields of the limits in ``settings`` (worked out once per settings
    object: a campaign writes them into every capture)."""
    seen = _LIMITS_SEEN.get(id(settings))
    if seen is not None and seen[0] is settings:  # the object is held, so its id is its own
        return seen[1]
    text = "".join(
        f"jingwang-{name.replace('_', '-')}: {_one_line(json.dumps(getattr(settings, name)))}\r\n"
        for name in LIMIT_SETTINGS
    )
    if len(_LIMITS_SEEN) >= 8:
        _LIMITS_SEEN.clear()
    _LIMITS_SEEN[id(settings)] = (settings, text)
    return text


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
    block = json_bytes(data, sort_keys=True, default=str)
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


def _record_id(result: ProbeResult, index: int, record: _Record, digest: bytes) -> str:
    """A name-based UUID of the probe, the record's position and its content (``digest``: the
    SHA-256 of its block)."""
    name = "\n".join(
        (
            result.url,
            warc_date(result.started_at),
            str(index),
            record.rec_type,
            record.uri,
            digest.hex(),
        )
    )
    return f"<urn:uuid:{uuid.uuid5(_NAMESPACE, name)}>"


def _serialise(
    record: _Record, record_id: str, links: list[tuple[str, str]], digest: bytes
) -> bytes:
    """The record as warcio's writer lays it out: version line, header fields, block, CRLF CRLF."""
    headers: list[tuple[str, str]] = [("WARC-Type", record.rec_type)]
    headers.append(("WARC-Record-ID", record_id))
    headers.append(("WARC-Date", warc_date(record.date)))
    if record.uri:
        headers.append(("WARC-Target-URI", safe_uri(record.uri)))
    headers.extend(record.fields)
    headers.extend(links)
    headers.append(("WARC-Block-Digest", _label(digest)))
    if record.payload is not None:
        same = record.payload is record.block
        payload = _label(digest) if same else sha256_label(record.payload)
        headers.append(("WARC-Payload-Digest", payload))
    elif record.rec_type not in _NO_PAYLOAD_DIGEST:  # as warcio adds one: SHA-1 of the block
        sha1 = base64.b32encode(hashlib.sha1(record.block).digest()).decode("ascii")  # noqa: S324
        headers.append(("WARC-Payload-Digest", f"sha1:{sha1}"))
    headers.append(("Content-Type", record.content_type))
    headers.append(("Content-Length", str(len(record.block))))
    head = WARC_VERSION + "\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers)
    return b"".join((head.encode("utf-8"), b"\r\n", record.block, b"\r\n\r\n"))


__all__ = ["LIMIT_SETTINGS", "safe_uri", "sha256_label", "warc_date", "write_warc"]

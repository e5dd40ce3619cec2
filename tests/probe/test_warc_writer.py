"""The WARC writer: records, links, digests and determinism, read back with warcio."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from typing import Any

from evidence_samples import certificate, png_bytes, refused_result, sample_result
from warcio.archiveiterator import ArchiveIterator

from jingwang.probe.evidence import verify_warc
from jingwang.probe.warc import safe_uri, write_warc
from jingwang.settings import Settings

SHOT = "urn:jingwang:screenshot:https://wap.shouji.test/index.wml"


def read_records(data: bytes) -> list[tuple[Any, bytes, Any]]:
    """(WARC headers, raw block, http headers) per record, digests checked by warcio too."""
    records = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        rest = record.raw_stream.read()
        head = record.http_headers.to_bytes() if record.http_headers else b""
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        records.append((record.rec_headers, rest, head))
    return records


def test_records_in_order_with_links_and_digests(settings: Settings) -> None:
    png = png_bytes()
    data = write_warc(
        sample_result(),
        software="jingwang-test",
        extra=[(SHOT, png, "image/png")],
        settings=settings,
    )
    records = read_records(data)
    types = [(h.get_header("WARC-Type"), h.get_header("JW-Kind")) for h, _, _ in records]
    assert types == [
        ("warcinfo", None),
        *[("request", None), ("response", None), ("metadata", "exchange")] * 3,
        ("request", None),  # the failed image: no response
        ("metadata", "exchange"),
        ("metadata", "chain"),
        ("metadata", "summary"),
        ("resource", None),
    ]
    by_id = {h.get_header("WARC-Record-ID"): h for h, _, _ in records}
    request, response = records[1][0], records[2][0]
    assert request.get_header("WARC-Concurrent-To") == response.get_header("WARC-Record-ID")
    assert response.get_header("WARC-Concurrent-To") == request.get_header("WARC-Record-ID")
    assert records[3][0].get_header("WARC-Refers-To") == response.get_header("WARC-Record-ID")
    warcinfo_id = records[0][0].get_header("WARC-Record-ID")
    assert all(h.get_header("WARC-Warcinfo-ID") == warcinfo_id for h, _, _ in records[1:])
    assert len(by_id) == len(records)
    for headers, _, _ in records:
        assert headers.protocol == "WARC/1.1"
        assert headers.get_header("WARC-Block-Digest").startswith("sha256:")
    assert response.get_header("WARC-Date") == "2009-06-01T08:30:00.123456Z"
    assert response.get_header("WARC-IP-Address") == "127.0.0.1"
    assert response.get_header("WARC-Target-URI") == "http://shouji.test/"
    assert verify_warc(data).state == "passed"


def test_response_block_is_exactly_what_came(settings: Settings) -> None:
    result = sample_result()
    page = result.exchanges[1]
    records = read_records(write_warc(result, software="t"))
    headers, payload, http_head = records[5]
    assert headers.get_header("WARC-Type") == "response"
    assert payload == page.body_wire  # still gzip: exactly what was received
    assert http_head == page.response_head
    digest = base64.b32encode(hashlib.sha256(page.body_wire).digest()).decode()
    assert headers.get_header("WARC-Payload-Digest") == f"sha256:{digest}"
    _, request_rest, request_head = records[4]
    assert request_head + request_rest == page.request_head


def test_truncated_and_error_exchanges_are_said() -> None:
    records = read_records(write_warc(sample_result(), software="t"))
    image_response = records[8][0]
    assert image_response.get_header("WARC-Truncated") == "length"
    failed_meta = json.loads(records[11][1])
    assert failed_meta["error"] == "connection refused by 127.0.0.1:80"
    assert failed_meta["status"] is None
    chain = json.loads(records[12][1])
    assert [hop["status"] for hop in chain["hops"]] == [302, 200]
    assert {
        "where": "exchange",
        "url": "https://wap.shouji.test/logo.png",
        "limit": "wire_bytes",
    } in (chain["limits_hit"])
    assert chain["subresources"][2]["refused"] == "private address"


def test_metadata_holds_summary_tls_and_limits(settings: Settings) -> None:
    cert = certificate()
    data = write_warc(sample_result(cert=cert), software="jingwang 1.0", settings=settings)
    records = read_records(data)
    tls = json.loads(records[6][1])["tls"]
    assert (tls["valid"], tls["problem"]) == (False, "self-signed")
    assert tls["chain"][0]["pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert tls["chain"][0]["sha256"] == cert.sha256
    summary = json.loads(records[13][1])
    assert (summary["kind"], summary["title"]) == ("wml", "手机乐园")
    info = records[0][1].decode()
    assert "software: jingwang 1.0\r\n" in info
    assert "jingwang-profile: wap1\r\n" in info
    assert "jingwang-resolver: udp://127.0.0.1:5353\r\n" in info
    assert f"jingwang-probe-max-wire-bytes: {settings.probe_max_wire_bytes}\r\n" in info


def test_same_probe_same_bytes() -> None:
    cert = certificate()
    first = write_warc(sample_result(cert=cert), software="t", extra=[(SHOT, b"png", "image/png")])
    again = write_warc(sample_result(cert=cert), software="t", extra=[(SHOT, b"png", "image/png")])
    assert first == again
    other = write_warc(sample_result(cert=cert, url="http://other.test/"), software="t")
    assert other != first


def test_refused_probe_still_writes_its_chain() -> None:
    data = write_warc(refused_result(), software="t")
    records = read_records(data)
    assert [h.get_header("WARC-Type") for h, _, _ in records] == ["warcinfo", "metadata"]
    chain = json.loads(records[1][1])
    assert chain["refused_code"] == "probe.address_forbidden"
    assert verify_warc(data).state == "passed"


def test_hostile_urls_cannot_inject_warc_headers() -> None:
    result = sample_result()
    result.exchanges[0].url = "http://shouji.test/a\r\nWARC-Type: resource\r\n\u624b"
    records = read_records(write_warc(result, software="t"))
    target = records[1][0].get_header("WARC-Target-URI")
    assert target == "http://shouji.test/a%0D%0AWARC-Type:%20resource%0D%0A%E6%89%8B"
    assert records[1][0].get_header("WARC-Type") == "request"
    assert safe_uri("http://ok.test/?a=1#b") == "http://ok.test/?a=1#b"

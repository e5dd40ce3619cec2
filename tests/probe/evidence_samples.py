"""Hand-built probe results for the evidence tests (value objects: no network needed).

A two-hop probe (a 302, then a gzip-encoded WML page over TLS), a PNG image subresource (cut
short by the wire limit), and an image whose exchange failed before any response.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image
from sqlalchemy.orm import Session

from jingwang.probe.models import Capture, Evidence
from jingwang.probe.types import (
    Card,
    CertInfo,
    Exchange,
    Hop,
    LimitHit,
    Outcome,
    PageSummary,
    ProbeResult,
    Subresource,
    TLSInfo,
    Via,
)
from jingwang.probe.warc import write_warc
from jingwang.store.blobs import FileBlobStore

T0 = dt.datetime(2009, 6, 1, 8, 30, 0, 123456, tzinfo=dt.UTC)
WML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<wml><card id="a" title="手机乐园">'
    "<p>欢迎 粤ICP备09012345号</p></card></wml>\n"
).encode()


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def certificate() -> CertInfo:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wap.shouji.test")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x1234)
        .not_valid_before(T0 - dt.timedelta(days=1))
        .not_valid_after(T0 + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    return CertInfo(
        subject="CN=wap.shouji.test",
        issuer="CN=wap.shouji.test",
        serial="1234",
        not_before=T0 - dt.timedelta(days=1),
        not_after=T0 + dt.timedelta(days=30),
        sha256=hashlib.sha256(der).hexdigest(),
        der=der,
        dns_names=("wap.shouji.test",),
    )


def request_head(url_path: str, host: str) -> bytes:
    return (
        f"GET {url_path} HTTP/1.1\r\nHost: {host}\r\n"
        "User-Agent: Nokia6300/2.0 (05.00) Profile/MIDP-2.0 Configuration/CLDC-1.1 UCWEB7.0\r\n"
        "Accept: text/vnd.wap.wml, application/vnd.wap.xhtml+xml, */*\r\n\r\n"
    ).encode()


def sample_result(*, cert: CertInfo | None = None, url: str = "http://shouji.test/") -> ProbeResult:
    """A probe: 302 to https, a gzip WML page, one PNG (truncated), one failed image."""
    wml_gz = gzip.compress(WML, mtime=0)
    redirect = Exchange(
        url=url,
        method="GET",
        ip="127.0.0.1",
        port=80,
        request_head=request_head("/", "shouji.test"),
        request_body=b"",
        started_at=T0,
        status=302,
        reason="Found",
        response_headers=[
            ("Location", "https://wap.shouji.test/index.wml"),
            ("Content-Length", "0"),
        ],
        response_head=(
            b"HTTP/1.1 302 Found\r\nLocation: https://wap.shouji.test/index.wml\r\n"
            b"Content-Length: 0\r\n\r\n"
        ),
        ttfb_ms=3.0,
        total_ms=3.5,
    )
    page = Exchange(
        url="https://wap.shouji.test/index.wml",
        method="GET",
        ip="127.0.0.1",
        port=443,
        request_head=request_head("/index.wml", "wap.shouji.test"),
        request_body=b"",
        started_at=T0 + dt.timedelta(milliseconds=5),
        status=200,
        reason="OK",
        response_headers=[
            ("Content-Type", "text/vnd.wap.wml; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(wml_gz))),
        ],
        response_head=(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/vnd.wap.wml; charset=utf-8\r\n"
            b"Content-Encoding: gzip\r\n" + f"Content-Length: {len(wml_gz)}\r\n\r\n".encode()
        ),
        body_wire=wml_gz,
        body=WML,
        via=Via.HTTP,
        tls=TLSInfo(
            version="TLSv1.3",
            cipher="TLS_AES_128_GCM_SHA256",
            valid=False,
            problem="self-signed",
            chain=(cert or certificate(),),
        ),
    )
    png = png_bytes()
    image = Exchange(
        url="https://wap.shouji.test/logo.png",
        method="GET",
        ip="127.0.0.1",
        port=443,
        request_head=request_head("/logo.png", "wap.shouji.test"),
        request_body=b"",
        started_at=T0 + dt.timedelta(milliseconds=9),
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "image/png")],
        response_head=b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n",
        body_wire=png[:40],
        body=png[:40],
        truncated=LimitHit.WIRE_BYTES,
        via=Via.SUBRESOURCE,
    )
    failed = Exchange(
        url="http://img.shouji.test/a.gif",
        method="GET",
        ip="127.0.0.1",
        port=80,
        request_head=request_head("/a.gif", "img.shouji.test"),
        request_body=b"",
        started_at=T0 + dt.timedelta(milliseconds=11),
        error="connection refused by 127.0.0.1:80",
        via=Via.SUBRESOURCE,
    )
    return ProbeResult(
        url=url,
        profile="wap1",
        outcome=Outcome.OK,
        started_at=T0,
        finished_at=T0 + dt.timedelta(milliseconds=20),
        hops=[
            Hop(url=url, via=Via.START, status=302),
            Hop(url="https://wap.shouji.test/index.wml", via=Via.HTTP, status=200),
        ],
        exchanges=[redirect, page],
        subresources=[
            Subresource(
                url=image.url, exchange=image, media_type="image/png", limit_hit=LimitHit.WIRE_BYTES
            ),
            Subresource(url=failed.url, exchange=failed, refused=None),
            Subresource(url="http://10.0.0.1/x.png", exchange=None, refused="private address"),
        ],
        page=PageSummary(
            kind="wml",
            charset="utf-8",
            title="手机乐园",
            text="欢迎 粤ICP备09012345号",
            cards=[Card(id="a", title="手机乐园", text="欢迎 粤ICP备09012345号")],
        ),
        final_url="https://wap.shouji.test/index.wml",
        resolver="udp://127.0.0.1:5353",
    )


def refused_result() -> ProbeResult:
    """A probe the guard refused: nothing was fetched."""
    return ProbeResult(
        url="http://intranet.test/",
        profile="android",
        outcome=Outcome.REFUSED,
        started_at=T0,
        finished_at=T0,
        hops=[Hop(url="http://intranet.test/", via=Via.START, refused="private address")],
        refused="private address 10.1.2.3",
        refused_code="probe.address_forbidden",
    )


def store_capture(
    session: Session, blobs: FileBlobStore, result: ProbeResult, **extra: bytes
) -> int:
    """A capture row with its WARC (and any ``kind=bytes`` artefacts) stored as evidence."""
    capture = Capture(
        url=result.url,
        final_url=result.final_url,
        profile=result.profile,
        outcome=result.outcome.value,
        title=result.page.title if result.page else None,
        chain=[{"url": hop.url, "via": hop.via.value} for hop in result.hops],
        summary=result.page.to_json() if result.page else {},
        requested_by="tester",
        started_at=result.started_at,
        finished_at=result.finished_at,
    )
    session.add(capture)
    session.flush()
    artefacts = {"warc": (write_warc(result, software="jingwang-test"), "application/warc")}
    artefacts.update({kind: (data, "image/png") for kind, data in extra.items()})
    for kind, (data, media_type) in artefacts.items():
        digest = blobs.put(data)
        session.add(
            Evidence(
                capture_id=capture.id,
                kind=kind,
                digest=digest,
                size=len(data),
                media_type=media_type,
            )
        )
    session.flush()
    return capture.id

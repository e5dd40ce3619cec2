"""The sample web server: virtual hosts by Host, hits, UA variants, slow and broken answers."""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from jingwang.demo.sampleweb import (
    ClientClass,
    RunningWeb,
    SampleWeb,
    SiteKind,
    generate,
    serve,
    serve_process,
)
from jingwang.demo.testca import ServerTLS, TestCA

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
UCWEB = "NOKIA5700/ UCWEB7.0.2.37/28/999"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


@pytest.fixture(scope="module")
def web() -> SampleWeb:
    return generate(2009, 40)


@pytest.fixture
def running(web: SampleWeb) -> Iterator[RunningWeb]:
    with serve(web) as running:
        yield running


def _connect(running: RunningWeb, timeout: float = 10.0) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", running.http_port, timeout=timeout)


def get(
    running: RunningWeb, host: str, path: str = "/", ua: str = IPHONE
) -> tuple[int, dict[str, str], bytes]:
    conn = _connect(running)
    try:
        conn.request("GET", path, headers={"Host": host, "User-Agent": ua})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_answers_by_host_header(running: RunningWeb, web: SampleWeb) -> None:
    first, second = [s for s in web.sites if s.kind is SiteKind.PORN and s.entry == "/"][:2]
    for site in (first, second):
        status, headers, body = get(running, f"{site.host}:{running.http_port}", site.entry)
        assert status == 200
        resource = site.resources["/"].pick(ClientClass.SMARTPHONE)
        assert body == resource.data()
        assert headers["Content-Type"] == resource.content_type
    status, _, body = get(running, "nobody-here.test")
    assert status == 404
    assert b"nobody-here.test" in body


def test_hits_count_per_host_and_path(running: RunningWeb) -> None:
    for _ in range(3):
        get(running, "th-meinv.test", "/wap/index.wml")
    get(running, "TH-MEINV.TEST.", "/")
    assert running.hits[("th-meinv.test", "/wap/index.wml")] == 3
    assert running.hits[("th-meinv.test", "/")] == 1
    assert running.hits[("xx-tupian.test", "/")] == 0


def test_url_and_urls_carry_the_port(running: RunningWeb, web: SampleWeb) -> None:
    port = running.http_port
    assert running.url("th-meinv.test", "/wap/index.wml") == (
        f"http://th-meinv.test:{port}/wap/index.wml"
    )
    urls = running.urls(kinds={SiteKind.LANDING})
    assert urls
    assert all(f".test:{port}/" in url for url in urls)
    assert all(
        ("?qd=" in u) or ("?channel=" in u) or ("?from=" in u) or ("?cid=" in u) for u in urls
    )
    with pytest.raises(ValueError, match="tls="):
        running.url("th-meinv.test", https=True)


def test_ua_dependent_sites_answer_by_client(running: RunningWeb, web: SampleWeb) -> None:
    formats = [s for s in web.of_kind(SiteKind.UA_DEPENDENT) if "format" in s.truth.note]
    cloaks = [s for s in web.of_kind(SiteKind.UA_DEPENDENT) if "cloak" in s.truth.note]
    assert formats
    assert cloaks
    _, wap_headers, _ = get(running, formats[0].host, ua=UCWEB)
    _, phone_headers, _ = get(running, formats[0].host, ua=IPHONE)
    assert wap_headers["Content-Type"].startswith("text/vnd.wap.wml")
    assert not phone_headers["Content-Type"].startswith("text/vnd.wap.wml")
    _, _, to_phone = get(running, cloaks[0].host, ua=IPHONE)
    _, _, to_desktop = get(running, cloaks[0].host, ua=DESKTOP)
    assert to_phone != to_desktop


def test_redirects_and_retry_after(running: RunningWeb) -> None:
    status, headers, _ = get(running, "redirect-http.test")
    assert (status, headers["Location"]) == (301, "/a")
    status, headers, _ = get(running, "busy-429.test")
    assert (status, headers["Retry-After"]) == (429, "5")
    status, headers, _ = get(running, "busy-503.test")
    assert (status, headers["Retry-After"]) == (503, "10")
    assert get(running, "broken-500.test")[0] == 500


def test_bomb_travels_small_with_its_encoding(running: RunningWeb) -> None:
    status, headers, body = get(running, "bomb-br.test")
    assert status == 200
    assert headers["Content-Encoding"] == "br"
    assert len(body) < 1024 * 1024


def test_reset_and_truncated(running: RunningWeb) -> None:
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        get(running, "broken-reset.test")
    with pytest.raises(http.client.IncompleteRead):
        get(running, "broken-truncated.test")


@pytest.mark.slow
def test_drip_sends_headers_then_trickles(running: RunningWeb) -> None:
    conn = _connect(running)
    try:
        conn.request("GET", "/", headers={"Host": "slow-drip.test"})
        response = conn.getresponse()  # headers came at once
        assert response.status == 200
        announced = int(response.headers["Content-Length"])
        first = response.read(2)  # the body comes a byte at a time
        assert len(first) == 2 < announced
    finally:
        conn.close()


@pytest.mark.slow
def test_slow_first_byte_sends_nothing_at_first(running: RunningWeb) -> None:
    conn = _connect(running, timeout=0.5)
    try:
        conn.request("GET", "/", headers={"Host": "slow-ttfb.test"})
        with pytest.raises(TimeoutError):
            conn.getresponse()
    finally:
        conn.close()
    assert running.hits[("slow-ttfb.test", "/")] == 1


def test_latency_is_injected(web: SampleWeb) -> None:
    with serve(web, latency_ms=50) as running:
        assert get(running, "th-meinv.test", "/")[0] == 200


@pytest.mark.slow
def test_https_with_the_test_ca(web: SampleWeb, tmp_path: Path) -> None:
    ca = TestCA.create(tmp_path / "ca")
    cert, key = ca.issue(["th-meinv.test", "*.test"], tmp_path / "certs")
    with serve(web, tls=ServerTLS(cert, key).context()) as running:
        assert running.https_port
        assert running.url("th-meinv.test", "/", https=True).startswith("https://th-meinv.test:")
        raw = socket.create_connection(("127.0.0.1", running.https_port), timeout=10)
        with ca.client_context().wrap_socket(raw, server_hostname="th-meinv.test") as tls:
            assert isinstance(tls, ssl.SSLSocket)
            tls.sendall(b"GET / HTTP/1.1\r\nHost: th-meinv.test\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := tls.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 200")
        assert running.hits[("th-meinv.test", "/")] == 1


@pytest.mark.slow
def test_serve_process_returns_ports() -> None:
    with serve_process(5, 10, hostile=False, named=()) as process:
        assert process.http_port > 0
        assert process.https_port is None
        sites = generate(5, 10, hostile=False, named=()).sites
        conn = http.client.HTTPConnection("127.0.0.1", process.http_port, timeout=10)
        try:
            conn.request("GET", sites[0].entry, headers={"Host": sites[0].host})
            assert conn.getresponse().status == 200
        finally:
            conn.close()

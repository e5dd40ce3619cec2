"""The fetcher's parts: loopback DNS, resolver, profiles, the capped decoder, the test CA."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import zlib
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest
from cryptography import x509

from jingwang.demo.dns import LoopbackDNS
from jingwang.demo.testca import TestCA
from jingwang.errors import ConfigError
from jingwang.probe.decode import BodyDecoder, UnsupportedEncoding
from jingwang.probe.errors import UnknownProfile, Unresolvable
from jingwang.probe.profiles import FORBIDDEN_HEADERS, PROFILES, get_profile
from jingwang.probe.resolver import Resolver, parse_server
from jingwang.settings import Settings


def test_loopback_dns_answers_zone_wildcard_and_nxdomain() -> None:
    with LoopbackDNS({"Dual.TEST.": ["192.0.2.7", "2001:db8::7"]}) as dns:
        resolver = Resolver(("127.0.0.1", dns.port))
        assert asyncio.run(resolver.resolve("dual.test")) == ["192.0.2.7", "2001:db8::7"]
        assert asyncio.run(resolver.resolve("anything.test")) == ["127.0.0.1"]
        with pytest.raises(Unresolvable, match="NXDOMAIN"):
            asyncio.run(resolver.resolve("example.com"))
        assert dns.queries["dual.test"] == 2  # A and AAAA


def test_loopback_dns_sequences_change_per_query() -> None:
    with LoopbackDNS() as dns:
        dns.set_sequence("rebind.test", [["127.0.0.1"], ["169.254.169.254"]])
        resolver = Resolver(("127.0.0.1", dns.port))
        answers = [asyncio.run(resolver.resolve("rebind.test")) for _ in range(3)]
        assert answers == [["127.0.0.1"], ["169.254.169.254"], ["169.254.169.254"]]
        assert dns.queries_by_type[("rebind.test", "A")] == 3


def test_resolver_from_settings(settings: Settings) -> None:
    assert Resolver.from_settings(settings).name == "system"
    udp = settings.model_copy(update={"probe_resolver": "127.0.0.1:5353"})
    assert Resolver.from_settings(udp).name == "udp://127.0.0.1:5353"
    assert parse_server("[::1]:53") == ("::1", 53)
    assert parse_server("10.0.0.2") == ("10.0.0.2", 53)
    with pytest.raises(ConfigError, match="probe_resolver"):
        parse_server("dns.example:53")


def test_system_resolver_resolves_localhost() -> None:
    assert "127.0.0.1" in asyncio.run(Resolver().resolve("localhost"))


def test_profiles_are_complete_and_never_send_subscriber_headers() -> None:
    assert set(PROFILES) == {"wap1", "xhtmlmp", "android", "iphone", "desktop"}
    for profile in PROFILES.values():
        names = {key.lower() for key, _ in profile.request_headers()}
        assert {"user-agent", "accept", "accept-language", "accept-encoding"} <= names
        assert not names & FORBIDDEN_HEADERS
        assert profile.label_zh
        assert profile.label_en
    assert "UCWEB" in get_profile("wap1").user_agent
    assert "text/vnd.wap.wml" in dict(get_profile("wap1").headers)["Accept"]
    image = dict(get_profile("android").request_headers(accept="image/*"))
    assert image["Accept"] == "image/*"
    with pytest.raises(UnknownProfile, match="wap1"):
        get_profile("nokia")


def _decode(encoding: str, data: bytes, cap: int, chunk: int = 1000) -> BodyDecoder:
    decoder = BodyDecoder(encoding, cap)
    for start in range(0, len(data), chunk):
        decoder.feed(data[start : start + chunk])
    return decoder


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda d: zlib.compress(d)[2:-4]),  # raw deflate, as old servers send
        ("br", brotli.compress),
        ("identity", lambda d: d),
    ],
)
def test_decoder_round_trips_and_caps(encoding: str, encode: object) -> None:
    text = "手机网站拨测 ".encode() * 2000
    assert callable(encode)
    whole = _decode(encoding, encode(text), cap=len(text) + 10)
    assert bytes(whole.out) == text
    assert not whole.capped
    capped = _decode(encoding, encode(text), cap=5000)
    assert bytes(capped.out) == text[:5000]
    assert capped.capped


def test_decoder_undoes_stacked_encodings_last_first() -> None:
    text = b"stacked " * 1000
    decoder = _decode("gzip, br", brotli.compress(gzip.compress(text)), cap=10**6)
    assert bytes(decoder.out) == text


def test_decoder_refuses_unknown_encodings() -> None:
    with pytest.raises(UnsupportedEncoding, match="zstd"):
        BodyDecoder("zstd", 100)


def test_test_ca_issues_leaf_expired_and_self_signed(tmp_path: Path) -> None:
    ca = TestCA.create(tmp_path / "ca")
    cert_path, key_path = ca.issue(["shop.test", "*.shop.test"], tmp_path / "leaf")
    chain = x509.load_pem_x509_certificates(cert_path.read_bytes())
    assert len(chain) == 2
    assert chain[0].issuer == chain[1].subject
    assert key_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    expired, _ = ca.issue(["old.test"], tmp_path / "leaf", expired=True)
    old = x509.load_pem_x509_certificates(expired.read_bytes())[0]
    assert old.not_valid_after_utc < dt.datetime.now(dt.UTC)
    own, _ = ca.issue(["self.test"], tmp_path / "leaf", self_signed=True)
    (alone,) = x509.load_pem_x509_certificates(own.read_bytes())
    assert alone.issuer == alone.subject

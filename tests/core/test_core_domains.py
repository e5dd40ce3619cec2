"""Hosts: punycode both ways, registrable domains from the bundled suffix list, offline."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from jingwang.core import domains
from jingwang.core.domains import DomainError, Host, registrable_domain, to_ascii, to_unicode


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("a.b.porn.test", "porn.test"),  # "test" is not on the list: last label as suffix
        ("porn.test", "porn.test"),
        ("www.example.com", "example.com"),
        ("m.site.com.cn", "site.com.cn"),
        ("a.b.co.uk", "b.co.uk"),
        ("WWW.Example.COM.", "example.com"),
        ("foo.blogspot.com", "foo.blogspot.com"),  # private suffixes count by default
        ("x.y.github.io", "y.github.io"),
        ("www.中国.cn", "中国.cn"),
        ("www.xn--fiqs8s.cn", "xn--fiqs8s.cn"),
        ("a.xn--fiqs8s", "a.xn--fiqs8s"),  # .中国 in punycode
        ("com.cn", None),  # a public suffix itself
        ("github.io", None),
        ("localhost", None),
        ("test", None),
        ("", None),
        ("1.2.3.4", None),
        ("[2001:db8::1]", None),
    ],
)
def test_registrable_domain(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected


def test_private_suffixes_can_be_ignored() -> None:
    assert registrable_domain("foo.blogspot.com", private=False) == "blogspot.com"
    assert registrable_domain("x.y.github.io", private=False) == "github.io"


def test_suffix_list_is_read_without_network_or_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("tried to connect")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    domains._extractor.cache_clear()
    try:
        assert registrable_domain("a.b.example.com") == "example.com"
    finally:
        domains._extractor.cache_clear()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("unicode", "ascii_"),
    [
        ("中国.cn", "xn--fiqs8s.cn"),
        ("色情.test", "xn--feuo36e.test"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("faß.example", "xn--fa-hia.example"),
        ("a_b.example", "a_b.example"),
    ],
)
def test_punycode_both_ways(unicode: str, ascii_: str) -> None:
    assert to_ascii(unicode) == ascii_
    assert to_unicode(ascii_) == unicode


def test_to_ascii_maps_case_width_and_ideographic_dots() -> None:
    assert to_ascii("ＷＷＷ。中国．CN.") == "www.xn--fiqs8s.cn"
    assert to_ascii("☃.example") == "xn--n3h.example"  # IDNA 2003, as browsers do
    assert to_unicode("xn--n3h.example") == "☃.example"


@pytest.mark.parametrize(
    ("host", "says"),
    [
        ("", "empty"),
        ("a..b", "1 to 63"),
        ("a" * 64 + ".test", "1 to 63"),
        ("a." * 127 + "test", "253"),
        ("a\u0080b中.test", "not a valid internationalised"),
        ("xn--zz.test", "not valid punycode"),
    ],
)
def test_conversion_errors_say_what_is_wrong(host: str, says: str) -> None:
    with pytest.raises(DomainError, match=says) as caught:
        to_ascii(host)
    assert caught.value.code == "domain.invalid"
    assert caught.value.details == {"host": host}


def test_to_unicode_refuses_bad_punycode() -> None:
    with pytest.raises(DomainError, match="punycode"):
        to_unicode("xn--zz.test")


def test_host_helper() -> None:
    host = Host.parse(" WAP.色情.test ")
    assert host.name == str(host) == "wap.xn--feuo36e.test"
    assert host.unicode == "wap.色情.test"
    assert host.labels == ("wap", "xn--feuo36e", "test")
    assert host.registrable_domain() == "xn--feuo36e.test"
    assert host.is_within("xn--feuo36e.test")
    assert not host.is_within("e.test")
    assert not host.is_ip
    assert Host.parse("10.0.0.1").is_ip

"""The guard's address tables and URL checks, one address or URL at a time."""

from __future__ import annotations

import asyncio

import pytest

from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.errors import AddressForbidden, PortForbidden, SchemeForbidden, URLForbidden
from jingwang.probe.guard import AddressPolicy, check_ip, check_url, pin
from jingwang.probe.resolver import Resolver

STRICT = AddressPolicy()
LOOSE = AddressPolicy(allow_loopback=True, allow_private=True)

PUBLIC = [
    "8.8.8.8",
    "93.184.216.34",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "64:ff9b::808:808",  # NAT64 of a public address
    "2002:808:808::1",  # 6to4 of a public address
    "100.63.255.255",  # just below 100.64/10
    "100.128.0.0",  # just above it
    "172.32.0.1",  # just above 172.16/12
    "169.253.255.255",
]
ALWAYS_FORBIDDEN = [
    "0.0.0.0",
    "0.1.2.3",
    "100.64.0.1",
    "100.127.255.255",
    "169.254.169.254",
    "192.0.0.8",
    "192.0.2.1",
    "192.31.196.1",
    "192.52.193.1",
    "192.88.99.1",
    "192.175.48.1",
    "198.18.0.1",
    "198.19.255.255",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::ffff:169.254.169.254",
    "::ffff:0:a9fe:a9fe",  # IPv4-translated
    "::a9fe:a9fe",  # IPv4-compatible
    "::8.8.8.8",  # IPv4-compatible, even of a public address
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::1",
    "100::1",
    "2001::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "2001:db8::1",
    "2002:a9fe:a9fe::1",  # 6to4 of link-local
    "3fff::1",
    "5f00::1",
    "fe80::1",
    "fe80::1%eth0",
    "fec0::1",
    "ff02::1",
]
LOOPBACK = ["127.0.0.1", "127.255.255.254", "::1", "::ffff:127.0.0.1", "2002:7f00:1::"]
PRIVATE = ["10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "fd00::1", "fc00::1"]


@pytest.mark.parametrize("ip", PUBLIC)
def test_public_addresses_pass(ip: str) -> None:
    check_ip(ip, STRICT)


@pytest.mark.parametrize("ip", ALWAYS_FORBIDDEN)
def test_special_purpose_addresses_are_refused_whatever_the_settings(ip: str) -> None:
    for policy in (STRICT, LOOSE):
        with pytest.raises(AddressForbidden, match="never connects"):
            check_ip(ip, policy)


@pytest.mark.parametrize("ip", LOOPBACK)
def test_loopback_needs_its_setting(ip: str) -> None:
    with pytest.raises(AddressForbidden, match="probe_allow_loopback"):
        check_ip(ip, STRICT)
    with pytest.raises(AddressForbidden):
        check_ip(ip, AddressPolicy(allow_private=True))
    check_ip(ip, AddressPolicy(allow_loopback=True))


@pytest.mark.parametrize("ip", PRIVATE)
def test_private_needs_its_setting(ip: str) -> None:
    with pytest.raises(AddressForbidden, match="probe_allow_private"):
        check_ip(ip, AddressPolicy(allow_loopback=True))
    check_ip(ip, AddressPolicy(allow_private=True))


def test_refusals_say_what_and_why() -> None:
    with pytest.raises(AddressForbidden) as caught:
        check_ip("::ffff:169.254.169.254", LOOSE)
    assert "IPv4-mapped" in caught.value.message
    assert "169.254.0.0/16" in caught.value.message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.TEST/a/b?q=1#frag", "http://example.test/a/b?q=1"),
        ("https://example.test:443/", "https://example.test/"),
        ("http://example.test:8080", "http://example.test:8080/"),
        ("http://例子.test/页", "http://xn--fsqu00a.test/页"),
        ("http://[2606:4700::1111]/", "http://[2606:4700::1111]/"),
        ("http://0x5d.0xb8.0xd8.0x22/", "http://93.184.216.34/"),
        ("http://1572395042/", "http://93.184.216.34/"),
    ],
)
def test_check_url_normalises_what_it_lets_through(url: str, expected: str) -> None:
    assert check_url(url, STRICT).url == expected


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("file:///etc/passwd", SchemeForbidden),
        ("FTP://a.test/", SchemeForbidden),
        ("wtai://wp/mc;13800138000", SchemeForbidden),
        ("http://u@a.test/", URLForbidden),
        ("http://a.test\n/", URLForbidden),
        ("a.test/page", URLForbidden),
        ("http://a.test:22/", PortForbidden),
        ("http://a.test:0/", PortForbidden),
        ("http://a.test:99999/", URLForbidden),
        ("http://[2606:4700::1111%25eth0]/", URLForbidden),
        ("http://2130706433/", AddressForbidden),
        ("http://[::ffff:7f00:1]/", AddressForbidden),
    ],
)
def test_check_url_refuses(url: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        check_url(url, STRICT)


def test_any_port_setting_opens_every_port() -> None:
    assert check_url("http://a.test:22/", AddressPolicy(allow_any_port=True)).port == 22


def test_pin_refuses_a_name_when_any_address_is_forbidden() -> None:
    zone = {"ok.test": ["93.184.216.34"], "half.test": ["93.184.216.34", "10.0.0.1"]}
    with LoopbackDNS(zone) as dns:
        resolver = Resolver(("127.0.0.1", dns.port))
        pinned = asyncio.run(pin("http://ok.test/x", STRICT, resolver))
        assert (pinned.host, pinned.ip, pinned.port) == ("ok.test", "93.184.216.34", 80)
        with pytest.raises(AddressForbidden, match=r"half\.test resolves to address 10\.0\.0\.1"):
            asyncio.run(pin("http://half.test/", STRICT, resolver))
        loose = asyncio.run(pin("http://half.test/", LOOSE, resolver))
        assert set(loose.addresses) == {"93.184.216.34", "10.0.0.1"}
        assert loose.ip == loose.addresses[0]

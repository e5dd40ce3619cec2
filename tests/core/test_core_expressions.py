"""Safe Browsing expressions and hashes, with the documentation's own examples."""

from __future__ import annotations

import pytest

from jingwang.core.expressions import (
    MAX_EXPRESSIONS,
    expressions,
    full_hash,
    hash_prefix,
    hashed_expressions,
    host_suffixes,
    path_prefixes,
)
from jingwang.core.url import canonicalize

DOCUMENTED = {
    "http://a.b.c/1/2.html?param=1": [
        "a.b.c/1/2.html?param=1",
        "a.b.c/1/2.html",
        "a.b.c/",
        "a.b.c/1/",
        "b.c/1/2.html?param=1",
        "b.c/1/2.html",
        "b.c/",
        "b.c/1/",
    ],
    "http://a.b.c.d.e.f.g/1.html": [
        "a.b.c.d.e.f.g/1.html",
        "a.b.c.d.e.f.g/",
        "c.d.e.f.g/1.html",
        "c.d.e.f.g/",
        "d.e.f.g/1.html",
        "d.e.f.g/",
        "e.f.g/1.html",
        "e.f.g/",
        "f.g/1.html",
        "f.g/",
    ],
    "http://1.2.3.4/1/": ["1.2.3.4/1/", "1.2.3.4/"],
    "http://a.b/saw-cgi/eBayISAPI.dll/": [
        "a.b/saw-cgi/eBayISAPI.dll/",
        "a.b/",
        "a.b/saw-cgi/",
    ],
}


@pytest.mark.parametrize(("url", "expected"), DOCUMENTED.items())
def test_documented_examples(url: str, expected: list[str]) -> None:
    assert expressions(canonicalize(url)) == expected


def test_thirty_at_most() -> None:
    url = canonicalize("http://a.b.c.d.e.f.g.h/1/2/3/4/5/6.html?x=y")
    found = expressions(url)
    assert len(found) == MAX_EXPRESSIONS
    assert len(set(found)) == MAX_EXPRESSIONS
    assert found[0] == "a.b.c.d.e.f.g.h/1/2/3/4/5/6.html?x=y"
    assert "h/" not in found  # never the bare top-level domain


def test_host_suffixes() -> None:
    assert host_suffixes("porn.test") == ["porn.test"]
    assert host_suffixes("m.wap.porn.test") == ["m.wap.porn.test", "wap.porn.test", "porn.test"]
    assert host_suffixes("localhost") == ["localhost"]
    assert host_suffixes("[::1]", is_ip=True) == ["[::1]"]
    assert host_suffixes("10.0.0.1", is_ip=True) == ["10.0.0.1"]


def test_path_prefixes() -> None:
    assert path_prefixes("/", None) == ["/"]
    assert path_prefixes("/", "a=1") == ["/?a=1", "/"]
    assert path_prefixes("/q", "") == ["/q", "/"]  # an empty query adds nothing
    assert path_prefixes("/a/b/c/d/e.wml", None) == [
        "/a/b/c/d/e.wml",
        "/",
        "/a/",
        "/a/b/",
        "/a/b/c/",
    ]


def test_ipv6_host_only_as_itself() -> None:
    assert expressions(canonicalize("http://[2001:db8::1]/x")) == [
        "[2001:db8::1]/x",
        "[2001:db8::1]/",
    ]


def test_hashes() -> None:
    # SHA-256 of "abc", the FIPS 180-2 test vector.
    digest = bytes.fromhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert full_hash("abc") == digest
    assert hash_prefix("abc") == digest[:4]
    assert hash_prefix("abc", 32) == digest
    hashed = hashed_expressions(canonicalize("http://a.b/"))
    assert [(h.expression, h.full_hash) for h in hashed] == [("a.b/", full_hash("a.b/"))]
    assert hashed[0].prefix(8) == full_hash("a.b/")[:8]


@pytest.mark.parametrize("length", [0, 3, 33])
def test_prefix_lengths_outside_4_to_32_are_refused(length: int) -> None:
    with pytest.raises(ValueError, match="4 to 32"):
        hash_prefix("abc", length)

"""URL canonicalisation: the Safe Browsing test vectors, then our own decisions."""

from __future__ import annotations

import pytest

from jingwang.core.url import CanonicalURL, URLError, canonicalize
from jingwang.errors import InvalidInput

# The canonicalisation examples of the Safe Browsing v4 "URLs and hashing" documentation
# (also Chromium's safe_browsing util tests), complete. The \x01\x80 host is a byte string:
# Safe Browsing works on bytes, and in a Python str "\x80" is U+0080 (UTF-8 C2 80).
SAFE_BROWSING_VECTORS: list[tuple[str | bytes, str]] = [
    ("http://host/%25%32%35", "http://host/%25"),
    ("http://host/%25%32%35%25%32%35", "http://host/%25%25"),
    ("http://host/%2525252525252525", "http://host/%25"),
    ("http://host/asdf%25%32%35asd", "http://host/asdf%25asd"),
    ("http://host/%%%25%32%35asd%%", "http://host/%25%25%25asd%25%25"),
    ("http://www.google.com/", "http://www.google.com/"),
    (
        "http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/",
        "http://168.188.99.26/.secure/www.ebay.com/",
    ),
    (
        "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
        "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
    ),
    (
        "http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B",
        "http://host%23.com/~a!b@c%23d$e%25f^00&11*22(33)44_55+",
    ),
    ("http://3279880203/blah", "http://195.127.0.11/blah"),
    ("http://www.google.com/blah/..", "http://www.google.com/"),
    ("www.google.com/", "http://www.google.com/"),
    ("www.google.com", "http://www.google.com/"),
    ("http://www.evil.com/blah#frag", "http://www.evil.com/blah"),
    ("http://www.GOOgle.com/", "http://www.google.com/"),
    ("http://www.google.com.../", "http://www.google.com/"),
    ("http://www.google.com/foo\tbar\rbaz\n2", "http://www.google.com/foobarbaz2"),
    ("http://www.google.com/q?", "http://www.google.com/q?"),
    ("http://www.google.com/q?r?", "http://www.google.com/q?r?"),
    ("http://www.google.com/q?r?s", "http://www.google.com/q?r?s"),
    ("http://evil.com/foo#bar#baz", "http://evil.com/foo"),
    ("http://evil.com/foo;", "http://evil.com/foo;"),
    ("http://evil.com/foo?bar;", "http://evil.com/foo?bar;"),
    (b"http://\x01\x80.com/", "http://%01%80.com/"),
    ("http://notrailingslash.com", "http://notrailingslash.com/"),
    ("http://www.gotaport.com:1234/", "http://www.gotaport.com/"),
    ("  http://www.google.com/  ", "http://www.google.com/"),
    ("http:// leadingspace.com/", "http://%20leadingspace.com/"),
    ("http://%20leadingspace.com/", "http://%20leadingspace.com/"),
    ("%20leadingspace.com/", "http://%20leadingspace.com/"),
    ("https://www.securesite.com/", "https://www.securesite.com/"),
    ("http://host.com/ab%23cd", "http://host.com/ab%23cd"),
    ("http://host.com//twoslashes?more//slashes", "http://host.com/twoslashes?more//slashes"),
]


@pytest.mark.parametrize(("raw", "expected"), SAFE_BROWSING_VECTORS)
def test_safe_browsing_vectors(raw: str | bytes, expected: str) -> None:
    assert canonicalize(raw).url == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://0xC37F000B/", "http://195.127.0.11/"),  # one hex number
        ("http://0303.0177.0.013/", "http://195.127.0.11/"),  # octal parts
        ("http://195.127.11/", "http://195.127.0.11/"),  # three parts
        ("http://195.8323083/", "http://195.127.0.11/"),  # two parts
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://0/", "http://0.0.0.0/"),
        ("http://1.2.3.4./", "http://1.2.3.4/"),
        ("http://%31.2.3.4/", "http://1.2.3.4/"),
        ("http://１２７.０.０.１/", "http://127.0.0.1/"),  # full-width digits map first
    ],
)
def test_every_ipv4_spelling_becomes_dotted_decimal(raw: str, expected: str) -> None:
    result = canonicalize(raw)
    assert result.url == expected
    assert result.is_ip


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("example.test/a", "http://example.test/a"),
        ("//example.test/a", "http://example.test/a"),
        ("example.test:8080/a", "http://example.test/a"),
        ("HTTPS://Example.Test", "https://example.test/"),
        ("http:/example.test/a", "http://example.test/a"),
        ("http:\\\\example.test\\a\\b", "http://example.test/a/b"),
        ("http://user:secret@example.test/", "http://example.test/"),
        ("http://example.test/a/./b/../c//d/", "http://example.test/a/c/d/"),
        ("http://example.test/a/.", "http://example.test/a/"),
        ("http://example.test/..", "http://example.test/"),
        ("http://example.test?x=1", "http://example.test/?x=1"),
        (
            "http://example.test/wap/index.wml?sid=AB%2fcd",
            "http://example.test/wap/index.wml?sid=AB/cd",
        ),
        ("http://example.test/a;jsessionid=1?b", "http://example.test/a;jsessionid=1?b"),
        ("http://example.test/%E4%B8%AD", "http://example.test/%E4%B8%AD"),
        ("http://example.test/中", "http://example.test/%E4%B8%AD"),
        ("http://example.test/%zz", "http://example.test/%25zz"),
    ],
)
def test_schemes_paths_and_queries(raw: str, expected: str) -> None:
    assert canonicalize(raw).url == expected


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("http://中国.cn/", "xn--fiqs8s.cn"),
        ("http://%E4%B8%AD%E5%9B%BD.cn/", "xn--fiqs8s.cn"),
        ("http://色情。ＴＥＳＴ/", "xn--feuo36e.test"),  # ideographic full stop, full-width
        ("http://BÜCHER.example/", "xn--bcher-kva.example"),
        ("http://faß.example/", "xn--fa-hia.example"),  # IDNA 2008: ß is kept
        ("http://☃.example/", "xn--n3h.example"),  # IDNA 2003 fallback, as browsers
        ("http://a_b.example/", "a_b.example"),
        ("http://[::FFFF:1.2.3.4]:80/", "[::ffff:102:304]"),
    ],
)
def test_hosts(raw: str, host: str) -> None:
    assert canonicalize(raw).host == host


def test_parsed_object_keeps_the_port_but_the_url_drops_it() -> None:
    result = canonicalize("http://Example.TEST:8080/a?b=1")
    assert result == CanonicalURL("http", "example.test", 8080, "/a", "b=1")
    assert str(result) == result.url == "http://example.test/a?b=1"
    assert not result.is_ip


def test_deliberate_escapes_keep_canonicalisation_stable() -> None:
    # Chromium leaves an unescaped ? or \ in the path, which re-parses differently.
    assert canonicalize("http://h.test/a/.%3Fx").url == "http://h.test/a/.%3Fx"
    assert canonicalize("http://h.test/a%5Cb").url == "http://h.test/a%5Cb"
    assert canonicalize("http://a%2Fb%40c.test/").host == "a%2Fb%40c.test"


def test_deep_escape_chains_unescape_in_linear_time() -> None:
    raw = "http://h.test/%" + "25" * 20_000 + "41"
    assert canonicalize(raw).path == "/A"


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "no host"),
        ("   \t", "no host"),
        ("http://", "no host"),
        ("http://.../", "no host"),
        ("///path", "no host"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("data:text/html,<b>x</b>", "scheme 'data'"),
        ("mailto:a@b.test", "scheme 'mailto'"),
        ("wtai://wp/mc;13800000000", "scheme 'wtai'"),
        ("ftp://example.test/", "scheme 'ftp'"),
        ("http://example.test:99999/", "port"),
        ("http://example.test:http/", "port"),
        ("http://::1/", "brackets"),
        ("http://[::1/", "IPv6"),
        ("http://[not-v6]/", "IPv6"),
        ("http://a.123/", "IPv4"),
        ("http://1.2.3.4.5/", "IPv4"),
        ("http://256.1.1.1/", "IPv4"),
        ("http://4294967296/", "IPv4"),
        ("http://xn--zz.test/", "punycode"),
        ("http://a\u0080b中.test/", "internationalised"),
        ("http://" + "a" * 64 + ".test/", "DNS"),
        ("http://" + "a." * 127 + "test/", "DNS"),
    ],
)
def test_unusable_input_raises_url_error(raw: str, says: str) -> None:
    with pytest.raises(URLError) as caught:
        canonicalize(raw)
    error = caught.value
    assert isinstance(error, InvalidInput)
    assert error.code == "url.invalid"
    assert says in error.message
    assert error.details == {"url": raw}


def test_bytes_input_is_shown_readably_in_errors() -> None:
    with pytest.raises(URLError) as caught:
        canonicalize(b"javascript:\xff")
    assert caught.value.details == {"url": "javascript:\\xff"}

"""Properties that must hold for any input: no surprise exceptions, stable results."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jingwang.core.charset import decode_bytes
from jingwang.core.expressions import MAX_EXPRESSIONS, expressions
from jingwang.core.url import CanonicalURL, URLError, canonicalize

LABEL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
PATH_CHARS = LABEL_CHARS + "./;=&?%#\\ ~!$'()*+,:@中文\x00\x7f\u3002"

escapes = st.integers(0, 255).map(lambda b: f"%{b:02x}" if b % 2 else f"%{b:02X}")
ascii_labels = st.text(LABEL_CHARS, min_size=1, max_size=12)
idn_labels = st.sampled_from(["中国", "色情", "视频", "ＷＡＰ", "bücher", "☃", "xn--fiqs8s", "faß"])
labels = st.one_of(ascii_labels, idn_labels, escapes, st.just(""))
names = st.lists(labels, min_size=1, max_size=6).map(".".join)
ipv4 = st.integers(0, 2**32 - 1).flatmap(
    lambda n: st.sampled_from(
        [
            str(n),
            hex(n),
            ".".join(str((n >> s) & 255) for s in (24, 16, 8, 0)),
            ".".join(oct((n >> s) & 255).replace("0o", "0") for s in (24, 16, 8, 0)),
            f"{n >> 24}.{n & 0xFFFFFF}",
            f"[::ffff:{n >> 16:x}:{n & 0xFFFF:x}]",
        ]
    )
)
hosts = st.one_of(names, ipv4)
segments = st.one_of(st.text(PATH_CHARS, max_size=8), escapes, st.sampled_from([".", "..", ""]))
paths = st.lists(segments, max_size=6).map(lambda parts: "/" + "/".join(parts))
url_like = st.builds(
    lambda scheme, user, host, port, path, query, fragment: (
        f"{scheme}{user}{host}{port}{path}{query}{fragment}"
    ),
    st.sampled_from(["", "http://", "HTTPS://", "//", "http:/", "http:\\\\", " http://"]),
    st.sampled_from(["", "user@", "u:p@"]),
    hosts,
    st.sampled_from(["", ":80", ":8080", ":"]),
    paths,
    st.one_of(st.just(""), st.text(PATH_CHARS, max_size=10).map(lambda q: "?" + q)),
    st.sampled_from(["", "#frag", "#a#b"]),
)


def check_canonical(raw: str | bytes) -> CanonicalURL | None:
    """Canonicalise; only URLError may escape, and the result must be a fixed point."""
    try:
        first = canonicalize(raw)
    except URLError:
        return None
    again = canonicalize(first.url)
    assert again.url == first.url
    assert (again.host, again.path, again.query) == (first.host, first.path, first.query)
    assert first.url.isascii()
    return first


@settings(max_examples=500)
@given(st.text())
def test_any_text_canonicalises_stably_or_raises_url_error(raw: str) -> None:
    check_canonical(raw)


@settings(max_examples=300)
@given(st.binary())
def test_any_bytes_canonicalise_stably_or_raise_url_error(raw: bytes) -> None:
    check_canonical(raw)


@settings(max_examples=500)
@given(url_like)
def test_url_like_text_canonicalises_stably(raw: str) -> None:
    check_canonical(raw)


@settings(max_examples=300)
@given(url_like)
def test_expressions_are_bounded_and_include_the_exact_url(raw: str) -> None:
    canonical = check_canonical(raw)
    if canonical is None:
        return
    found = expressions(canonical)
    assert 1 <= len(found) <= MAX_EXPRESSIONS
    assert len(set(found)) == len(found)
    assert found[0 if not canonical.query else 1] == canonical.host + canonical.path


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=2048),
    st.one_of(
        st.none(),
        st.sampled_from(["gbk", "utf-8", "big5", "utf-16", "latin1", "iso2022_jp", "x-?"]),
        st.text(max_size=12),
    ),
    st.one_of(st.none(), st.text(max_size=40)),
)
def test_decode_bytes_never_raises(data: bytes, declared: str | None, header: str | None) -> None:
    result = decode_bytes(data, declared, http_header=header)
    assert isinstance(result.text, str)
    assert result.replaced == ("\ufffd" in result.text) or "\ufffd" in data.decode(
        "utf-8", "replace"
    )

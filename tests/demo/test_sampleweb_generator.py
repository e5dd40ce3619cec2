"""The sample web generator: deterministic, complete, honest about charsets, and clean."""

from __future__ import annotations

import codecs
import io
import re
import zlib

import brotli  # type: ignore[import-untyped]
import pytest
from lxml import etree  # type: ignore[import-untyped]
from PIL import Image

from jingwang.demo import registry
from jingwang.demo.sampleweb import (
    CONTENT_KINDS,
    DEMO_SITES,
    FORBIDDEN_WORDS,
    SampleWeb,
    SiteKind,
    generate,
)
from jingwang.demo.sampleweb.content import EN, TRADITIONAL, ZH
from jingwang.demo.sampleweb.media import BOMB_INFLATED_BYTES, PIXEL_BOMB_SIDE, wbmp
from jingwang.demo.sampleweb.sites import icp_ascii

TEXT_TYPES = ("text/", "application/vnd.wap.xhtml+xml")


@pytest.fixture(scope="module")
def web() -> SampleWeb:
    return generate()


def _text_pages(web: SampleWeb) -> list[tuple[str, str, str, bytes]]:
    """(host, path, content type, body) of every text answer, variants included."""
    out = []
    for host, path, resource in web.resources():
        for variant in (resource, *resource.variants.values()):
            content_type = variant.content_type or ""
            if content_type.startswith(TEXT_TYPES) and variant.body is not None:
                out.append((host, path, content_type, variant.body))
    return out


def _decoded(web: SampleWeb, host: str, body: bytes) -> str:
    charset = web.site(host).truth.charset
    return body.decode(charset.encoding if charset else "utf-8").removeprefix("\ufeff")


def _all_bytes(web: SampleWeb) -> dict[tuple[str, str, str], bytes]:
    out = {}
    for host, path, resource in web.resources():
        if web.site(host).kind is SiteKind.BOMB:
            continue  # rendered by test_bombs_inflate_past_100_mb
        out[(host, path, "")] = resource.data()
        for client, variant in resource.variants.items():
            out[(host, path, client)] = variant.data()
    return out


@pytest.mark.slow
def test_same_seed_same_bytes() -> None:
    first, second = generate(11, 60), generate(11, 60)
    assert [s.host for s in first.sites] == [s.host for s in second.sites]
    assert _all_bytes(first) == _all_bytes(second)
    assert [s.truth for s in first.sites] == [s.truth for s in second.sites]
    other = generate(12, 60)
    assert _all_bytes(other) != _all_bytes(first)


def test_every_kind_is_present(web: SampleWeb) -> None:
    assert {site.kind for site in web.sites} == set(SiteKind)


def test_every_format_and_charset_is_present(web: SampleWeb) -> None:
    truths = [s.truth for s in web.sites if s.truth.charset]
    assert {f for t in truths for f in t.formats} == {"wml", "xhtml-mp", "html5"}
    assert {t.charset.encoding for t in truths if t.charset} >= {
        "utf-8",
        "gb2312",
        "gbk",
        "gb18030",
        "big5",
    }
    assert any(t.charset and t.charset.bom for t in truths)
    assert any(t.charset and t.charset.mislabelled for t in truths)


def test_benchmark_web_has_exactly_sites_times_pages() -> None:
    web = generate(3, 50, pages_per_site=10, hostile=False, named=())
    assert len(web.sites) == 50
    assert len(web.urls()) == 500
    assert {site.kind for site in web.sites} <= CONTENT_KINDS
    assert len(set(web.urls())) == 500


def test_charsets_are_encoded_as_claimed(web: SampleWeb) -> None:
    checked = 0
    for host, _, content_type, body in _text_pages(web):
        truth = web.site(host).truth.charset
        if truth is None:
            continue
        checked += 1
        assert body.startswith(codecs.BOM_UTF8) == truth.bom
        body.decode(truth.encoding)  # strict: the bytes really are in this encoding
        header = re.search(r"charset=([\w-]+)", content_type)
        assert (header.group(1) if header else None) == truth.header_label
        if truth.meta_label:
            assert f"{truth.meta_label}".encode() in body[:600]
        if truth.mislabelled:
            label = truth.header_label or truth.meta_label
            assert label is not None
            with pytest.raises(UnicodeDecodeError):  # the label lies
                body.decode("gb2312" if label.startswith("gb") else label)
    assert checked > 1000


def test_mislabelled_pages_lie_both_ways(web: SampleWeb) -> None:
    plans = {
        (t.charset.encoding, t.charset.header_label, t.charset.meta_label)
        for s in web.sites
        if (t := s.truth).charset and t.charset.mislabelled
    }
    assert ("gbk", "utf-8", None) in plans  # header says utf-8, bytes are GBK
    assert ("utf-8", None, "gb2312") in plans  # meta says gb2312, bytes are UTF-8


def test_no_page_refers_to_minors(web: SampleWeb) -> None:
    tables = [*ZH.values(), *EN.values()]
    words = [w for t in tables for group in vars(t).values() for w in group]
    words += [w for group in TRADITIONAL.values() for w in group]
    for text in [*words, *(_decoded(web, h, b) for h, _, _, b in _text_pages(web))]:
        lowered = text.lower()
        found = [word for word in FORBIDDEN_WORDS if word in lowered]
        assert not found, (found, text[:200])


def test_wml_and_xhtml_mp_pages_are_well_formed_xml(web: SampleWeb) -> None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for host, path, content_type, body in _text_pages(web):
        if not content_type.startswith(("text/vnd.wap.wml", "application/vnd.wap.xhtml+xml")):
            continue
        truth = web.site(host).truth.charset
        if truth and truth.mislabelled and truth.meta_label:
            continue  # its XML declaration names the wrong encoding on purpose
        data = body
        if truth and truth.mislabelled:  # no declaration: tell lxml the truth
            data = body.decode(truth.encoding).encode("utf-8")
        root = etree.fromstring(data, parser)
        assert root.tag.endswith(("wml", "html")), (host, path)


def test_wml_decks_have_cards_variables_and_dial_links(web: SampleWeb) -> None:
    deck = web.site("th-meinv.test").resources["/wap/index.wml"].data().decode("gb2312")
    assert deck.count("<card ") >= 3
    assert '<setvar name="ch"' in deck
    assert "$(ch)" in deck
    assert "<postfield" in deck
    assert "wtai://wp/mc;" in deck
    assert "-//WAPFORUM//DTD WML 1." in deck


def test_expected_identifiers_are_on_the_pages(web: SampleWeb) -> None:
    for site in web.sites:
        if site.kind not in CONTENT_KINDS:
            continue
        text = " ".join(
            _decoded(web, site.host, site.resources[p.split("?")[0]].data()) for p in site.pages
        )
        haystack = icp_ascii(text + " " + " ".join(site.pages)).replace("-", "")
        for expected in site.truth.identifiers:
            needle = expected.value.split(":", 1)[-1].replace("-", "")  # cnzz:N, baidu:HEX
            assert needle in haystack, (site.host, expected)


def test_icp_statuses_and_filings(web: SampleWeb) -> None:
    statuses = {s.truth.icp_status for s in web.sites if s.kind in CONTENT_KINDS}
    assert statuses == {"right", "wrong", "borrowed", "none"}
    filed = {f.number: f for f in web.filings}
    for site in web.sites:
        truth = site.truth
        if truth.icp_status == "right" and site.kind is not SiteKind.MIRROR:
            assert site.host in filed[truth.icp_number or ""].domains
        if truth.icp_status == "borrowed" and site.kind is not SiteKind.MIRROR:
            number = truth.icp_number or ""
            assert number in filed or site.host in ("nanyue-3g.test", "wap-xiaoshuo.test")
        if truth.icp_status == "none":
            assert truth.icp_number is None
        if site.kind is SiteKind.UNFILED:
            assert truth.icp_status == "none"


def test_mirrors_serve_the_same_bytes(web: SampleWeb) -> None:
    mirrors = web.of_kind(SiteKind.MIRROR)
    assert mirrors
    for mirror in mirrors:
        origin = web.site(mirror.truth.mirror_of or "")
        assert mirror.host != origin.host
        for path in mirror.pages:
            key = path.split("?")[0]
            assert mirror.resources[key].data() == origin.resources[key].data()


def test_redirect_truth_matches_the_http_chain(web: SampleWeb) -> None:
    site = web.site("redirect-long.test")
    path, hops = site.entry, 0
    while site.resources[path].status in (301, 302, 307):
        path = dict(site.resources[path].headers)["Location"]
        hops += 1
    assert hops > 10
    assert site.truth.redirect_target == f"http://redirect-long.test{path}"
    loop = web.site("redirect-loop.test")
    assert loop.truth.redirect_target is None
    kinds = {s.truth.redirect_via for s in web.of_kind(SiteKind.REDIRECTOR)}
    assert {v for via in kinds for v in via} == {
        "http",
        "meta_refresh",
        "wml_ontimer",
        "wml_onenterforward",
        "script",
    }


def test_demo_registry_names_and_landing_paths_are_served(web: SampleWeb) -> None:
    urls = re.findall(
        r"http://([\w.-]+\.test)(/[^;,\s]*)", registry.CHANNELS + registry.SP_SERVICES
    )
    urls += [(d, "/") for d in re.findall(r"[\w-]+\.test", registry.CONNECTIONS)]
    assert len(urls) > 10
    for host, path in urls:
        assert path in web.site(host).resources, (host, path)
    assert {spec.host for spec in DEMO_SITES} <= {site.host for site in web.sites}
    assert web.site("wap-xiaoshuo.test").truth.icp_status == "borrowed"
    assert (
        "粤ICP备０９０１２３４５号".encode() in web.site("wap-xiaoshuo.test").resources["/"].data()
    )


def test_zone_lists_every_host(web: SampleWeb) -> None:
    zone = web.zone()
    assert set(zone) == {site.host for site in web.sites}
    assert all(name.endswith(".test") and addr == ["127.0.0.1"] for name, addr in zone.items())


def test_wbmp_bytes_are_well_formed() -> None:
    data = wbmp(7, width=200, height=3)
    assert data[:2] == b"\x00\x00"
    pos, dims = 2, []
    for _ in range(2):  # multi-byte integers: 7 bits a byte, high bit = continue
        value = 0
        while True:
            byte = data[pos]
            pos += 1
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        dims.append(value)
    assert dims == [200, 3]
    assert data[2:4] == bytes([0x81, 0x48])  # 200 = 1·128 + 72
    assert len(data) - pos == 3 * 25  # rows padded to whole bytes


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_bombs_inflate_past_100_mb(web: SampleWeb, encoding: str) -> None:
    resource = web.site(f"bomb-{encoding}.test").resources["/"]
    assert dict(resource.headers)["Content-Encoding"] == encoding
    wire = resource.data()
    assert len(wire) < 1024 * 1024
    if encoding == "br":
        inflater = brotli.Decompressor()
        total = len(inflater.process(wire))
    else:
        inflater = zlib.decompressobj(31 if encoding == "gzip" else 15)
        total, pending = 0, wire
        while pending:
            total += len(inflater.decompress(pending, 8 * 1024 * 1024))
            pending = inflater.unconsumed_tail
    assert total == BOMB_INFLATED_BYTES > 100 * 1000 * 1000


def test_pixel_bomb_and_fake_image(web: SampleWeb) -> None:
    huge = web.site("pixel-bomb.test").resources["/huge.png"].data()
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(huge))
    assert int.from_bytes(huge[16:20], "big") == PIXEL_BOMB_SIDE
    fake = web.site("fake-image.test").resources["/logo.png"]
    assert fake.content_type == "image/png"
    assert not fake.data().startswith(b"\x89PNG")


def test_pictures_are_real_images(web: SampleWeb) -> None:
    wanted = {".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".ico": "ICO"}
    seen: set[str] = set()
    for host, path, resource in web.resources():
        suffix = path[path.rfind(".") :]
        if suffix in wanted and wanted[suffix] not in seen and web.site(host).truth.charset:
            with Image.open(io.BytesIO(resource.data())) as image:
                assert image.format == wanted[suffix]
                image.verify()
            seen.add(wanted[suffix])
    assert seen == set(wanted.values())


def test_over_nested_page(web: SampleWeb) -> None:
    body = web.site("nested.test").resources["/"].data()
    assert body.count(b"<div>") > 1000

"""The whole probe against the sample mobile web, checked against the web's own ground truth.

Every redirect kind, every charset, the limits (bombs, slow servers, deep nesting, image bombs,
fake images) and WBMP images: the sample web says what each site does, the probe must see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from jingwang.demo.sampleweb import RunningWeb, SampleWeb, generate, serve
from jingwang.demo.sampleweb.model import SiteKind
from jingwang.probe.probe import probe_url_sync
from jingwang.probe.types import LimitHit, Outcome, ProbeResult
from jingwang.settings import Settings

pytestmark = pytest.mark.slow

WEB = generate(2009, 40)
REDIRECTORS = [s for s in WEB.sites if s.truth.redirect_target and s.host != "redirect-long.test"]
CHARSET_SITES = {
    (s.truth.charset.encoding, s.truth.charset.mislabelled, s.truth.charset.bom): s
    for s in WEB.sites
    if s.truth.charset is not None and s.truth.kind in (SiteKind.BENIGN, SiteKind.PORN)
}
# What a label means once decoded: every GB label reads as GB18030, Big5 as Big5-HKSCS.
CODEC = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "big5": "big5hkscs"}


@pytest.fixture(scope="module")
def web() -> Iterator[RunningWeb]:
    with serve(WEB) as running:
        yield running


def _probe(
    settings: Settings, web: RunningWeb, host: str, path: str = "/", **kw: object
) -> ProbeResult:
    return probe_url_sync(web.url(host, path), settings=settings, **kw)  # type: ignore[arg-type]


def _portless(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.hostname or "", parts.path, parts.query, ""))


def test_the_web_has_what_these_tests_need() -> None:
    assert len(REDIRECTORS) >= 10
    encodings = {key[0] for key in CHARSET_SITES}
    assert {"utf-8", "big5"} <= encodings
    assert encodings & {"gb2312", "gbk", "gb18030"}
    assert any(mislabelled for _, mislabelled, _ in CHARSET_SITES)


@pytest.mark.parametrize("site", REDIRECTORS, ids=lambda s: s.host)
def test_every_redirect_kind_is_followed_to_its_target(
    probe_settings: Settings, web: RunningWeb, site: SampleWeb
) -> None:
    result = _probe(probe_settings, web, site.host, site.entry, subresources=False)
    assert result.outcome is Outcome.OK, (result.error, result.refused)
    assert _portless(result.final_url) == site.truth.redirect_target
    assert tuple(hop.via.value for hop in result.hops[1:]) == site.truth.redirect_via
    assert result.hops[0].via.value == "start"


def test_a_redirect_loop_and_a_too_long_chain_stop(
    probe_settings: Settings, web: RunningWeb
) -> None:
    loop = _probe(probe_settings, web, "redirect-loop.test", subresources=False)
    assert loop.outcome is Outcome.LIMIT
    assert loop.limit_hit is LimitHit.REDIRECTS
    assert len(loop.exchanges) == probe_settings.probe_max_redirects + 1  # then it stopped
    long = _probe(probe_settings, web, "redirect-long.test", subresources=False)
    assert long.outcome is Outcome.LIMIT
    assert long.limit_hit is LimitHit.REDIRECTS
    assert len(long.exchanges) == probe_settings.probe_max_redirects + 1


@pytest.mark.parametrize("key", sorted(CHARSET_SITES), ids=lambda k: f"{k[0]}-lie{k[1]}-bom{k[2]}")
def test_every_charset_decodes_to_clean_text(
    probe_settings: Settings, web: RunningWeb, key: tuple[str, bool, bool]
) -> None:
    site = CHARSET_SITES[key]
    result = _probe(probe_settings, web, site.host, site.entry, subresources=False)
    assert result.page is not None
    assert result.page.text
    assert result.page.charset == CODEC.get(key[0], key[0])
    assert "\ufffd" not in result.page.text


def test_footer_icp_numbers_are_read(probe_settings: Settings, web: RunningWeb) -> None:
    filed = [s for s in WEB.sites if s.truth.icp_status in ("right", "borrowed")][:4]
    assert filed
    for site in filed:
        result = _probe(probe_settings, web, site.host, site.entry, subresources=False)
        assert result.page is not None
        found = {i.value for i in result.page.identifiers if i.kind == "icp"}  # ASCII digits
        assert any(site.truth.icp_number in value for value in found), (site.host, found)


@pytest.mark.parametrize("host", ["bomb-gzip.test", "bomb-deflate.test", "bomb-br.test"])
def test_decompression_bombs_stop_at_the_cap(
    probe_settings: Settings, web: RunningWeb, host: str
) -> None:
    settings = probe_settings.model_copy(update={"probe_max_body_bytes": 1024 * 1024})
    result = _probe(settings, web, host, subresources=False)
    final = result.final
    assert final is not None
    assert final.truncated is LimitHit.BODY_BYTES
    assert len(final.body) <= 1024 * 1024
    assert len(final.body_wire) < 1024 * 1024
    assert result.outcome is Outcome.LIMIT


def test_slow_servers_are_cut_off_with_what_was_seen(
    probe_settings: Settings, web: RunningWeb
) -> None:
    first = _probe(probe_settings, web, "slow-ttfb.test", subresources=False)
    assert first.final is not None
    assert first.final.truncated is LimitHit.FIRST_BYTE_TIME
    drip = _probe(probe_settings, web, "slow-drip.test", subresources=False)
    assert drip.final is not None
    assert drip.final.truncated is LimitHit.TOTAL_TIME
    assert drip.final.status == 200
    assert drip.final.body_wire


def test_broken_servers_end_as_errors_not_crashes(
    probe_settings: Settings, web: RunningWeb
) -> None:
    reset = _probe(probe_settings, web, "broken-reset.test", subresources=False)
    assert reset.outcome is Outcome.ERROR
    assert reset.error
    assert "reset" in reset.error.lower()
    truncated = _probe(probe_settings, web, "broken-truncated.test", subresources=False)
    assert truncated.final is not None
    assert truncated.final.error  # the break is on record, with the bytes that came
    assert "broke after" in truncated.final.error
    assert truncated.final.body_wire
    busy = _probe(probe_settings, web, "busy-429.test", subresources=False)
    assert busy.final is not None
    assert busy.final.status == 429
    assert busy.final.header("retry-after") == "5"


def test_deep_nesting_and_image_bombs_are_marked(probe_settings: Settings, web: RunningWeb) -> None:
    nested = _probe(probe_settings, web, "nested.test", subresources=False)
    assert nested.page is not None
    assert nested.page.limit_hit is LimitHit.NESTING
    bomb = _probe(probe_settings, web, "pixel-bomb.test")
    huge = [s for s in bomb.subresources if s.url.endswith("/huge.png")]
    assert huge
    assert huge[0].limit_hit is LimitHit.IMAGE_PIXELS
    fake = _probe(probe_settings, web, "fake-image.test")
    logo = [s for s in fake.subresources if s.url.endswith("/logo.png")]
    assert logo
    assert logo[0].limit_hit is LimitHit.IMAGE_FORMAT


def test_wml_decks_bring_their_wbmp_images(probe_settings: Settings, web: RunningWeb) -> None:
    wml_sites = [s for s in WEB.sites if "wml" in s.truth.formats and s.truth.kind is SiteKind.PORN]
    for site in wml_sites[:3]:
        result = _probe(probe_settings, web, site.host, site.entry, profile="wap1")
        if result.page is None or result.page.kind != "wml":
            continue
        wbmp = [s for s in result.subresources if s.media_type == "image/vnd.wap.wbmp"]
        if wbmp:
            assert wbmp[0].width
            assert wbmp[0].height
            return
    pytest.fail("no WML deck of the sample web brought a WBMP image")

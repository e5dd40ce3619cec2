"""The sample web's awkward sites: redirectors, slow and broken servers, bombs, hostile pages.

Each behaviour has a host of its own (per-host back-off and politeness must see them apart)
and a fixed name, so tests can ask for ``redirect-loop.test`` directly. Their truth names the
behaviour and, for redirectors, the final URL and the kinds of hops on the way.
"""

from __future__ import annotations

import functools

from jingwang.demo.sampleweb import media
from jingwang.demo.sampleweb.model import Behaviour, Resource, SampleSite, SiteKind, SiteTruth

HTML = "text/html; charset=utf-8"
WML = "text/vnd.wap.wml; charset=utf-8"
SLOW_FIRST_BYTE_S = 20.0  # past the prober's default 15 s first-byte timeout
DRIP_INTERVAL_S = 0.5
DRIP_DURATION_S = 120.0  # past the prober's default 30 s total timeout
NESTING_DEPTH = 5000
LONG_CHAIN = 12  # hops before the final page: past the default limit of 10
_WML_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<!DOCTYPE wml PUBLIC "-//WAPFORUM//DTD WML 1.1//EN" "http://www.wapforum.org/DTD/wml_1.1.xml">\n'
)


def _html(title: str, body: str, head: str = "") -> Resource:
    head = f"<head><title>{title}</title>{head}</head>"
    text = f"<!DOCTYPE html>\n<html>{head}<body>{body}</body></html>\n"
    return Resource(content_type=HTML, body=text.encode())


def _wml(cards: str) -> Resource:
    return Resource(content_type=WML, body=f"{_WML_HEAD}<wml>\n{cards}\n</wml>\n".encode())


def _moved(status: int, location: str) -> Resource:
    return Resource(status=status, body=b"", headers=(("Location", location),))


def _final(title: str) -> Resource:
    return _html(title, f"<h1>{title}</h1><p>天气预报：多云，气温二十度。</p>")


def _final_wml(title: str) -> Resource:
    return _wml(f'<card id="home" title="{title}"><p>{title}：手机新闻，今日要闻。</p></card>')


def _site(
    host: str,
    kind: SiteKind,
    behaviour: str,
    resources: dict[str, Resource],
    *,
    target: str | None = None,
    via: tuple[str, ...] = (),
) -> SampleSite:
    entry = next(iter(resources))  # the first path is the entry
    truth = SiteTruth(kind=kind, behaviour=behaviour, redirect_target=target, redirect_via=via)
    return SampleSite(host, truth, resources, [entry], entry)


def _redirect(
    host: str,
    behaviour: str,
    resources: dict[str, Resource],
    target: str | None,
    via: tuple[str, ...],
) -> SampleSite:
    full = f"http://{host}{target}" if target and target.startswith("/") else target
    return _site(host, SiteKind.REDIRECTOR, behaviour, resources, target=full, via=via)


def redirectors() -> list[SampleSite]:
    """Every redirect kind the prober follows, a loop and a chain past the limit."""
    long_chain = {f"/hop{i}": _moved(302, f"/hop{i + 1}") for i in range(LONG_CHAIN)}
    long_chain[f"/hop{LONG_CHAIN}"] = _final("long chain end")
    long_chain["/"] = _moved(301, "/hop0")
    long_chain = {"/": long_chain.pop("/"), **long_chain}
    return [
        _redirect(
            "redirect-http.test",
            "http_3xx",
            {
                "/": _moved(301, "/a"),
                "/a": _moved(302, "/b"),
                "/b": _moved(307, "/final.html"),
                "/final.html": _final("http chain end"),
            },
            "/final.html",
            ("http", "http", "http"),
        ),
        _redirect(
            "redirect-cross.test",
            "http_cross_host",
            {
                "/": _moved(302, "http://redirect-http.test/final.html"),
            },
            "http://redirect-http.test/final.html",
            ("http",),
        ),
        _redirect(
            "meta-refresh.test",
            "meta_refresh",
            {
                "/": _html(
                    "moving",
                    "<p>loading…</p>",
                    '<meta http-equiv="refresh" content="0;url=/home.html">',
                ),
                "/home.html": _final("meta refresh end"),
            },
            "/home.html",
            ("meta_refresh",),
        ),
        _redirect(
            "wml-timer.test",
            "wml_ontimer",
            {
                "/": _wml(
                    '<card id="splash" title="welcome" ontimer="/home.wml">'
                    '<timer value="30"/><p>欢迎光临</p></card>'
                ),
                "/home.wml": _final_wml("首页"),
            },
            "/home.wml",
            ("wml_ontimer",),
        ),
        _redirect(
            "wml-onevent-timer.test",
            "wml_onevent_ontimer",
            {
                "/": _wml(
                    '<card id="splash" title="welcome"><onevent type="ontimer">'
                    '<go href="/home.wml"/></onevent><timer name="t" value="15"/>'
                    "<p>请稍候</p></card>"
                ),
                "/home.wml": _final_wml("首页"),
            },
            "/home.wml",
            ("wml_ontimer",),
        ),
        _redirect(
            "wml-onenter.test",
            "wml_onenterforward",
            {
                "/": _wml(
                    '<card id="c1" title="go" onenterforward="/home.wml"><p>跳转中</p></card>'
                ),
                "/home.wml": _final_wml("首页"),
            },
            "/home.wml",
            ("wml_onenterforward",),
        ),
        _redirect(
            "wml-onevent.test",
            "wml_onevent_onenterforward",
            {
                "/": _wml(
                    '<card id="c1" title="go"><onevent type="onenterforward">'
                    '<go href="/home.wml?from=$(src)"><setvar name="src" value="wap"/></go>'
                    "</onevent><p>跳转中</p></card>"
                ),
                "/home.wml": _final_wml("首页"),
            },
            "/home.wml?from=wap",
            ("wml_onenterforward",),
        ),
        _redirect(
            "js-location.test",
            "script_location",
            {
                "/": _html("moving", "<script>location='/home.html';</script>"),
                "/home.html": _final("script end"),
            },
            "/home.html",
            ("script",),
        ),
        _redirect(
            "js-href.test",
            "script_location_href",
            {
                "/": _html(
                    "moving",
                    '<script type="text/javascript">window.location.href = "/home.html";</script>',
                ),
                "/home.html": _final("script end"),
            },
            "/home.html",
            ("script",),
        ),
        _redirect(
            "redirect-mixed.test",
            "mixed_chain",
            {
                "/": _moved(302, "/m.html"),
                "/m.html": _html("m", "", '<meta http-equiv="Refresh" content="1; URL=/w.wml">'),
                "/w.wml": _wml('<card id="w" ontimer="/s.html"><timer value="10"/><p>…</p></card>'),
                "/s.html": _html("s", "<script>location.replace('/final.html');</script>"),
                "/final.html": _final("mixed chain end"),
            },
            "/final.html",
            ("http", "meta_refresh", "wml_ontimer", "script"),
        ),
        _redirect(
            "redirect-loop.test",
            "loop",
            {
                "/": _moved(302, "/a"),
                "/a": _moved(302, "/b"),
                "/b": _moved(302, "/a"),
            },
            None,
            (),
        ),
        _redirect(
            "redirect-long.test",
            "too_many_redirects",
            long_chain,
            f"/hop{LONG_CHAIN}",
            ("http",) * (LONG_CHAIN + 1),
        ),
    ]


def _reason(status: int, retry_after: str | None) -> Resource:
    headers = (("Retry-After", retry_after),) if retry_after else ()
    return Resource(
        status=status,
        body=f"status {status}\n".encode(),
        headers=headers,
        content_type="text/plain; charset=utf-8",
    )


def troubled() -> list[SampleSite]:
    """Slow and broken servers."""
    page = _final("slow page").body or b""
    slow = SiteKind.SLOW
    broken = SiteKind.BROKEN
    return [
        _site(
            "slow-ttfb.test",
            slow,
            "slow_first_byte",
            {
                "/": Resource(
                    content_type=HTML,
                    body=page,
                    behaviour=Behaviour.SLOW_FIRST_BYTE,
                    delay_s=SLOW_FIRST_BYTE_S,
                )
            },
        ),
        _site(
            "slow-drip.test",
            slow,
            "drip",
            {
                "/": Resource(
                    content_type=HTML,
                    body=page * 200,
                    behaviour=Behaviour.DRIP,
                    delay_s=DRIP_INTERVAL_S,
                    duration_s=DRIP_DURATION_S,
                )
            },
        ),
        _site("broken-reset.test", broken, "reset", {"/": Resource(behaviour=Behaviour.RESET)}),
        _site(
            "broken-truncated.test",
            broken,
            "truncated",
            {"/": Resource(content_type=HTML, body=page * 20, behaviour=Behaviour.TRUNCATE)},
        ),
        _site("broken-500.test", broken, "status_500", {"/": _reason(500, None)}),
        _site("busy-429.test", broken, "status_429", {"/": _reason(429, "5")}),
        _site("busy-503.test", broken, "status_503", {"/": _reason(503, "10")}),
        _site(
            "busy-503-date.test",
            broken,
            "status_503_date",
            {"/": _reason(503, "Fri, 15 Jan 2010 08:00:00 GMT")},
        ),
    ]


def bombs() -> list[SampleSite]:
    """Decompression bombs (lazily built, cached) and other hostile payloads."""
    out = []
    for encoding in ("gzip", "deflate", "br"):
        resource = Resource(
            content_type=HTML,
            body=None,
            lazy=functools.partial(media.bomb, encoding),
            headers=(("Content-Encoding", encoding),),
        )
        out.append(
            _site(f"bomb-{encoding}.test", SiteKind.BOMB, f"bomb_{encoding}", {"/": resource})
        )
    nested = "<div>" * NESTING_DEPTH + "深" + "</div>" * NESTING_DEPTH
    out.append(
        _site("nested.test", SiteKind.HOSTILE, "over_nested", {"/": _html("nested", nested)})
    )
    out.append(
        _site(
            "pixel-bomb.test",
            SiteKind.HOSTILE,
            "pixel_bomb",
            {
                "/": _html("big picture", '<img src="/huge.png" alt="big">'),
                "/huge.png": Resource(
                    content_type="image/png", body=None, lazy=media.pixel_bomb_png
                ),
            },
        )
    )
    out.append(
        _site(
            "fake-image.test",
            SiteKind.HOSTILE,
            "not_an_image",
            {
                "/": _html("logo", '<img src="/logo.png" alt="logo">'),
                "/logo.png": Resource(content_type="image/png", body=media.FAKE_PNG),
            },
        )
    )
    return out


def special_sites() -> list[SampleSite]:
    """All of them, in a fixed order."""
    return [*redirectors(), *troubled(), *bombs()]


__all__ = ["special_sites"]

"""Helpers for the detection tests (web, API, CLI, browser): captured pages built by hand.

Imported as ``web.classifykit``. A page is what :func:`jingwang.probe.probe.probe_url` returns
for an HTML page with a given title and text, and optionally one image, so the tests record it
with :func:`jingwang.probe.service.record_probe` and judge it with the real classifier.
The lines are short advertising-style spam and hard negatives, never anything graphic.
"""

from __future__ import annotations

import io

from PIL import Image

from jingwang.probe.types import Hop, Outcome, PageSummary, ProbeResult, Subresource, Via
from probe.servicekit import T0, exchange

PORN_LINE = "免费成人视频在线看，同城约炮，裸聊加QQ 12345678"
HARD_NEGATIVE = "成人高考报名时间公布，性健康讲座下周举行"
HOSTILE = "<script>alert(1)</script>"


def png(
    size: tuple[int, int] = (64, 48),
    colour: tuple[int, int, int] = (200, 30, 30),
    *,
    trailer: bytes = b"",
) -> bytes:
    """A small plain PNG (benign: one colour), with ``trailer`` after its end (a polyglot:
    browsers that sniff may read what follows the image)."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue() + trailer


def page_result(
    url: str, text: str, *, title: str = "", image: bytes | None = None, ctype: str = "image/png"
) -> ProbeResult:
    """An HTML page fetched at once with ``title`` and ``text``; ``image`` becomes its one
    image (served as ``ctype``)."""
    body = f"<html><head><title>{title}</title></head><body>{text}</body></html>".encode()
    images, subresources = [], []
    if image is not None:
        image_url = url + "a.png"
        images.append(image_url)
        got = exchange(image_url, image, ctype=ctype, via=Via.SUBRESOURCE)
        subresources.append(Subresource(image_url, got, ctype, 64, 48))
    return ProbeResult(
        url=url,
        profile="android",
        outcome=Outcome.OK,
        started_at=T0,
        finished_at=T0,
        hops=[Hop(url, Via.START, 200)],
        exchanges=[exchange(url, body, ctype="text/html; charset=utf-8", via=Via.START)],
        subresources=subresources,
        page=PageSummary(kind="html", charset="utf-8", title=title, text=text, images=images),
        final_url=url,
    )


__all__ = ["HARD_NEGATIVE", "HOSTILE", "PORN_LINE", "page_result", "png"]

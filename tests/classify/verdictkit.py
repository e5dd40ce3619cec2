"""Helpers for the verdict service tests: a loopback web of pages and images, real captures.

Imported as ``verdictkit`` from ``tests/classify``. :func:`open_world` serves a few
pages (a porn advert, a clean page, a page sharing the advert's banner, an image-only page)
and their images on 127.0.0.1 under ``*.test`` names answered by a loopback DNS server;
:meth:`World.capture` probes one of them with the real prober and records it with
:func:`jingwang.probe.service.record_probe`, so the captures judged are real captures with
real WARC files. :func:`lexicon_classifier` is a classifier on a small lexicon written here (no
text model), so what a page scores does not move when the bundled lexicon or model is tuned;
:class:`CountingNsfw` is the real open_nsfw model that counts the images it scores.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from aiohttp import web
from PIL import Image

from jingwang.classify.classifier import Classifier, ImageLimits
from jingwang.classify.images.nsfw import NsfwModel
from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.models import Capture
from jingwang.probe.probe import probe_url
from jingwang.probe.resolver import Resolver
from jingwang.probe.service import record_probe
from jingwang.settings import Settings
from jingwang.store import Database, FileBlobStore
from probe.probekit import RunningServer, serve_app

TEST_LEXICON = """
@category porn
@lang zh
100 成人视频
60  色情
@category sex_services
100 约炮
80  裸聊
@category good
-150 性健康
-150 扫黄
"""

PORN_PAGE = (
    "<html><head><title>免费成人视频</title></head><body>"
    "<p>免费成人视频在线看，同城约炮，裸聊视频。加 QQ 12345678，手机 13800138000。</p>"
    '<img src="/img/banner.png"><img src="/img/photo.jpg"></body></html>'
)
CLEAN_PAGE = (
    "<html><head><title>天气预报</title></head><body>"
    "<p>今天多云转晴，气温十八到二十五度，适合出行。明天有小雨，请带伞。</p>"
    '<img src="/img/photo.jpg"></body></html>'
)
HEALTH_PAGE = (
    "<html><head><title>性健康讲座</title></head><body>"
    "<p>区卫生院举办性健康讲座，介绍扫黄打非行动中查处的色情网站案例，提醒市民防范。</p>"
    "</body></html>"
)
MIRROR_PAGE = (
    "<html><head><title>免费成人视频</title></head><body>"
    "<p>免费成人视频，同城约炮，每天更新，欢迎收藏本站。</p>"
    '<img src="/img/banner.png"></body></html>'
)
PAGES = {
    "/porn": PORN_PAGE,
    "/clean": CLEAN_PAGE,
    "/health": HEALTH_PAGE,
    "/mirror": MIRROR_PAGE,
}


def picture(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A benign, textured picture (random coloured blocks): hashes with good PDQ quality."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, size=(size[1] // 16, size[0] // 16, 3), dtype=np.uint8)
    return Image.fromarray(blocks).resize(size, Image.Resampling.NEAREST)


def encoded(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


BANNER = encoded(picture(1), "PNG")
PHOTO = encoded(picture(2, (400, 300)), "JPEG")
FAVICON = encoded(picture(3, (32, 32)), "PNG")
IMAGES = {
    "/img/banner.png": (BANNER, "image/png"),
    "/img/photo.jpg": (PHOTO, "image/jpeg"),
    "/favicon.ico": (FAVICON, "image/png"),
}


def site_app() -> web.Application:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGES[request.path], content_type="text/html", charset="utf-8")

    async def image(request: web.Request) -> web.Response:
        data, media_type = IMAGES[request.path]
        return web.Response(body=data, content_type=media_type)

    app = web.Application()
    for path in PAGES:
        app.router.add_get(path, page)
    for path in IMAGES:
        app.router.add_get(path, image)
    return app


@dataclass
class World:
    """Settings, database, blob store and the running loopback site."""

    settings: Settings
    db: Database
    blobs: FileBlobStore
    server: RunningServer

    def url(self, host: str, path: str) -> str:
        return self.server.url(host, path)

    def capture(
        self,
        host: str,
        path: str,
        *,
        org_id: int | None = None,
        settings: Settings | None = None,
    ) -> int:
        """Probe ``http://host/path`` and record it; the capture id."""
        used = settings or self.settings
        result = asyncio.run(
            probe_url(
                self.url(host, path),
                settings=used,
                profile="android",
                resolver=Resolver.from_settings(used),
            )
        )
        with self.db.session() as session:
            capture = record_probe(
                session, self.blobs, result, actor_name="tests", org_id=org_id, settings=used
            )
            return capture.id

    def row(self, capture_id: int) -> Capture:
        with self.db.session() as session:
            capture = session.get(Capture, capture_id)
            assert capture is not None
            session.expunge(capture)
            return capture


@contextmanager
def open_world(settings: Settings, db: Database) -> Iterator[World]:
    """The loopback site and settings that probe it (each test module's ``world`` fixture)."""
    with LoopbackDNS({}) as dns, serve_app(site_app()) as server:
        used = settings.model_copy(
            update={
                "probe_resolver": dns.address,
                "probe_allow_loopback": True,
                "probe_allow_any_port": True,
                "probe_screenshots": False,
                "classify_after_probe": False,
            }
        )
        yield World(used, db, FileBlobStore(used.resolved_blob_dir), server)


class CountingNsfw(NsfwModel):
    """The real open_nsfw model; counts the images it is asked to score."""

    def __init__(self) -> None:
        super().__init__(batch_size=8)
        self.scored = 0

    def score_prepared(self, arrays: Sequence[np.ndarray]) -> list[float]:
        self.scored += len(arrays)
        return super().score_prepared(arrays)


def lexicon_classifier(nsfw: NsfwModel | None = None, **limits: int) -> Classifier:
    """A classifier on :data:`TEST_LEXICON` (lexicon only: thresholds porn 0.8, suspect 0.3)."""
    from jingwang.classify.text.lexfile import parse_lexicon
    from jingwang.classify.text.lexicon import Lexicon
    from jingwang.classify.text.scorer import TextScorer

    lexicon = Lexicon.compile(parse_lexicon(TEST_LEXICON, source="test.lex"))
    return Classifier(TextScorer(lexicon, None), nsfw=nsfw, limits=ImageLimits(**limits))


__all__ = [
    "BANNER",
    "FAVICON",
    "PHOTO",
    "CountingNsfw",
    "World",
    "lexicon_classifier",
    "open_world",
    "picture",
]

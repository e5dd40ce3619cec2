"""Scoring the images of a capture: one score per image, errors instead of exceptions."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from jingwang.classify.images import nsfw
from jingwang.classify.images.decode import load_image
from jingwang.classify.images.nsfw import ImageModelError, NsfwModel
from jingwang.classify.images.pdq import KnownIndex, pdq_hash
from jingwang.classify.images.score import ImageInput, add_known_image, score_images
from jingwang.classify.types import ImageScore, KnownMatch
from jingwang.demo.sampleweb import media
from jingwang.probe.images import WBMP_MEDIA_TYPE

CAP = 40_000_000


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def photo(name: str) -> Image.Image:
    return Image.fromarray(getattr(data, name)()).convert("RGB")


@pytest.fixture(scope="module")
def model() -> NsfwModel:
    return NsfwModel(batch_size=3)  # small, so a page's images span several batches


def score(
    items: list[ImageInput],
    model: NsfwModel | None,
    known: KnownIndex | None = None,
    *,
    min_quality: int = 50,
    thumbnail: int = 200,
) -> list[ImageScore]:
    return score_images(
        items,
        model=model,
        known=known if known is not None else KnownIndex(),
        max_pixels=CAP,
        thumbnail_max_side=thumbnail,
        pdq_max_distance=31,
        pdq_min_quality=min_quality,
    )


def page_images() -> list[ImageInput]:
    coffee = encode(photo("coffee"), "JPEG", quality=85)
    return [
        ImageInput("http://a.test/1.jpg", coffee, "image/jpeg"),
        ImageInput("http://a.test/2.wbmp", media.wbmp(3), WBMP_MEDIA_TYPE),
        ImageInput("http://a.test/3.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg"),
        ImageInput("http://a.test/4.png", media.picture("png", 5), "image/png"),
        ImageInput("http://a.test/5.png", media.pixel_bomb_png(), "image/png"),
        ImageInput("http://a.test/6.jpg", b"just some text, saved as .jpg\n", "image/jpeg"),
        ImageInput("http://a.test/7.gif", media.picture("gif", 9), None),
        ImageInput("http://a.test/8.png", media.FAKE_PNG, "image/png"),
        ImageInput("http://a.test/9.jpg", b"", "image/jpeg"),
        ImageInput("http://a.test/10.jpg", encode(photo("rocket"), "JPEG"), "image/jpeg"),
    ]


def test_one_score_per_image_in_order_with_errors_for_the_unreadable(model: NsfwModel) -> None:
    items = page_images()
    scores = score(items, model)
    assert [s.url for s in scores] == [item.url for item in items]
    assert [s.digest for s in scores] == [hashlib.sha256(i.data).hexdigest() for i in items]
    broken = {s.url.rsplit("/", 1)[1]: s for s in scores if s.error}
    assert sorted(broken) == ["3.jpg", "5.png", "6.jpg", "8.png", "9.jpg"]
    assert (broken["3.jpg"].error or "").startswith("damaged image header")
    assert "pixel" in (broken["5.png"].error or "")
    assert (broken["6.jpg"].error or "").startswith("text labelled image/jpeg")
    assert "markup" in (broken["8.png"].error or "")
    assert broken["9.jpg"].error == "the image is empty (0 bytes)"
    for bad in broken.values():
        assert (bad.nsfw, bad.pdq, bad.pdq_quality, bad.width, bad.known) == (None,) * 5
        assert not bad.thumbnail
    good = [s for s in scores if not s.error]
    assert [s.media_type for s in good] == [
        "image/jpeg",
        WBMP_MEDIA_TYPE,
        "image/png",
        "image/gif",  # found from the bytes though sent without a type
        "image/jpeg",
    ]
    assert [(s.width, s.height) for s in good] == [
        (600, 400),
        (48, 24),
        (96, 72),
        (96, 72),
        (640, 427),
    ]
    assert [s.thumbnail for s in good] == [False, True, True, True, False]
    # the batched scores are the model's scores of the decoded pictures
    pictures = [load_image(i.data, max_pixels=CAP) for i in items if i.url in {s.url for s in good}]
    assert [s.nsfw for s in good] == pytest.approx(model.score(pictures), abs=1e-5)
    assert all(s.nsfw is not None and s.nsfw < 0.5 for s in good)
    assert all(s.pdq is not None and len(s.pdq) == 64 for s in good)
    assert good[0].pdq == pdq_hash(pictures[0])[0]


def test_a_wbmp_is_decoded_hashed_and_scored(model: NsfwModel) -> None:
    (result,) = score([ImageInput("http://w.test/logo.wbmp", media.wbmp(11, 96, 64), None)], model)
    assert result.error is None
    assert result.media_type == WBMP_MEDIA_TYPE
    assert (result.width, result.height, result.thumbnail) == (96, 64, True)
    assert result.nsfw is not None
    assert 0.0 <= result.nsfw < 0.5
    assert result.pdq is not None
    assert result.pdq_quality is not None


def test_without_a_model_images_are_still_hashed() -> None:
    scores = score(page_images()[:2], None)
    assert [s.nsfw for s in scores] == [None, None]
    assert all(s.pdq and s.error is None for s in scores)


def test_thumbnail_means_both_sides_within_the_limit() -> None:
    sizes = [(200, 200), (200, 201), (201, 10), (16, 16)]
    items = [
        ImageInput(f"http://t.test/{w}x{h}.png", encode(Image.new("RGB", (w, h)), "PNG"), None)
        for w, h in sizes
    ]
    assert [s.thumbnail for s in score(items, None, thumbnail=200)] == [True, False, False, True]


def test_a_mirrored_recompressed_copy_of_a_known_image_matches(model: NsfwModel) -> None:
    known = KnownIndex()
    add_known_image(known, 41, photo("chelsea"), "porn", "hotline list")
    add_known_image(known, 42, photo("astronaut"), "porn", "hotline list")
    copy = photo("chelsea").transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    copy = copy.resize((copy.width * 2 // 3, copy.height * 2 // 3))
    items = [
        ImageInput("http://k.test/copy.jpg", encode(copy, "JPEG", quality=40), "image/jpeg"),
        ImageInput("http://k.test/other.jpg", encode(photo("coffee"), "JPEG"), "image/jpeg"),
    ]
    copied, other = score(items, model, known)
    assert copied.known is not None
    assert (copied.known.hash_id, copied.known.label, copied.known.source) == (
        41,
        "porn",
        "hotline list",
    )
    assert copied.known.distance <= 31
    assert other.known is None
    assert other.pdq is not None


def test_a_hash_list_of_originals_matches_mirrored_and_rotated_copies() -> None:
    # Partners share one hash per picture; the captured copies are flipped or turned.
    known = KnownIndex([(7, pdq_hash(photo("chelsea"))[0], "porn", "partner list")])
    mirrored = photo("chelsea").transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    turned = photo("chelsea").transpose(Image.Transpose.ROTATE_90)
    items = [
        ImageInput("http://k.test/m.jpg", encode(mirrored, "JPEG", quality=50), "image/jpeg"),
        ImageInput("http://k.test/t.png", encode(turned, "PNG"), "image/png"),
        ImageInput("http://k.test/o.jpg", encode(photo("coffee"), "JPEG"), "image/jpeg"),
    ]
    first, second, other = score(items, None, known)
    assert first.known is not None
    assert first.known.hash_id == 7
    assert second.known is not None
    assert second.known.hash_id == 7
    assert other.known is None
    assert len(first.variants) == 8
    assert first.variants[0] == first.pdq
    assert "variants" not in first.to_json()  # verdicts keep the hash, not all eight


def test_low_quality_hashes_are_recorded_but_never_matched() -> None:
    flat = Image.new("RGB", (120, 90), (90, 140, 200))
    value, quality = pdq_hash(flat)
    assert quality < 50
    known = KnownIndex([(1, value, "porn", "t")])
    item = ImageInput("http://q.test/flat.png", encode(flat, "PNG"), "image/png")
    (result,) = score([item], None, known)
    assert (result.pdq, result.pdq_quality, result.known) == (value, quality, None)
    (trusting,) = score([item], None, known, min_quality=0)
    assert trusting.known == KnownMatch(1, "porn", "t", 0)


def test_damaged_variants_of_real_images_never_raise(model: NsfwModel) -> None:
    sources = [encode(photo("coffee"), fmt) for fmt in ("JPEG", "PNG", "GIF", "WEBP", "BMP")] + [
        media.wbmp(1)
    ]
    items = []
    for number, payload in enumerate(sources):
        for cut in (1, 2, 8, 30, len(payload) // 3, len(payload) - 1):
            items.append(ImageInput(f"http://x.test/{number}-cut{cut}", payload[:cut], None))
        flipped = bytearray(payload)
        for position in range(10, len(flipped), max(1, len(flipped) // 40)):
            flipped[position] ^= 0x5A
        items.append(ImageInput(f"http://x.test/{number}-flipped", bytes(flipped), None))
    scores = score(items, model)
    assert len(scores) == len(items)
    for result in scores:
        assert (result.error is None) == (result.pdq is not None), result
        if result.error is None:
            assert result.nsfw is not None
    assert sum(result.error is not None for result in scores) >= len(sources) * 5


def test_a_broken_model_file_is_an_error_not_a_silent_skip(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / nsfw.MODEL_FILE).write_bytes(b"not the open_nsfw weights")
    monkeypatch.setattr(nsfw, "_package_dir", lambda: tmp_path)
    broken = NsfwModel()
    items = page_images()[:1]
    with pytest.raises(ImageModelError, match="is unusable") as caught:
        score(items, broken)
    assert caught.value.code == "classify.model_invalid"


class CountingModel(NsfwModel):
    """The real model, counting the inputs it scores."""

    def __init__(self) -> None:
        super().__init__(batch_size=2)
        self.scored = 0

    def score_prepared(self, arrays: Sequence[np.ndarray]) -> list[float]:
        self.scored += len(arrays)
        return super().score_prepared(arrays)


def test_the_same_bytes_twice_are_judged_once() -> None:
    icon = media.picture("gif", 4)
    other = encode(photo("coffee"), "PNG")
    items = [
        ImageInput("http://d.test/a.gif", icon, "image/gif"),
        ImageInput("http://d.test/other.png", other, "image/png"),
        ImageInput("http://d.test/b.gif", icon, None),
        ImageInput("http://d.test/bad1", b"junk", None),
        ImageInput("http://d.test/bad2", b"junk", None),
        ImageInput("http://d.test/c.gif", icon, "image/gif"),
    ]
    model = CountingModel()
    scores = score(items, model)
    assert model.scored == 2
    assert [s.url for s in scores] == [i.url for i in items]
    first, _, second, bad1, bad2, third = scores
    assert first.nsfw is not None
    assert replace(second, url=first.url) == first
    assert replace(third, url=first.url) == first
    assert bad1.error is not None
    assert replace(bad2, url=bad1.url) == bad1

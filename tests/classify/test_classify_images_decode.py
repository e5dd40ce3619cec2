"""Decoding captured image bytes: the allowed formats, WBMP, what a browser shows, refusals."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from skimage import data

from jingwang.classify.images.decode import (
    FORMATS,
    ImageUnreadable,
    decode_image,
    load_image,
)
from jingwang.demo.sampleweb.media import FAKE_PNG, pixel_bomb_png
from jingwang.errors import InvalidInput
from jingwang.probe.images import encode_wbmp

CAP = 40_000_000


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def cat() -> Image.Image:
    return Image.fromarray(data.chelsea())


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_allowed_format_decodes_to_rgb_with_its_real_media_type(fmt: str) -> None:
    picture = cat()
    decoded = decode_image(encode(picture, fmt), "application/octet-stream", max_pixels=CAP)
    assert decoded.image.mode == "RGB"
    assert (decoded.width, decoded.height) == picture.size
    assert decoded.media_type == Image.MIME[fmt]
    if fmt in ("PNG", "BMP"):  # lossless: the very pixels
        assert np.array_equal(np.asarray(decoded.image), np.asarray(picture))


def test_the_bytes_decide_the_format_not_the_label() -> None:
    png = encode(cat(), "PNG")
    decoded = decode_image(png, "image/jpeg", max_pixels=CAP)
    assert decoded.media_type == "image/png"
    assert load_image(png, max_pixels=CAP).size == (451, 300)


def test_an_animated_gif_gives_its_first_frame() -> None:
    red, blue = Image.new("RGB", (8, 8), (255, 0, 0)), Image.new("RGB", (8, 8), (0, 0, 255))
    gif = encode(red, "GIF", save_all=True, append_images=[blue], duration=100, loop=0)
    picture = load_image(gif, "image/gif", max_pixels=CAP)
    assert picture.getpixel((4, 4)) == (255, 0, 0)


def test_transparency_is_laid_over_white() -> None:
    clear = Image.new("RGBA", (4, 4), (0, 0, 0, 0))  # transparent black: a browser shows white
    clear.putpixel((0, 0), (0, 0, 0, 255))
    picture = load_image(encode(clear, "PNG"), max_pixels=CAP)
    assert picture.getpixel((1, 1)) == (255, 255, 255)
    assert picture.getpixel((0, 0)) == (0, 0, 0)
    palette = Image.new("P", (4, 4), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    palette.info["transparency"] = 0
    assert load_image(encode(palette, "GIF"), max_pixels=CAP).getpixel((2, 2)) == (255, 255, 255)


def test_the_exif_orientation_is_applied() -> None:
    wide = Image.new("RGB", (40, 20), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    jpeg = encode(wide, "JPEG", exif=exif.tobytes())
    assert load_image(jpeg, max_pixels=CAP).size == (20, 40)


def test_wbmp_is_decoded_by_the_project() -> None:
    # 10 x 2: row 0 all white (set bits), row 1 all black; rows padded to 2 bytes
    wbmp = encode_wbmp(10, 2, b"\xff\xc0\x00\x00")
    decoded = decode_image(wbmp, "image/vnd.wap.wbmp", max_pixels=CAP)
    assert decoded.media_type == "image/vnd.wap.wbmp"
    assert decoded.image.mode == "RGB"
    assert decoded.image.size == (10, 2)
    assert decoded.image.getpixel((9, 0)) == (255, 255, 255)
    assert decoded.image.getpixel((0, 1)) == (0, 0, 0)


def refused(payload: bytes, media_type: str | None = None, *, cap: int = CAP) -> str:
    with pytest.raises(ImageUnreadable) as caught:
        load_image(payload, media_type, max_pixels=cap)
    assert caught.value.code == "classify.image_unreadable"
    assert isinstance(caught.value, InvalidInput)
    return caught.value.message


def test_a_text_file_called_jpg_is_refused_as_text() -> None:
    message = refused(b"Hello, this is a plain text file.\n" * 20, "image/jpeg")
    assert message.startswith("text labelled image/jpeg")
    assert "JPEG" in message  # and says what would be readable
    assert "WBMP" in message


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"", "empty"),
        (FAKE_PNG, "markup"),
        (bytes(range(1, 256)) * 4, "not an image"),
        (b"II*\x00" + bytes(64), "TIFF"),
        (b"\x00\x00\x01\x00" + bytes(64), "an ICO file"),  # starts like a WBMP, but is not
        (b"\x00\x07\x00\x00", "not a readable WBMP: the fixed header byte"),
        (encode_wbmp(10, 2, b"\xff"), "truncated"),
    ],
)
def test_what_is_not_an_image_is_refused_saying_why(payload: bytes, expected: str) -> None:
    assert expected in refused(payload)


def test_a_damaged_file_is_refused() -> None:
    jpeg = encode(cat(), "JPEG")
    assert "damaged JPEG" in refused(jpeg[: len(jpeg) // 2])
    png = bytearray(encode(cat(), "PNG"))
    png[200:260] = bytes(60)  # corrupt the compressed pixels
    assert "damaged" in refused(bytes(png))


def test_the_pixel_cap_is_checked_before_decoding() -> None:
    picture = encode(Image.new("RGB", (100, 100)), "PNG")
    assert load_image(picture, max_pixels=10_000).size == (100, 100)  # at the cap: fine
    message = refused(picture, cap=9_999)
    assert message == "PNG of 100x100 is 10000 pixels, over the 9999 allowed"
    assert "over the 12 allowed" in refused(encode_wbmp(4, 4, bytes(4)), cap=12)


def test_a_pixel_bomb_is_refused_without_decoding() -> None:
    assert "pixel" in refused(pixel_bomb_png(100_000))  # past twice Pillow's own limit
    # past Pillow's limit but under twice it: Pillow warns (an error in this test suite) …
    assert "pixel" in refused(pixel_bomb_png(10_000))
    with warnings.catch_warnings():  # … and where warnings are not errors, our cap refuses
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        assert "over the 40000000 allowed" in refused(pixel_bomb_png(10_000))


def test_pillows_global_limit_is_left_alone() -> None:
    before = Image.MAX_IMAGE_PIXELS
    refused(encode(Image.new("RGB", (100, 100)), "PNG"), cap=10)
    load_image(encode(cat(), "PNG"), max_pixels=CAP)
    assert before == Image.MAX_IMAGE_PIXELS


_HEADS = [encode(Image.fromarray(data.coffee()[:40, :60]), fmt)[:64] for fmt in FORMATS]
_HEADS += [encode_wbmp(16, 4, bytes(8))[:4], b""]


@settings(max_examples=300, deadline=None)
@given(head=st.sampled_from(_HEADS), tail=st.binary(max_size=300))
def test_any_bytes_decode_or_are_refused_never_anything_else(head: bytes, tail: bytes) -> None:
    picture, why = None, ""
    try:
        picture = load_image(head + tail, max_pixels=1_000_000)
    except ImageUnreadable as refusal:  # the only exception allowed out
        why = refusal.message
    if picture is None:
        assert why
    else:
        assert picture.mode == "RGB"
        assert picture.width * picture.height <= 1_000_000

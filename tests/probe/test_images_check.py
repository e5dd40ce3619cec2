"""Image checks: formats, pixel bombs, damaged and disguised files, WBMP decoding."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from jingwang.probe.images import (
    WbmpError,
    decode_wbmp,
    encode_wbmp,
    inspect_image,
    wbmp_to_png,
)
from jingwang.probe.types import LimitHit

FORMATS = ["JPEG", "PNG", "GIF", "WBMP"]


def png(width: int = 20, height: int = 10) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, format="PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_a_good_png() -> None:
    check = inspect_image(png(), max_pixels=1000, formats=FORMATS)
    assert (check.media_type, check.format, check.width, check.height) == (
        "image/png",
        "PNG",
        20,
        10,
    )
    assert check.limit_hit is None
    assert check.problem is None


def test_a_jpeg_and_a_gif() -> None:
    for name, media in (("JPEG", "image/jpeg"), ("GIF", "image/gif")):
        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, format=name)
        assert inspect_image(out.getvalue(), max_pixels=100, formats=FORMATS).media_type == media


def test_over_max_pixels_is_refused_before_decoding() -> None:
    check = inspect_image(png(), max_pixels=199, formats=FORMATS)
    assert check.limit_hit is LimitHit.IMAGE_PIXELS
    assert "200 pixels" in (check.problem or "")


@pytest.mark.parametrize("max_pixels", [40_000_000, 10**9])
def test_pixel_bomb_header(max_pixels: int) -> None:
    check = inspect_image(png_header_only(50_000, 50_000), max_pixels=max_pixels, formats=FORMATS)
    assert check.limit_hit is LimitHit.IMAGE_PIXELS
    assert max_pixels != Image.MAX_IMAGE_PIXELS  # restored after the call


def test_format_not_allowed() -> None:
    check = inspect_image(png(), max_pixels=1000, formats=["JPEG"])
    assert check.limit_hit is LimitHit.IMAGE_FORMAT
    assert "PNG" in (check.problem or "")


def test_html_served_as_an_image() -> None:
    check = inspect_image(b"<html><body>hello</body></html>", max_pixels=1000, formats=FORMATS)
    assert check.limit_hit is LimitHit.IMAGE_FORMAT
    assert check.format is None


def test_damaged_png_is_a_problem_not_a_crash() -> None:
    data = png(200, 200)
    check = inspect_image(data[: len(data) // 2], max_pixels=10**6, formats=FORMATS)
    assert check.format == "PNG"
    assert check.problem is not None
    assert "damaged" in check.problem


def test_wbmp_round_trip_and_inspect() -> None:
    bits = bytes([0b1111_1111, 0b1000_0000, 0b0000_0000, 0b0000_0000])
    data = encode_wbmp(9, 2, bits)
    assert data == b"\x00\x00\x09\x02" + bits
    assert decode_wbmp(data) == (9, 2, bits)
    check = inspect_image(data, max_pixels=100, formats=FORMATS)
    assert (check.media_type, check.format, check.width, check.height) == (
        "image/vnd.wap.wbmp",
        "WBMP",
        9,
        2,
    )
    shown = Image.open(io.BytesIO(wbmp_to_png(data)), formats=["PNG"])
    assert shown.size == (9, 2)
    assert shown.convert("1").getpixel((8, 0)) == 255
    assert shown.convert("1").getpixel((0, 1)) == 0


def test_wbmp_multibyte_sizes() -> None:
    data = encode_wbmp(200, 1, bytes(25))
    assert data[2:4] == b"\x81\x48"  # 200 = 1 * 128 + 72
    assert decode_wbmp(data)[:2] == (200, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x01\x00\x01\x01\x00", "type 1"),
        (b"\x00\x80\x01\x01\x00", "fixed header"),
        (b"\x00\x00\x08\x02\xff", "truncated"),
        (b"\x00\x00\x08\x01\xff\xff", "trailing"),
        (b"\x00\x00\x00\x01", "no pixels"),
        (b"\x00\x00\xff\xff\xff\xff\x01", "longer than"),
        (b"\x00\x00\x88", "ends inside"),
    ],
)
def test_bad_wbmp(data: bytes, message: str) -> None:
    with pytest.raises(WbmpError, match=message):
        decode_wbmp(data)
    assert inspect_image(data, max_pixels=10**6, formats=FORMATS).limit_hit is LimitHit.IMAGE_FORMAT


def test_wbmp_pixel_bomb_header() -> None:
    check = inspect_image(encode_wbmp(100_000, 100_000, b""), max_pixels=10**6, formats=FORMATS)
    assert check.limit_hit is LimitHit.IMAGE_PIXELS
    assert check.width == 100_000


def test_wbmp_not_allowed() -> None:
    data = encode_wbmp(8, 1, b"\x00")
    assert inspect_image(data, max_pixels=100, formats=["PNG"]).limit_hit is LimitHit.IMAGE_FORMAT

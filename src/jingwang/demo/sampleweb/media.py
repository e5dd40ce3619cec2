"""Binary bodies of the sample web: synthetic pictures, WBMP, favicons and hostile payloads.

Pictures are coloured shapes and gradients drawn with Pillow (never people). WBMP (type 0,
which Pillow cannot write) is written byte by byte. Hostile payloads: decompression bombs
(gzip, deflate, brotli; about 128 MiB of zeros that travel as a few hundred KiB at most), a PNG
whose header claims 100,000 × 100,000 pixels, and HTML served as ``image/png``.

Every function is pure in its arguments and cached, so bodies can be rendered lazily.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zlib

import brotli
from PIL import Image, ImageDraw

BOMB_INFLATED_BYTES = 128 * 1024 * 1024  # past the 100 MB the issue asks for
_CHUNK = 1024 * 1024
PIXEL_BOMB_SIDE = 100_000

IMAGE_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "wbmp": "image/vnd.wap.wbmp",
    "ico": "image/x-icon",
}


def _picture(seed: int, size: tuple[int, int]) -> Image.Image:
    rng = random.Random(seed)
    width, height = size
    top = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    bottom = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a vertical gradient
        t = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    for _ in range(3):  # and a few shapes
        x0, y0 = rng.randrange(width // 2), rng.randrange(height // 2)
        box = (
            x0,
            y0,
            x0 + rng.randrange(8, width // 2 + 9),
            y0 + rng.randrange(8, height // 2 + 9),
        )
        fill = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=fill)
        else:
            draw.rectangle(box, fill=fill)
    return image


@functools.cache
def picture(fmt: str, seed: int, width: int = 96, height: int = 72) -> bytes:
    """A small synthetic picture as JPEG, PNG or GIF bytes."""
    image = _picture(seed, (width, height))
    out = io.BytesIO()
    if fmt == "jpeg":
        image.save(out, format="JPEG", quality=80)
    elif fmt == "png":
        image.save(out, format="PNG")
    elif fmt == "gif":
        image.convert("P", palette=Image.Palette.ADAPTIVE, colors=32).save(out, format="GIF")
    else:
        raise ValueError(f"picture() makes jpeg, png or gif, not {fmt!r}")
    return out.getvalue()


@functools.cache
def favicon(seed: int) -> bytes:
    """A 16 × 16 and 32 × 32 favicon.ico."""
    out = io.BytesIO()
    _picture(seed, (32, 32)).save(out, format="ICO", sizes=[(16, 16), (32, 32)])
    return out.getvalue()


def _multibyte(value: int) -> bytes:
    """WBMP's multi-byte integer: 7 bits a byte, most significant first, high bit = more."""
    groups = [value & 0x7F]
    value >>= 7
    while value:
        groups.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(groups))


@functools.cache
def wbmp(seed: int, width: int = 48, height: int = 24) -> bytes:
    """A type 0 WBMP: 0x00 (type), 0x00 (fixed header), width, height, rows padded to bytes.

    A set bit is white, as in the WAP specification; the picture is a frame and a diagonal.
    """
    rng = random.Random(seed)
    stripe = rng.randrange(2, 6)
    rows = []
    for y in range(height):
        bits = 0
        row_bytes = (width + 7) // 8
        for x in range(width):
            border = x in (0, width - 1) or y in (0, height - 1)
            black = border or (x // stripe) == (y // stripe) or x == y * width // height
            if not black:
                bits |= 1 << (row_bytes * 8 - 1 - x)
        rows.append(bits.to_bytes(row_bytes, "big"))
    return b"\x00\x00" + _multibyte(width) + _multibyte(height) + b"".join(rows)


@functools.cache
def bomb(encoding: str, inflated: int = BOMB_INFLATED_BYTES) -> bytes:
    """``inflated`` zero bytes compressed for Content-Encoding gzip, deflate or br."""
    zeros = bytes(_CHUNK)
    count = inflated // _CHUNK
    if encoding == "br":
        compressor = brotli.Compressor(quality=5)
        parts = [compressor.process(zeros) for _ in range(count)]
        return b"".join(parts) + compressor.finish()  # type: ignore[no-any-return]
    if encoding not in ("gzip", "deflate"):
        raise ValueError(f"bomb() knows gzip, deflate and br, not {encoding!r}")
    wbits = 31 if encoding == "gzip" else 15  # deflate in HTTP is the zlib format
    zobj = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return b"".join(zobj.compress(zeros) for _ in range(count)) + zobj.flush()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


@functools.cache
def pixel_bomb_png(side: int = PIXEL_BOMB_SIDE) -> bytes:
    """A well-formed PNG header claiming ``side`` × ``side`` RGB pixels, with a tiny IDAT."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


FAKE_PNG = b"<html><body><p>not an image at all</p></body></html>\n"

__all__ = [
    "BOMB_INFLATED_BYTES",
    "FAKE_PNG",
    "IMAGE_TYPES",
    "PIXEL_BOMB_SIDE",
    "bomb",
    "favicon",
    "picture",
    "pixel_bomb_png",
    "wbmp",
]

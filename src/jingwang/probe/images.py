"""Check a fetched image without trusting it: its format, its size, whether it decodes.

:func:`inspect_image` opens the bytes with Pillow restricted to the allowed formats
(``Image.open(..., formats=...)``, so a hostile file never reaches a decoder nobody asked
for), reads the size from the header and refuses anything over ``max_pixels`` **before**
decoding (a 50,000 × 50,000 PNG of a few KiB is a pixel bomb); Pillow's own
``DecompressionBombWarning``/``DecompressionBombError`` count as the same limit. Only then is
the image decoded, to tell a damaged file from a good one.

WBMP (``image/vnd.wap.wbmp``, the 1-bit images of WAP 1.x decks) is not a Pillow format and
is decoded here (:func:`decode_wbmp`): type 0 only, a fixed-header byte 0, width and height
as multi-byte integers (7 bits per byte, the high bit says another byte follows), then rows of
1-bit pixels, each row padded to whole bytes (1 = white). :func:`wbmp_to_png` turns one into
a PNG a browser can show a reviewer.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from jingwang.errors import InvalidInput
from jingwang.probe.types import LimitHit

WBMP = "WBMP"
WBMP_MEDIA_TYPE = "image/vnd.wap.wbmp"
_MAX_INT_BYTES = 4  # 28 bits: far more than any real WBMP side
# Magic numbers, only to name a format in a refusal (nothing is decoded by them).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"<", "markup"),
)


class WbmpError(InvalidInput):
    """Bytes that are not a type 0 WBMP image; the message says which part is wrong."""

    code = "probe.wbmp_invalid"


class WbmpTooLarge(WbmpError):
    """A well-formed WBMP header announcing more pixels than allowed."""

    def __init__(self, width: int, height: int, max_pixels: int) -> None:
        super().__init__(
            f"{width}x{height} is {width * height} pixels, over the {max_pixels} allowed"
        )
        self.width = width
        self.height = height


@dataclass(frozen=True)
class ImageCheck:
    """What :func:`inspect_image` found; ``problem`` says why an image was not accepted."""

    media_type: str | None
    format: str | None
    width: int | None
    height: int | None
    limit_hit: LimitHit | None = None
    problem: str | None = None


def inspect_image(data: bytes, *, max_pixels: int, formats: Sequence[str]) -> ImageCheck:
    """Identify, size-check and decode ``data`` as one of ``formats`` (Pillow names, WBMP)."""
    allowed = tuple(dict.fromkeys(name.strip().upper() for name in formats))
    pillow = tuple(name for name in allowed if name != WBMP)
    previous = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow's own check, at open(), uses this limit
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _inspect_pillow(data, max_pixels, pillow)
    except UnidentifiedImageError:
        pass
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        return ImageCheck(None, None, None, None, LimitHit.IMAGE_PIXELS, str(bomb))
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    if WBMP in allowed and data[:1] == b"\x00":
        return _inspect_wbmp(data, max_pixels)
    found = next((name for magic, name in _SIGNATURES if data.startswith(magic)), None)
    what = f"a {found} file" if found else "not an image"
    problem = f"{what}; allowed formats: {', '.join(allowed) or 'none'}"
    return ImageCheck(None, None, None, None, LimitHit.IMAGE_FORMAT, problem)


def _inspect_pillow(data: bytes, max_pixels: int, formats: tuple[str, ...]) -> ImageCheck:
    if not formats:
        raise UnidentifiedImageError("no Pillow format allowed")
    with Image.open(io.BytesIO(data), formats=list(formats)) as image:
        name = image.format
        media = Image.MIME.get(name or "") if name else None
        width, height = image.size
        if width * height > max_pixels:
            problem = f"{width}x{height} is {width * height} pixels, over the {max_pixels} allowed"
            return ImageCheck(media, name, width, height, LimitHit.IMAGE_PIXELS, problem)
        try:
            image.load()
        except (OSError, ValueError, SyntaxError) as damaged:
            return ImageCheck(media, name, width, height, None, f"damaged {name} data: {damaged}")
    return ImageCheck(media, name, width, height)


def _inspect_wbmp(data: bytes, max_pixels: int) -> ImageCheck:
    try:
        width, height, _ = decode_wbmp(data, max_pixels=max_pixels)
    except WbmpTooLarge as large:
        return ImageCheck(
            WBMP_MEDIA_TYPE, WBMP, large.width, large.height, LimitHit.IMAGE_PIXELS, str(large)
        )
    except WbmpError as bad:
        return ImageCheck(None, None, None, None, LimitHit.IMAGE_FORMAT, f"not an image: {bad}")
    return ImageCheck(WBMP_MEDIA_TYPE, WBMP, width, height)


def decode_wbmp(data: bytes, *, max_pixels: int | None = None) -> tuple[int, int, bytes]:
    """``(width, height, bits)`` of a type 0 WBMP; ``bits`` are the padded pixel rows."""
    position = 0
    kind, position = _multibyte(data, position, "type")
    if kind != 0:
        raise WbmpError(f"WBMP type {kind} is not supported (only type 0, 1-bit B/W)")
    if position >= len(data) or data[position] != 0:
        raise WbmpError("the fixed header byte after the type must be 0")
    width, position = _multibyte(data, position + 1, "width")
    height, position = _multibyte(data, position, "height")
    if width == 0 or height == 0:
        raise WbmpError(f"a {width}x{height} image has no pixels")
    if max_pixels is not None and width * height > max_pixels:
        raise WbmpTooLarge(width, height, max_pixels)
    expected = (width + 7) // 8 * height
    present = len(data) - position
    if present != expected:
        what = "truncated" if present < expected else "has trailing bytes"
        raise WbmpError(
            f"the pixel data {what}: {width}x{height} needs {expected} bytes, found {present}"
        )
    return width, height, data[position:]


def _multibyte(data: bytes, position: int, field: str) -> tuple[int, int]:
    value = 0
    for count in range(_MAX_INT_BYTES):
        if position >= len(data):
            raise WbmpError(f"the data ends inside the {field}")
        byte = data[position]
        position += 1
        value = value << 7 | byte & 0x7F
        if not byte & 0x80:
            return value, position
        if count == 0 and byte == 0x80:
            raise WbmpError(f"the {field} has a redundant leading zero byte")
    raise WbmpError(f"the {field} is longer than {_MAX_INT_BYTES} bytes")


def wbmp_to_png(data: bytes, *, max_pixels: int = 40_000_000) -> bytes:
    """A PNG of a type 0 WBMP (for a reviewer's screen); raises :class:`WbmpError`."""
    width, height, bits = decode_wbmp(data, max_pixels=max_pixels)
    out = io.BytesIO()
    Image.frombytes("1", (width, height), bits).save(out, format="PNG")
    return out.getvalue()


def encode_wbmp(width: int, height: int, bits: bytes) -> bytes:
    """A type 0 WBMP of padded 1-bit rows (the inverse of :func:`decode_wbmp`)."""
    return b"\x00\x00" + _encode_multibyte(width) + _encode_multibyte(height) + bits


def _encode_multibyte(value: int) -> bytes:
    groups = [value & 0x7F]
    value >>= 7
    while value:
        groups.append(value & 0x7F | 0x80)
        value >>= 7
    return bytes(reversed(groups))


__all__ = [
    "ImageCheck",
    "WbmpError",
    "WbmpTooLarge",
    "decode_wbmp",
    "encode_wbmp",
    "inspect_image",
    "wbmp_to_png",
]

"""Turn captured image bytes into an RGB picture the models can read, or say why not.

Captured images are hostile input. :func:`decode_image` opens them with Pillow restricted to
the formats a mobile page shows (JPEG, PNG, GIF, WEBP, BMP: ``Image.open(..., formats=...)``,
so no other decoder ever sees the bytes), reads the size from the header and refuses anything
over ``max_pixels`` **before** decoding a single pixel. WBMP (the 1-bit images of WAP 1.x
decks, which Pillow cannot read) goes through :func:`jingwang.probe.images.decode_wbmp`, which
checks its announced size against the same cap.

The cap is a per-call argument; Pillow's process-wide ``Image.MAX_IMAGE_PIXELS`` is left
alone, because changing it per call races with any other thread decoding at the same time
(the prober does). Pillow's own bomb check at that global limit still runs inside
``Image.open``: an image past twice its limit raises ``DecompressionBombError`` and one past
the limit may warn (or raise ``DecompressionBombWarning`` where warnings are errors); both are
reported as :class:`ImageUnreadable` like our own cap.

What the models see is what a reviewer's browser shows: the first frame of an animated GIF,
the EXIF orientation applied, transparency laid over white.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from jingwang.errors import InvalidInput
from jingwang.probe.images import WBMP_MEDIA_TYPE, WbmpError, decode_wbmp

# Pillow format names accepted; anything else is refused without being decoded.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP")
_WHITE = (255, 255, 255)
# What a refusal calls bytes that are not one of FORMATS (never used to decode).
_SIGNATURES = (
    (b"\x00\x00\x01\x00", "an ICO file"),
    (b"II*\x00", "a TIFF file"),
    (b"MM\x00*", "a TIFF file"),
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
)
# What a damaged file raises while Pillow decodes it: OSError and friends mostly, but format
# plugins fed hostile bytes have raised nearly anything (struct.error, KeyError, IndexError,
# ZeroDivisionError …). Any of them means the file cannot be read, never that scoring stops.
_DAMAGED = (Exception,)


class ImageUnreadable(InvalidInput):
    """Image bytes that cannot be scored: unknown format, damaged, or over the pixel cap."""

    code = "classify.image_unreadable"


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """An RGB picture, the media type its bytes really are, and its size as shown."""

    image: Image.Image
    media_type: str

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


def load_image(data: bytes, media_type: str | None = None, *, max_pixels: int) -> Image.Image:
    """The RGB picture in ``data``; raises :class:`ImageUnreadable` saying what is wrong.

    ``media_type`` (the captured Content-Type) only makes the refusal clearer: the bytes
    decide the format, since mobile sites often label images wrongly.
    """
    return decode_image(data, media_type, max_pixels=max_pixels).image


def decode_image(data: bytes, media_type: str | None = None, *, max_pixels: int) -> DecodedImage:
    """Like :func:`load_image`, also telling the detected media type."""
    if not data:
        raise ImageUnreadable("the image is empty (0 bytes)", media_type=media_type)
    if data[:1] == b"\x00":  # no allowed Pillow format starts with a zero byte; WBMP does
        return _decode_wbmp(data, media_type, max_pixels)
    return _decode_pillow(data, media_type, max_pixels)


def _decode_wbmp(data: bytes, media_type: str | None, max_pixels: int) -> DecodedImage:
    try:
        width, height, bits = decode_wbmp(data, max_pixels=max_pixels)
    except WbmpError as bad:
        if any(data.startswith(magic) for magic, _ in _SIGNATURES):  # e.g. an ICO file
            raise ImageUnreadable(_unknown(data, media_type), media_type=media_type) from None
        raise ImageUnreadable(
            f"not a readable WBMP: {bad.message}", media_type=media_type
        ) from None
    picture = Image.frombytes("1", (width, height), bits).convert("RGB")  # 1 = white
    return DecodedImage(picture, WBMP_MEDIA_TYPE)


def _decode_pillow(data: bytes, media_type: str | None, max_pixels: int) -> DecodedImage:
    try:
        opened = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except UnidentifiedImageError:
        raise ImageUnreadable(_unknown(data, media_type), media_type=media_type) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise ImageUnreadable(
            f"over the pixel limit of the image decoder: {bomb}", media_type=media_type
        ) from None
    except _DAMAGED as damaged:
        raise ImageUnreadable(
            f"damaged image header: {_why(damaged)}", media_type=media_type
        ) from None
    with opened:
        name = opened.format or "image"
        width, height = opened.size
        if width * height > max_pixels:
            raise ImageUnreadable(
                f"{name} of {width}x{height} is {width * height} pixels, "
                f"over the {max_pixels} allowed",
                media_type=media_type,
            )
        try:
            opened.load()  # the first frame of an animation
            picture = _as_shown(opened)
        except _DAMAGED as damaged:
            raise ImageUnreadable(
                f"damaged {name} data: {_why(damaged)}", media_type=media_type
            ) from None
    return DecodedImage(picture, Image.MIME.get(name, f"image/{name.lower()}"))


def _why(error: Exception) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if not isinstance(error, OSError) else text


def _as_shown(image: Image.Image) -> Image.Image:
    """RGB as a browser shows it: EXIF orientation applied, transparency over white."""
    oriented = _oriented(image)
    has_alpha = oriented.mode in ("RGBA", "LA", "PA") or "transparency" in oriented.info
    if not has_alpha:
        return oriented.convert("RGB")
    rgba = oriented.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (*_WHITE, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _oriented(image: Image.Image) -> Image.Image:
    if image.format not in ("JPEG", "WEBP"):
        return image
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a broken EXIF block costs only the orientation, never the image
        return image


def _unknown(data: bytes, media_type: str | None) -> str:
    found = next((name for magic, name in _SIGNATURES if data.startswith(magic)), None)
    if found is None:
        head = data[:64].lstrip().lower()
        if head.startswith((b"<", b"\xef\xbb\xbf<")):
            found = "markup (HTML or XML)"
        elif _looks_like_text(data[:512]):
            found = "text"
        else:
            found = "not an image"
    labelled = f" labelled {media_type}" if media_type else ""
    return f"{found}{labelled}; readable formats: {', '.join(FORMATS)}, WBMP"


def _looks_like_text(head: bytes) -> bool:
    try:  # not final: the 512 bytes may end inside a character
        decoded = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in decoded)


__all__ = ["FORMATS", "DecodedImage", "ImageUnreadable", "decode_image", "load_image"]

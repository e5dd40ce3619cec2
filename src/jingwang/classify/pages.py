"""What a capture gives the classifier: its page text, its identifiers and its images.

- :func:`page_text`: the text judged, the capture's title and visible text from
  ``probe_captures.summary``. The web page that highlights matched phrases shows this same
  string, so the spans stored with a verdict (offsets into it) line up.
- :func:`capture_identifiers`: the identifiers the parser found (``summary["identifiers"]``),
  with positions moved into :func:`page_text`'s string.
- :func:`capture_images`: the bytes of the page's images, read back from the capture's WARC
  (the evidence itself, not a second fetch): the ``response`` records of the subresources the
  summary lists as images, in page order, without the favicon, content-encoding undone, at most
  ``limit`` of them and each distinct image once.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from jingwang.classify.classifier import page_identifiers
from jingwang.probe.decode import BodyDecoder, UnsupportedEncoding
from jingwang.probe.models import Capture, Evidence
from jingwang.probe.warc import safe_uri
from jingwang.store import BlobStore

if TYPE_CHECKING:
    from jingwang.classify.images.score import ImageInput

TITLE_SEPARATOR: Final = "\n\n"
MAX_IMAGE_BYTES: Final = 20 * 1024 * 1024  # a decoded image larger than this is not read


def page_text(summary: Mapping[str, Any] | None) -> str:
    """The title, a blank line, then the visible text (just the text when there is no title,
    or when the text's first line is the title already)."""
    if not summary:
        return ""
    title = str(summary.get("title") or "").strip()
    text = str(summary.get("text") or "")
    if not title or text.split("\n", 1)[0].strip() == title:
        return text
    return f"{title}{TITLE_SEPARATOR}{text}"


def text_offset(summary: Mapping[str, Any] | None) -> int:
    """Where ``summary["text"]`` starts within :func:`page_text` of the same summary."""
    if not summary:
        return 0
    return len(page_text(summary)) - len(str(summary.get("text") or ""))


def capture_identifiers(summary: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The capture's identifiers, positions (of those found in the text) into page_text."""
    if not summary:
        return []
    items = [item for item in summary.get("identifiers") or [] if isinstance(item, Mapping)]
    return page_identifiers(items, offset=text_offset(summary))


def image_urls(summary: Mapping[str, Any] | None) -> dict[str, tuple[str, str]]:
    """The subresources worth reading, in page order: WARC target URI -> (URL, media type)."""
    if not summary:
        return {}
    favicon = summary.get("favicon")
    wanted: dict[str, tuple[str, str]] = {}
    for sub in summary.get("subresources") or []:
        if not isinstance(sub, Mapping):
            continue
        url, media_type = sub.get("url"), sub.get("media_type")
        if not isinstance(url, str) or url == favicon or sub.get("refused"):
            continue
        if isinstance(media_type, str) and media_type.lower().startswith("image/"):
            wanted.setdefault(safe_uri(url), (url, media_type.lower()))
    return wanted


def capture_images(
    blobs: BlobStore, session: Session, capture: Capture, *, limit: int | None = None
) -> list[ImageInput]:
    """The images of ``capture`` from its WARC (see the module docstring); [] without one.
    The WARC is read only when the summary lists images."""
    if not image_urls(capture.summary) or limit == 0:
        return []
    digest = session.scalar(
        select(Evidence.digest).where(Evidence.capture_id == capture.id, Evidence.kind == "warc")
    )
    if digest is None:
        return []
    return warc_images(blobs.get(digest), capture.summary, limit=limit)


def warc_images(
    warc: bytes, summary: Mapping[str, Any] | None, *, limit: int | None = None
) -> list[ImageInput]:
    """The images ``summary`` lists, read from the WARC file ``warc``, in page order, each
    distinct payload once."""
    from jingwang.classify.images.score import ImageInput

    wanted = image_urls(summary)
    if not wanted or limit == 0:
        return []
    found: dict[str, ImageInput] = {}
    seen: set[bytes] = set()
    for uri, data in _responses(warc, wanted):
        if uri in found or data in seen:
            continue
        seen.add(data)
        url, media_type = wanted[uri]
        found[uri] = ImageInput(url=url, data=data, media_type=media_type)
    ordered = [found[uri] for uri in wanted if uri in found]
    return ordered if limit is None else ordered[:limit]


def _responses(warc: bytes, wanted: Mapping[str, object]) -> list[tuple[str, bytes]]:
    """(target URI, decoded payload) of each successful response record for ``wanted``."""
    out: list[tuple[str, bytes]] = []
    for record in ArchiveIterator(io.BytesIO(warc)):
        if record.rec_type != "response":
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI")
        if uri not in wanted or record.http_headers is None:
            continue
        status = record.http_headers.get_statuscode()
        if not str(status).startswith("2"):
            continue
        body = _decoded(
            record.raw_stream.read(), record.http_headers.get_header("Content-Encoding")
        )
        if body:
            out.append((uri, body))
    return out


def _decoded(payload: bytes, encoding: str | None) -> bytes | None:
    """The payload with its Content-Encoding undone (as the prober did), capped."""
    if not encoding:
        return payload[:MAX_IMAGE_BYTES] if len(payload) <= MAX_IMAGE_BYTES else None
    try:
        decoder = BodyDecoder(encoding, MAX_IMAGE_BYTES)
    except UnsupportedEncoding:
        return None
    decoder.feed(payload)
    return None if decoder.capped else bytes(decoder.out)


__all__ = [
    "capture_identifiers",
    "capture_images",
    "image_urls",
    "page_text",
    "text_offset",
    "warc_images",
]

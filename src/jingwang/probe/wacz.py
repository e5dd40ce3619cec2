"""Exporting captures as one WACZ 1.1.1 file, the package web-archive players open directly.

A WACZ is a zip holding:

- ``archive/data.warc.gz``: the captures' WARC files back to back (each is a run of gzip
  members, and gzip members concatenate), stored uncompressed in the zip so a player can read
  one record by its offset;
- ``indexes/index.cdx``: one CDXJ line per ``response`` and ``resource`` record, sorted by SURT
  key and time, with the record's offset and length in ``data.warc.gz``;
- ``pages/pages.jsonl``: a header line, then one line per capture (its final URL, time, title);
- ``datapackage.json``: every file above with its size and SHA-256;
- ``datapackage-digest.json``: the SHA-256 of ``datapackage.json``.

Each WARC is read back from the blob store, which re-hashes it, so a damaged file is refused
rather than exported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from jingwang import __version__
from jingwang.errors import NotFound
from jingwang.probe.models import Capture, Evidence
from jingwang.store.blobs import BlobStore

WACZ_VERSION = "1.1.1"
WARC_PATH = "archive/data.warc.gz"
INDEX_PATH = "indexes/index.cdx"
PAGES_PATH = "pages/pages.jsonl"
_INDEXED = ("response", "resource", "revisit")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class _Resource:
    name: str
    path: str
    sha256: str
    size: int


def surt(url: str) -> str:
    """The SURT sort key of a URL: ``http://www.Shouji.test:8080/a?b=1&a=2`` ->
    ``test,shouji:8080)/a?a=2&b=1`` (host reversed, ``www.`` and default ports dropped,
    query sorted). Non-HTTP URIs (``urn:…``) are only lower-cased.
    """
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url.lower()
    labels = parts.hostname.lower().strip(".").split(".")
    if labels[0] == "www" and len(labels) > 2:
        labels = labels[1:]
    key = ",".join(reversed(labels))
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        key += f":{port}"
    path = (parts.path or "/").lower()
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{key}){path}" + (f"?{query.lower()}" if query else "")


def cdxj_lines(warc: bytes, *, base_offset: int = 0, filename: str = "data.warc.gz") -> list[str]:
    """The CDXJ lines (unsorted) of one WARC file that starts at ``base_offset`` in ``filename``."""
    lines = []
    iterator = ArchiveIterator(io.BytesIO(warc))
    for record in iterator:
        if record.rec_type not in _INDEXED:
            continue
        headers = record.rec_headers
        url = headers.get_header("WARC-Target-URI") or ""
        entry: dict[str, Any] = {"url": url}
        if record.http_headers is not None and record.rec_type != "resource":
            entry["mime"] = _mime(record.http_headers.get_header("Content-Type"))
            entry["status"] = record.http_headers.get_statuscode()
        else:
            entry["mime"] = _mime(headers.get_header("Content-Type"))
        digest = headers.get_header("WARC-Payload-Digest") or headers.get_header(
            "WARC-Block-Digest"
        )
        iterator.read_to_end(record)
        entry.update(
            digest=digest,
            length=str(iterator.get_record_length()),
            offset=str(base_offset + iterator.get_record_offset()),
            filename=filename,
        )
        stamp = _timestamp(headers.get_header("WARC-Date") or "")
        lines.append(f"{surt(url)} {stamp} {json.dumps(entry, ensure_ascii=False)}")
    return lines


def _mime(content_type: str | None) -> str:
    return (content_type or "unk").split(";", 1)[0].strip().lower() or "unk"


def _timestamp(warc_date: str) -> str:
    """14-digit CDX time stamp of a WARC date (``2009-06-01T08:30:00.123Z`` -> 20090601083000)."""
    digits = "".join(ch for ch in warc_date.split(".", 1)[0] if ch.isdigit())
    return digits[:14].ljust(14, "0")


def export_wacz(
    session: Session, blobs: BlobStore, capture_ids: Sequence[int], out: BinaryIO
) -> None:
    """Write the captures (in the order given) with their WARC files to ``out`` as a WACZ.

    Raises :class:`~jingwang.errors.NotFound` for a capture that does not exist or has no WARC,
    and :class:`~jingwang.errors.BlobCorrupt` for a WARC that no longer matches its digest.
    """
    captures = list(_captures(session, capture_ids))
    resources: list[_Resource] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        lines, warc = _write_warcs(archive, blobs, captures)
        resources.append(warc)
        index = "".join(f"{line}\n" for line in sorted(lines)).encode()
        resources.append(_write(archive, "index.cdx", INDEX_PATH, index))
        resources.append(_write(archive, "pages.jsonl", PAGES_PATH, _pages(captures)))
        package = _datapackage(resources)
        _write(archive, "datapackage.json", "datapackage.json", package)
        digest = {"path": "datapackage.json", "hash": _hash(package)}
        archive.writestr("datapackage-digest.json", _json(digest))


def _captures(session: Session, capture_ids: Sequence[int]) -> Iterator[tuple[Capture, str]]:
    for capture_id in capture_ids:
        capture = session.get(Capture, capture_id)
        digest = session.scalar(
            select(Evidence.digest).where(
                Evidence.capture_id == capture_id, Evidence.kind == "warc"
            )
        )
        if capture is None or digest is None:
            raise NotFound("no capture with a WARC file has this id", capture_id=capture_id)
        yield capture, digest


def _write_warcs(
    archive: zipfile.ZipFile, blobs: BlobStore, captures: list[tuple[Capture, str]]
) -> tuple[list[str], _Resource]:
    """Append each capture's WARC to ``data.warc.gz``; its CDXJ lines and its resource entry."""
    lines: list[str] = []
    hasher, offset = hashlib.sha256(), 0
    info = zipfile.ZipInfo(WARC_PATH, date_time=_zip_time())
    info.compress_type = zipfile.ZIP_STORED
    with archive.open(info, "w", force_zip64=True) as sink:
        for _, digest in captures:
            data = blobs.get(digest)  # re-hashed: a damaged WARC is refused
            lines.extend(cdxj_lines(data, base_offset=offset))
            sink.write(data)
            hasher.update(data)
            offset += len(data)
    return lines, _Resource("data.warc.gz", WARC_PATH, f"sha256:{hasher.hexdigest()}", offset)


def _write(archive: zipfile.ZipFile, name: str, path: str, data: bytes) -> _Resource:
    archive.writestr(zipfile.ZipInfo(path, date_time=_zip_time()), data, zipfile.ZIP_DEFLATED)
    return _Resource(name, path, _hash(data), len(data))


def _pages(captures: list[tuple[Capture, str]]) -> bytes:
    header = {"format": "json-pages-1.0", "id": "pages", "title": "jingwang captures"}
    rows = [header]
    for capture, _ in captures:
        rows.append(
            {
                "id": str(capture.id),
                "url": capture.final_url or capture.url,
                "ts": _iso(capture.started_at),
                "title": capture.title or capture.url,
            }
        )
    return b"".join(_json(row) + b"\n" for row in rows)


def _datapackage(resources: list[_Resource]) -> bytes:
    return _json(
        {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "title": "jingwang captures",
            "software": f"jingwang {__version__}",
            "created": _iso(dt.datetime.now(dt.UTC)),
            "resources": [
                {"name": r.name, "path": r.path, "hash": r.sha256, "bytes": r.size}
                for r in resources
            ],
        }
    )


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = dt.datetime.now(dt.UTC)
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def _hash(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=None).encode()


__all__ = [
    "INDEX_PATH",
    "PAGES_PATH",
    "WACZ_VERSION",
    "WARC_PATH",
    "cdxj_lines",
    "export_wacz",
    "surt",
]

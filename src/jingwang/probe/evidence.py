"""Verifying stored evidence: every byte of a capture's artefacts must still be what was written.

Two checks, each reporting ``passed`` / ``failed`` / ``unknown`` with a list of problems instead
of raising (as warcio and the audit log do):

- :func:`verify_warc` reads a WARC file record by record and re-computes each record's block
  digest over the raw block, and the payload digest over the part after the HTTP head for
  ``request`` / ``response`` records (and the whole block for ``resource`` records). A gzip
  member that no longer decompresses (its CRC catches a changed byte), a record that does not
  parse, or a digest that differs fails the file; a record with no digest to check makes it
  unknown. WARC header fields are not covered by any record digest: the file's SHA-256 is.
- :func:`verify_evidence` walks the ``probe_evidence`` rows: the blob must exist (else unknown),
  hash to its address (else failed) and, for WARC files, pass :func:`verify_warc`. The outcome is
  written back to the row (``verified_at``, ``verify_state``, ``problems``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from jingwang.errors import JingwangError
from jingwang.probe.models import Evidence
from jingwang.store.base import utcnow
from jingwang.store.blobs import BlobStore

PASSED, FAILED, UNKNOWN = "passed", "failed", "unknown"
_HTTP_RECORDS = ("request", "response", "revisit")
_ALGORITHMS = {"sha1": 20, "sha256": 32, "sha512": 64, "md5": 16}
_CHUNK = 1 << 16


@dataclass(frozen=True)
class WarcCheck:
    """What :func:`verify_warc` found: the state, what is wrong, how many records were read."""

    state: str  # passed, failed, unknown
    problems: list[str]
    records: int


@dataclass(frozen=True)
class EvidenceCheck:
    """One ``probe_evidence`` row's verification."""

    evidence_id: int
    capture_id: int
    kind: str
    state: str
    problems: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "evidence_id": self.evidence_id,
            "capture_id": self.capture_id,
            "kind": self.kind,
            "state": self.state,
            "problems": self.problems,
        }


@dataclass
class VerifyReport:
    """The outcome of :func:`verify_evidence`: counts per state and every row checked."""

    passed: int = 0
    failed: int = 0
    unknown: int = 0
    items: list[EvidenceCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed (unknown rows are reported, not failures)."""
        return self.failed == 0

    def add(self, item: EvidenceCheck) -> None:
        self.items.append(item)
        setattr(self, item.state, getattr(self, item.state) + 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "unknown": self.unknown,
            "items": [item.to_json() for item in self.items],
        }


def verify_warc(data: bytes) -> WarcCheck:
    """Re-compute every record's digests; never raises for a damaged file, it reports it."""
    problems: list[str] = []
    undigested: list[str] = []
    count = 0
    warnings = io.StringIO()
    try:
        plain = gunzip_members(data)
        with contextlib.redirect_stderr(warnings):
            for name, rec_type, headers, block in _records(plain):
                count += 1
                problems.extend(_check_record(name, rec_type, headers, block, undigested))
    except _Damaged as exc:
        problems.append(str(exc))
    except (ArchiveLoadFailed, EOFError, ValueError) as exc:
        problems.append(f"record {count + 1} cannot be read: {_printable(str(exc))}")
    if warnings.getvalue().strip():  # warcio's note on a record longer than it declares
        problems.append(f"damaged record framing: {_printable(warnings.getvalue())}")
    if count == 0 and not problems:
        problems.append("no WARC records in the file")
    if problems:
        return WarcCheck(FAILED, problems, count)
    if undigested:
        return WarcCheck(UNKNOWN, [f"no digest to check: {', '.join(undigested)}"], count)
    return WarcCheck(PASSED, [], count)


class _Damaged(Exception):
    """The gzip container itself is damaged."""


def gunzip_members(data: bytes) -> bytes:
    """The concatenated content of every gzip member (``data`` itself when not gzipped).

    Each member's CRC-32 and length are checked by zlib, so a changed byte in a member fails
    here with its position, before any WARC parsing.
    """
    if not data.startswith(b"\x1f\x8b"):
        return data
    view, out, offset, member = memoryview(data), [], 0, 0
    while offset < len(data):
        member += 1
        decompressor, position = zlib.decompressobj(wbits=31), offset
        try:
            while not decompressor.eof and position < len(data):
                chunk = view[position : position + _CHUNK]
                out.append(decompressor.decompress(chunk))
                position += len(chunk)
        except zlib.error as exc:
            raise _Damaged(f"gzip member {member} at byte {offset} is damaged: {exc}") from None
        if not decompressor.eof:
            raise _Damaged(f"gzip member {member} at byte {offset} is cut short")
        offset = position - len(decompressor.unused_data)
    return b"".join(out)


def _printable(text: str) -> str:
    """An error text fit for a report: one line, no binary, at most 200 characters."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(cleaned.split())[:200]


def _records(data: bytes) -> Iterator[tuple[str, str, Any, bytes]]:
    """(name, type, WARC headers, raw block) of each record of a plain WARC, in file order."""
    iterator = ArchiveIterator(io.BytesIO(data), no_record_parse=True)
    for record in iterator:
        headers = record.rec_headers
        if not str(headers.protocol).startswith("WARC/") or not (
            headers.get_header("WARC-Type") and headers.get_header("WARC-Record-ID")
        ):
            raise ValueError("not a WARC record (no WARC version, type or record id)")
        block = _read_all(record.raw_stream)
        declared = headers.get_header("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) != len(block):
            raise ValueError(f"{_name(headers)} is cut short ({len(block)} of {declared} bytes)")
        yield _name(headers), record.rec_type or "", headers, block


def _read_all(stream: Any) -> bytes:
    chunks = []
    while chunk := stream.read(_CHUNK):
        chunks.append(chunk)
    return b"".join(chunks)


def _name(headers: Any) -> str:
    record_id = headers.get_header("WARC-Record-ID") or "(no id)"
    uri = headers.get_header("WARC-Target-URI")
    return f"{record_id} {uri}" if uri else record_id


def _check_record(
    name: str, rec_type: str, headers: Any, block: bytes, undigested: list[str]
) -> list[str]:
    block_digest = headers.get_header("WARC-Block-Digest")
    payload_digest = headers.get_header("WARC-Payload-Digest")
    if not block_digest:
        undigested.append(name)
    problems = []
    if block_digest:
        problems.extend(_compare(name, "block", block_digest, block))
    payload = _payload(rec_type, block)
    if payload_digest and payload is not None:
        problems.extend(_compare(name, "payload", payload_digest, payload))
    return problems


def _payload(rec_type: str, block: bytes) -> bytes | None:
    """The part of a block the payload digest covers (None: not checked for this type)."""
    if rec_type in _HTTP_RECORDS:
        head_end = block.find(b"\r\n\r\n")
        return block[head_end + 4 :] if head_end >= 0 else b""
    if rec_type == "resource":
        return block
    return None


def _compare(name: str, what: str, declared: str, data: bytes) -> list[str]:
    algorithm, _, value = declared.partition(":")
    algorithm = algorithm.strip().lower()
    size = _ALGORITHMS.get(algorithm)
    if size is None or not value:
        return [f"{name}: {what} digest {declared!r} names no known algorithm"]
    expected = _decode_digest(value.strip(), size)
    if expected is None:
        return [f"{name}: {what} digest {declared!r} is not base32, hex or base64"]
    actual = hashlib.new(algorithm, data).digest()
    if actual != expected:
        label = base64.b32encode(actual).decode()
        return [f"{name}: {what} digest differs: recorded {declared}, computed {algorithm}:{label}"]
    return []


def _decode_digest(value: str, size: int) -> bytes | None:
    """A digest value in any RFC 4648 form WARC writers use (base32, hex, base64)."""
    decoders: tuple[Callable[[str], bytes], ...] = (
        lambda v: base64.b32decode(v, casefold=True),
        lambda v: base64.b16decode(v, casefold=True),
        lambda v: base64.b64decode(v, altchars=b"-_" if ("-" in v or "_" in v) else None),
    )
    for decode in decoders:
        with contextlib.suppress(binascii.Error, ValueError):
            raw = decode(value)
            if len(raw) == size:
                return raw
    return None


def verify_evidence(
    session: Session,
    blobs: BlobStore,
    *,
    capture_id: int | None = None,
    limit: int | None = None,
) -> VerifyReport:
    """Check every ``probe_evidence`` row (of one capture, or the first ``limit``), and record it.

    The caller commits. Rows are read in id order; each row gets ``verified_at``,
    ``verify_state`` and ``problems`` (empty when it passed).
    """
    query = select(Evidence).order_by(Evidence.id)
    if capture_id is not None:
        query = query.where(Evidence.capture_id == capture_id)
    if limit is not None:
        query = query.limit(limit)
    report = VerifyReport()
    now = utcnow()
    for row in session.scalars(query):
        state, problems = check_evidence(blobs, row.kind, row.digest)
        row.verified_at, row.verify_state, row.problems = now, state, problems
        report.add(EvidenceCheck(row.id, row.capture_id, row.kind, state, problems))
    session.flush()
    return report


def check_evidence(blobs: BlobStore, kind: str, digest: str) -> tuple[str, list[str]]:
    """The state and problems of one stored artefact of the given kind."""
    if not blobs.exists(digest):
        return UNKNOWN, [f"blob missing: {digest}; restore it from backup"]
    if not blobs.verify(digest):
        return FAILED, [f"blob {digest} no longer hashes to its SHA-256 address (edited on disk)"]
    if kind != "warc":
        return PASSED, []
    try:
        data = blobs.get(digest)
    except JingwangError as exc:  # the file changed or went between the two reads
        return FAILED, [f"blob {digest} cannot be read back: {exc}"]
    check = verify_warc(data)
    return check.state, check.problems


__all__ = [
    "FAILED",
    "PASSED",
    "UNKNOWN",
    "EvidenceCheck",
    "VerifyReport",
    "WarcCheck",
    "check_evidence",
    "gunzip_members",
    "verify_evidence",
    "verify_warc",
]

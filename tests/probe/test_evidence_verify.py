"""Verifying evidence: one changed byte anywhere in a stored WARC fails verification."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest
from evidence_samples import png_bytes, sample_result, store_capture
from sqlalchemy import select

from jingwang.probe.evidence import gunzip_members, verify_evidence, verify_warc
from jingwang.probe.models import Evidence
from jingwang.probe.warc import write_warc
from jingwang.store import Database
from jingwang.store.blobs import FileBlobStore


def members(data: bytes) -> list[bytes]:
    """The gzip members of a WARC file, as compressed bytes."""
    out, offset = [], 0
    while offset < len(data):
        decompressor = zlib.decompressobj(wbits=31)
        decompressor.decompress(data[offset:])
        end = len(data) - len(decompressor.unused_data)
        out.append(data[offset:end])
        offset = end
    return out


def remade_with(data: bytes, old: bytes, new: bytes) -> bytes:
    """The WARC with ``old`` replaced by ``new`` in one record, its gzip member made afresh."""
    parts = members(data)
    for index, member in enumerate(parts):
        plain = gzip.decompress(member)
        if old in plain:
            parts[index] = gzip.compress(plain.replace(old, new, 1), mtime=0)
            return b"".join(parts)
    raise AssertionError(f"{old!r} is in no record")


@pytest.fixture
def warc() -> bytes:
    return write_warc(sample_result(), software="t", extra=[("urn:x", png_bytes(), "image/png")])


def test_a_written_warc_passes(warc: bytes) -> None:
    check = verify_warc(warc)
    assert (check.state, check.problems, check.records) == ("passed", [], 15)
    assert verify_warc(gunzip_members(warc)).state == "passed"  # an uncompressed WARC too


def test_a_flipped_byte_inside_a_gzip_member_fails(warc: bytes) -> None:
    third = sum(len(m) for m in members(warc)[:2])  # the first response record's member
    damaged = bytearray(warc)
    damaged[third + 40] ^= 0x20
    check = verify_warc(bytes(damaged))
    assert check.state == "failed"
    assert check.problems == [
        f"gzip member 3 at byte {third} is damaged: Error -3 while decompressing data: "
        "invalid stored block lengths"
    ] or check.problems[0].startswith(f"gzip member 3 at byte {third} is damaged")


def test_every_content_byte_flip_fails(warc: bytes) -> None:
    """Any changed byte fails, except the gzip header's time stamp, flags and OS bytes and the
    padding bits after a member's last deflate block: they carry no content (the blob's
    SHA-256 catches those, see test_blob_edited_on_disk_fails)."""
    starts, offset = set(), 0
    for member in members(warc):
        starts.add(offset)
        offset += len(member)
    for position in range(0, len(warc), 7):
        damaged = bytearray(warc)
        damaged[position] ^= 0x01
        check = verify_warc(bytes(damaged))
        start = max(s for s in starts if s <= position)
        if check.state == "passed":
            assert 3 <= position - start <= 9 or position - start > 100, position


def test_a_changed_payload_byte_in_a_remade_gzip_fails(warc: bytes) -> None:
    forged = remade_with(
        warc, b"Content-Type: image/png\r\n\r\n\x89PNG", b"Content-Type: image/png\r\n\r\n\x88PNG"
    )
    check = verify_warc(forged)
    assert check.state == "failed"
    assert len(check.problems) == 2  # block and payload digests
    assert (
        "https://wap.shouji.test/logo.png: block digest differs: recorded sha256:"
        in (check.problems[0])
    )
    assert "payload digest differs" in check.problems[1]


def test_a_changed_http_header_fails_the_block_digest_only(warc: bytes) -> None:
    forged = remade_with(warc, b"HTTP/1.1 302 Found", b"HTTP/1.1 200 Found")
    check = verify_warc(forged)
    assert check.state == "failed"
    assert [p.split(": ", 1)[1].split(" differs")[0] for p in check.problems] == ["block digest"]


def test_damaged_files_are_reported_not_raised(warc: bytes) -> None:
    assert verify_warc(warc[:-5]).problems[0].endswith("is cut short")
    assert verify_warc(b"").problems == ["no WARC records in the file"]
    assert verify_warc(warc + b"trailing junk").state == "failed"
    assert verify_warc(b"not a warc at all\r\n\r\n").state == "failed"


def test_no_digest_is_unknown() -> None:
    block = b"software: x\r\n"
    plain = (
        b"WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"WARC-Date: 2009-06-01T00:00:00Z\r\nContent-Type: application/warc-fields\r\n"
        + f"Content-Length: {len(block)}\r\n\r\n".encode()
        + block
        + b"\r\n\r\n"
    )
    check = verify_warc(gzip.compress(plain, mtime=0))
    assert check.state == "unknown"
    assert check.problems == ["no digest to check: <urn:uuid:1>"]


def test_verify_evidence_records_each_state(db: Database, tmp_path: Path) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")
    with db.session() as session:
        good = store_capture(session, blobs, sample_result(), screenshot=png_bytes())
        edited = store_capture(session, blobs, sample_result(url="http://edited.test/"))
        forged = store_capture(session, blobs, sample_result(url="http://forged.test/"))
        missing = store_capture(session, blobs, sample_result(url="http://missing.test/"))
        rows = {
            row.capture_id: row
            for row in session.scalars(select(Evidence).where(Evidence.kind == "warc"))
        }
        # one byte flipped inside a gzip member of the stored file
        path = blobs.path_of(rows[edited].digest)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x04
        path.write_bytes(bytes(data))
        # re-made gzip with one payload byte changed, stored under its new address
        original = blobs.get(rows[forged].digest)
        rows[forged].digest = blobs.put(
            remade_with(original, b"\r\n\r\n\x89PNG", b"\r\n\r\n\x89PNh")
        )
        blobs.path_of(rows[missing].digest).unlink()

        report = verify_evidence(session, blobs)
        states = {(item.capture_id, item.kind): item.state for item in report.items}
        assert states == {
            (good, "warc"): "passed",
            (good, "screenshot"): "passed",
            (edited, "warc"): "failed",
            (forged, "warc"): "failed",
            (missing, "warc"): "unknown",
        }
        assert (report.passed, report.failed, report.unknown, report.ok) == (2, 2, 1, False)
        problems = {item.capture_id: item.problems for item in report.items if item.kind == "warc"}
        assert "no longer hashes to its SHA-256 address" in problems[edited][0]
        assert "payload digest differs" in problems[forged][-1]
        assert problems[missing][0].startswith("blob missing")

        row = session.get(Evidence, rows[forged].id)
        assert row is not None
        assert (row.verify_state, row.verified_at is not None) == ("failed", True)
        assert row.problems == problems[forged]

        only = verify_evidence(session, blobs, capture_id=good)
        assert [item.kind for item in only.items] == ["warc", "screenshot"]
        assert only.ok
        assert len(verify_evidence(session, blobs, limit=2).items) == 2
        assert verify_evidence(session, blobs, capture_id=good).to_json()["passed"] == 2

"""WACZ export, read back: members present, hashes right, CDXJ offsets point at their records."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from evidence_samples import png_bytes, sample_result, store_capture
from warcio.archiveiterator import ArchiveIterator

from jingwang.errors import BlobCorrupt, NotFound
from jingwang.probe.evidence import verify_warc
from jingwang.probe.models import Evidence
from jingwang.probe.wacz import export_wacz, surt
from jingwang.store import Database
from jingwang.store.blobs import FileBlobStore


def test_surt_keys() -> None:
    assert surt("http://www.Shouji.test:8080/A?b=1&a=2") == "test,shouji:8080)/a?a=2&b=1"
    assert surt("https://wap.shouji.test:443/index.wml") == "test,shouji,wap)/index.wml"
    assert surt("http://shouji.test") == "test,shouji)/"
    assert (
        surt("urn:jingwang:screenshot:http://X.test/") == "urn:jingwang:screenshot:http://x.test/"
    )


def test_export_reads_back(db: Database, tmp_path: Path) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")
    with db.session() as session:
        first = store_capture(session, blobs, sample_result())
        second = store_capture(session, blobs, sample_result(url="http://second.test/"))
        out = io.BytesIO()
        export_wacz(session, blobs, [first, second], out)

    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        names = set(archive.namelist())
        assert names == {
            "archive/data.warc.gz",
            "indexes/index.cdx",
            "pages/pages.jsonl",
            "datapackage.json",
            "datapackage-digest.json",
        }
        assert archive.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        package_bytes = archive.read("datapackage.json")
        digest = json.loads(archive.read("datapackage-digest.json"))
        assert digest == {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
        }
        package = json.loads(package_bytes)
        assert (package["profile"], package["wacz_version"]) == ("data-package", "1.1.1")
        for resource in package["resources"]:
            data = archive.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        assert {r["path"] for r in package["resources"]} == names - {
            "datapackage.json",
            "datapackage-digest.json",
        }

        warc = archive.read("archive/data.warc.gz")
        assert verify_warc(warc).state == "passed"
        lines = archive.read("indexes/index.cdx").decode().splitlines()
        pages = [json.loads(line) for line in archive.read("pages/pages.jsonl").splitlines()]

    assert lines == sorted(lines)
    assert len(lines) == 2 * 3  # per capture: the 302, the page, the truncated image
    for line in lines:
        key, stamp, body = line.split(" ", 2)
        entry = json.loads(body)
        assert key == surt(entry["url"])
        assert stamp.startswith("20090601083000")
        offset, length = int(entry["offset"]), int(entry["length"])
        record = next(iter(ArchiveIterator(io.BytesIO(warc[offset : offset + length]))))
        assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
        assert record.rec_headers.get_header("WARC-Payload-Digest") == entry["digest"]
        assert record.http_headers.get_statuscode() == entry["status"]
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    statuses = {(entry["url"], entry["status"]) for entry in entries}
    assert ("http://second.test/", "302") in statuses
    assert ("https://wap.shouji.test/index.wml", "200") in statuses

    assert pages[0] == {"format": "json-pages-1.0", "id": "pages", "title": "jingwang captures"}
    assert [(p["id"], p["url"], p["title"]) for p in pages[1:]] == [
        (str(first), "https://wap.shouji.test/index.wml", "手机乐园"),
        (str(second), "https://wap.shouji.test/index.wml", "手机乐园"),
    ]
    assert pages[1]["ts"] == "2009-06-01T08:30:00.123Z"


def test_resource_records_are_indexed(db: Database, tmp_path: Path) -> None:
    from jingwang.probe.warc import write_warc

    blobs = FileBlobStore(tmp_path / "blobs")
    with db.session() as session:
        capture_id = store_capture(session, blobs, sample_result())
        row = session.query(Evidence).filter_by(capture_id=capture_id, kind="warc").one()
        shot = "urn:jingwang:screenshot:https://wap.shouji.test/index.wml"
        row.digest = blobs.put(
            write_warc(sample_result(), software="t", extra=[(shot, png_bytes(), "image/png")])
        )
        out = io.BytesIO()
        export_wacz(session, blobs, [capture_id], out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        index = archive.read("indexes/index.cdx").decode()
    (line,) = [x for x in index.splitlines() if x.startswith("urn:")]
    assert json.loads(line.split(" ", 2)[2])["mime"] == "image/png"


def test_damaged_or_missing_evidence_is_refused(db: Database, tmp_path: Path) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")
    with db.session() as session:
        capture_id = store_capture(session, blobs, sample_result())
        with pytest.raises(NotFound):
            export_wacz(session, blobs, [capture_id + 999], io.BytesIO())
        row = session.query(Evidence).filter_by(capture_id=capture_id, kind="warc").one()
        path = blobs.path_of(row.digest)
        data = bytearray(path.read_bytes())
        data[100] ^= 0x01
        path.write_bytes(bytes(data))
        with pytest.raises(BlobCorrupt):
            export_wacz(session, blobs, [capture_id], io.BytesIO())

"""The content-addressed blob store."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwang.errors import BlobCorrupt, InvalidInput, NotFound
from jingwang.store import FileBlobStore


@pytest.fixture
def store(tmp_path: Path) -> FileBlobStore:
    return FileBlobStore(tmp_path / "blobs")


def test_put_get_roundtrip_and_address(store: FileBlobStore) -> None:
    digest = store.put(b"<wml><card/></wml>")
    assert digest == hashlib.sha256(b"<wml><card/></wml>").hexdigest()
    assert store.get(digest) == b"<wml><card/></wml>"
    assert store.exists(digest)
    assert store.verify(digest)
    assert list(store.digests()) == [digest]


def test_put_is_idempotent(store: FileBlobStore) -> None:
    assert store.put(b"same") == store.put(b"same")
    assert len(list(store.digests())) == 1


def test_stream_put_matches_bytes_put(store: FileBlobStore) -> None:
    data = bytes(range(256)) * 10_000
    assert store.put_stream(io.BytesIO(data)) == hashlib.sha256(data).hexdigest()
    assert not any((store.root / "tmp").iterdir())  # no temporary file left behind


def test_tampered_blob_is_detected_on_read(store: FileBlobStore) -> None:
    digest = store.put(b"evidence")
    store.path_of(digest).write_bytes(b"evidencE")
    assert not store.verify(digest)
    with pytest.raises(BlobCorrupt, match="restore"):
        store.get(digest)


def test_missing_and_malformed_digests(store: FileBlobStore) -> None:
    with pytest.raises(NotFound):
        store.get("0" * 64)
    with pytest.raises(InvalidInput, match="64 lowercase hex"):
        store.get("../../etc/passwd")
    assert not store.verify("a" * 64)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=4096))
def test_any_bytes_roundtrip(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    store = FileBlobStore(tmp_path_factory.mktemp("b"))
    assert store.get(store.put(data)) == data

"""Content-addressed blob store: evidence is stored under its SHA-256 and never modified.

``put`` writes atomically (temporary file in the same folder, fsync, rename), so a crash leaves
either the whole blob or nothing. ``put_many`` does the same for a batch with one durability
step: every file is written first, then all are fsynced at once (in parallel threads: the
file system commits them together) and only then renamed into place; when it returns, every
blob of the batch is durable, so a row committed after it never points at a blob a crash could
lose. ``get`` re-hashes what it reads and raises
:class:`~jingwang.errors.BlobCorrupt` when the bytes no longer match their address.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, Protocol

from jingwang.errors import BlobCorrupt, InvalidInput, NotFound

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20
_SYNC_THREADS = 8  # fsyncs of one batch in flight at once
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
_TMP_NUMBERS = itertools.count()
_SYNC_POOLS: dict[int, ThreadPoolExecutor] = {}  # by process id: a forked child makes its own


def _sync_pool() -> ThreadPoolExecutor:
    """The threads that fsync a batch's files at once (kept: a batch is written every few ms)."""
    pid = os.getpid()
    pool = _SYNC_POOLS.get(pid)
    if pool is None:
        _SYNC_POOLS.clear()  # a parent's pool has no threads in a forked child
        pool = _SYNC_POOLS[pid] = ThreadPoolExecutor(_SYNC_THREADS, thread_name_prefix="fsync")
    return pool


class BlobStore(Protocol):
    """Where evidence bytes live. Implementations: files (default); S3 later."""

    name: str

    def put(self, data: bytes) -> str: ...
    def put_many(self, items: Sequence[bytes]) -> list[str]: ...
    def put_stream(self, stream: BinaryIO) -> str: ...
    def get(self, digest: str) -> bytes: ...
    def exists(self, digest: str) -> bool: ...
    def verify(self, digest: str) -> bool: ...
    def digests(self) -> Iterator[str]: ...


def check_digest(digest: str) -> str:
    if not _DIGEST.match(digest):
        raise InvalidInput(
            "a blob address is 64 lowercase hex characters (a SHA-256 digest)", digest=digest
        )
    return digest


class FileBlobStore:
    """Blobs as files under ``root/ab/cd/abcd…``; safe for many processes on one file system."""

    name = "file"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tmp = root / "tmp"
        self._folders: set[str] = set()  # folders known to exist (put_many makes each once)

    def path_of(self, digest: str) -> Path:
        check_digest(digest)
        return Path(self._folder_of(digest)) / digest

    def _folder_of(self, digest: str) -> str:
        """The folder of a blob: ``root/ab/cd`` for digest ``abcd…`` (a plain string: put_many
        builds thousands of these a second)."""
        return f"{os.fspath(self.root)}/{digest[:2]}/{digest[2:4]}"

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self.exists(digest):
            self._write(digest, iter((data,)))
        return digest

    def put_many(self, items: Sequence[bytes]) -> list[str]:
        """Store every item durably (see the module docstring); their digests, in order."""
        digests = [hashlib.sha256(data).hexdigest() for data in items]
        todo: dict[str, tuple[str, bytes]] = {}  # digest -> (its folder, its bytes)
        for digest, data in zip(digests, items, strict=True):
            folder = self._folder_of(digest)
            if digest not in todo and not os.path.isfile(f"{folder}/{digest}"):
                todo[digest] = (folder, data)
        written: list[tuple[int, str, str]] = []  # open descriptor, temporary name, target
        try:
            for digest, (folder, data) in todo.items():
                if folder not in self._folders:
                    os.makedirs(folder, exist_ok=True)
                    self._folders.add(folder)
                # a name of its own per process and blob: no two writers share a temporary file
                tmp_name = f"{folder}/.tmp-{digest[:16]}-{os.getpid()}-{next(_TMP_NUMBERS)}"
                fd = os.open(tmp_name, _NEW_FILE, 0o600)
                written.append((fd, tmp_name, f"{folder}/{digest}"))
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            if len(written) > 1:
                list(_sync_pool().map(os.fsync, [fd for fd, _, _ in written]))
            elif written:
                os.fsync(written[0][0])
            for _, tmp_name, target in written:
                os.replace(tmp_name, target)
        except BaseException:
            for _, tmp_name, _ in written:
                Path(tmp_name).unlink(missing_ok=True)
            raise
        finally:
            for fd, _, _ in written:
                os.close(fd)
        return digests

    def put_stream(self, stream: BinaryIO) -> str:
        """Store a stream of any size without holding it in memory."""
        self._tmp.mkdir(parents=True, exist_ok=True)
        hasher = hashlib.sha256()
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(_CHUNK):
                    hasher.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = hasher.hexdigest()
            target = self.path_of(digest)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
            return digest
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def get(self, digest: str) -> bytes:
        path = self.path_of(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFound("no blob with this digest", digest=digest) from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise BlobCorrupt(
                "blob bytes no longer match their SHA-256; restore the file from backup",
                digest=digest,
                path=str(path),
            )
        return data

    def exists(self, digest: str) -> bool:
        return self.path_of(digest).is_file()

    def verify(self, digest: str) -> bool:
        """True when the blob exists and its bytes hash to its address."""
        path = self.path_of(digest)
        if not path.is_file():
            return False
        hasher = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                hasher.update(chunk)
        return hasher.hexdigest() == digest

    def digests(self) -> Iterator[str]:
        for path in sorted(self.root.glob("??/??/*")):
            if _DIGEST.match(path.name):
                yield path.name

    def _write(self, digest: str, chunks: Iterator[bytes]) -> None:
        target = self.path_of(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise


__all__ = ["BlobStore", "FileBlobStore", "check_digest"]

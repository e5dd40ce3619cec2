"""Streaming Content-Encoding decoding under a size cap (gzip, deflate and brotli bombs).

The fetcher turns off aiohttp's own decompression and feeds each chunk from the wire to a
:class:`BodyDecoder`. Every step asks the decompressor for at most the bytes still allowed
(``zlib``'s ``max_length``, brotli's ``output_buffer_limit``), so a 10 MB response that inflates
to 10 GB costs the cap, never the 10 GB. Past the cap the decoder keeps what it decoded and says
so (:attr:`BodyDecoder.capped`).
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli


class _Stage(Protocol):
    def feed(self, data: bytes, limit: int) -> bytes: ...
    def pending(self, limit: int) -> bytes: ...


class _Zlib:
    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        if not self._started and self.encoding == "deflate" and data:
            self._started = True
            if data[0] & 0x0F != 8:  # no zlib header: raw deflate, as some old servers send
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._obj.decompress(self._obj.unconsumed_tail + data, max(limit, 1))

    def pending(self, limit: int) -> bytes:
        tail = self._obj.unconsumed_tail
        return self._obj.decompress(tail, max(limit, 1)) if tail else b""


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()
        self._queued = b""

    def feed(self, data: bytes, limit: int) -> bytes:
        self._queued += data
        return self.pending(limit)

    def pending(self, limit: int) -> bytes:
        limit = max(limit, 1)
        if not self._obj.can_accept_more_data():
            return bytes(self._obj.process(b"", output_buffer_limit=limit))
        data, self._queued = self._queued, b""
        if not data:
            return b""
        return bytes(self._obj.process(data, output_buffer_limit=limit))


def _stage(encoding: str) -> _Stage:
    if encoding in ("gzip", "x-gzip"):
        return _Zlib("gzip")
    if encoding == "deflate":
        return _Zlib("deflate")
    if encoding == "br":
        return _Brotli()
    raise ValueError(encoding)


class UnsupportedEncoding(ValueError):
    """A Content-Encoding the prober does not decode (the body is kept as it came)."""


class BodyDecoder:
    """Undo ``Content-Encoding`` (a list, last first) chunk by chunk, up to ``cap`` bytes."""

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        names = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
        names = [name for name in names if name != "identity"]
        unknown = [n for n in names if n not in ("gzip", "x-gzip", "deflate", "br")]
        if unknown:
            raise UnsupportedEncoding(f"Content-Encoding {', '.join(unknown)} is not decoded")
        self._stages = [_stage(name) for name in reversed(names)]
        self.cap = cap
        self.out = bytearray()
        self.capped = False

    @property
    def room(self) -> int:
        return self.cap - len(self.out)

    def feed(self, data: bytes) -> None:
        """Decode one chunk from the wire; sets :attr:`capped` once the cap is passed."""
        if self.capped:
            return
        for stage in self._stages:
            data = stage.feed(data, self.room + 1)
        self._take(data)
        self._drain()

    def _drain(self) -> None:
        """Pull out what decompressors still hold (they stop at each step's limit)."""
        while not self.capped and self._stages:
            produced = b""
            for index, stage in enumerate(self._stages):
                chunk = stage.pending(self.room + 1)
                for later in self._stages[index + 1 :]:
                    chunk = later.feed(chunk, self.room + 1)
                produced += chunk
            if not produced:
                return
            self._take(produced)

    def _take(self, data: bytes) -> None:
        if len(data) > self.room:
            self.out += data[: self.room]
            self.capped = True
        else:
            self.out += data


__all__ = ["BodyDecoder", "UnsupportedEncoding"]

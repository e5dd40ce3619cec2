"""Serve a :class:`~.model.SampleWeb` on loopback: virtual hosts by the Host header.

:func:`serve` runs an aiohttp low-level server in a background thread with its own event
loop (HTTP, and HTTPS when the caller hands over an ``ssl.SSLContext``); the returned
:class:`RunningWeb` counts requests per (host, path) in ``hits``, so tests can prove that a
refused URL was never fetched. :func:`serve_process` runs the same server in a separate
process (spawned) for benchmarks, so the server does not share the prober's GIL.

Answers are looked up, never computed per request (bodies are pre-rendered or cached), so
the server keeps up with a 10,000-page benchmark; ``latency_ms`` adds a fixed delay to every
answer for the politeness benchmark.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import struct
import threading
from collections import Counter
from collections.abc import Collection
from types import TracebackType

from aiohttp import web
from aiohttp.client_exceptions import ClientConnectionResetError

from jingwang.demo.sampleweb.model import (
    Behaviour,
    Resource,
    SampleWeb,
    SiteKind,
    client_class,
    page_url,
)

SHUTDOWN_TIMEOUT_S = 0.5  # slow and dripping handlers are cut off at stop()


def request_host(raw: str | None) -> str:
    """The Host header's name: lower-case, port and trailing dot removed."""
    host = (raw or "").strip().lower()
    if host.startswith("["):  # an IPv6 literal, maybe with a port
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0].rstrip(".")


# An absolute link to a sample site, without a port: the generator writes URLs as they would
# be on port 80 and 443.
_ABSOLUTE = re.compile(rb"(https?)://([a-z0-9.-]+\.test)(?=[/\"'?#<>\s;]|$)")
_TEXTUAL = ("text/", "application/vnd.wap.xhtml+xml", "application/xhtml+xml")


class _Handler:
    def __init__(self, sample: SampleWeb, latency_s: float, hits: Counter[tuple[str, str]]):
        self.sample = sample
        self.latency_s = latency_s
        self.hits = hits
        # Ports this server listens on; links between sample sites are given them, so a
        # cross-host redirect or link reaches this server when it does not run on 80/443.
        self.ports: dict[bytes, int] = {}

    @property
    def needs_ports(self) -> bool:
        """Whether links need this server's ports: not when it listens on 80 and 443."""
        return any(
            port != (443 if scheme == b"https" else 80) for scheme, port in self.ports.items()
        )

    def localise(self, data: bytes) -> bytes:
        """``data`` with every port-less absolute sample-web URL given this server's port."""
        if not self.needs_ports or b".test" not in data:
            return data
        return _ABSOLUTE.sub(self._with_port, data)

    def _with_port(self, match: re.Match[bytes]) -> bytes:
        scheme, host = match.group(1), match.group(2)
        port = self.ports.get(scheme)
        default = 443 if scheme == b"https" else 80
        if port is None or port == default:
            return match.group(0)
        return b"%s://%s:%d" % (scheme, host, port)

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        host, path = request_host(request.host), request.path
        self.hits[(host, path)] += 1
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        site = self.sample.get(host)
        resource = site.resources.get(path) if site else None
        if resource is None:
            what = f"no page {path!r} on {host!r}" if site else f"no sample site named {host!r}"
            return web.Response(status=404, text=what + "\n")
        client = client_class(
            request.headers.get("User-Agent", ""), request.headers.get("Accept", "")
        )
        return await _deliver(request, resource.pick(client), self)


def _headers(resource: Resource, handler: _Handler | None = None) -> dict[str, str]:
    headers = dict(resource.headers)
    if resource.content_type:
        headers["Content-Type"] = resource.content_type
    if handler is not None and "Location" in headers:
        headers["Location"] = handler.localise(headers["Location"].encode("latin-1")).decode(
            "latin-1"
        )
    return headers


def _body(resource: Resource, handler: _Handler) -> bytes:
    data = resource.data()
    textual = (resource.content_type or "").startswith(_TEXTUAL)
    if textual and all(name.lower() != "content-encoding" for name, _ in resource.headers):
        return handler.localise(data)
    return data


def _reset(request: web.BaseRequest, *, rst: bool = True) -> None:
    """Drop the connection: an RST (``rst``) or a plain close after what was written."""
    transport = request.transport
    if transport is None:
        return
    if not rst:
        transport.close()
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:  # SO_LINGER 0: close() sends an RST, not a FIN
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def _deliver(
    request: web.BaseRequest, resource: Resource, handler: _Handler
) -> web.StreamResponse:
    behaviour = resource.behaviour
    if behaviour is Behaviour.SLOW_FIRST_BYTE:
        await asyncio.sleep(resource.delay_s)
    elif behaviour is Behaviour.RESET:
        _reset(request)
        raise asyncio.CancelledError  # nothing more to say on a dead connection
    elif behaviour in (Behaviour.DRIP, Behaviour.TRUNCATE):
        return await _stream(request, resource)
    return web.Response(
        status=resource.status, body=_body(resource, handler), headers=_headers(resource, handler)
    )


async def _stream(request: web.BaseRequest, resource: Resource) -> web.StreamResponse:
    """Headers at once; then the body a byte at a time (drip) or a third of it (truncate)."""
    data = resource.data()
    headers = _headers(resource)
    headers["Content-Length"] = str(len(data))
    response = web.StreamResponse(status=resource.status, headers=headers)
    await response.prepare(request)
    try:
        if resource.behaviour is Behaviour.TRUNCATE:
            await response.write(data[: len(data) // 3])
            _reset(request, rst=False)
            raise asyncio.CancelledError
        loop = asyncio.get_running_loop()
        deadline = loop.time() + resource.duration_s
        for index in range(len(data)):
            await response.write(data[index : index + 1])
            if loop.time() >= deadline:
                break
            await asyncio.sleep(resource.delay_s)
        _reset(request, rst=False)  # the drip never completes its announced length
        raise asyncio.CancelledError
    except (ConnectionResetError, ClientConnectionResetError):
        raise asyncio.CancelledError from None


class RunningWeb:
    """A sample web being served; a context manager. ``stop()`` shuts it down."""

    def __init__(
        self,
        sample: SampleWeb,
        *,
        host: str = "127.0.0.1",
        http_port: int = 0,
        https_port: int = 0,
        tls: ssl.SSLContext | None = None,
        latency_ms: float = 0.0,
    ) -> None:
        self.web = sample
        self.host = host
        self.hits: Counter[tuple[str, str]] = Counter()
        self.http_port = 0
        self.https_port: int | None = None
        self._wanted = (http_port, https_port, tls)
        self._handler = _Handler(sample, latency_ms / 1000.0, self.hits)
        self._loop = asyncio.new_event_loop()
        self._runner: web.ServerRunner | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sampleweb", daemon=True)

    def start(self) -> RunningWeb:
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._thread.join()
            self._loop.close()
            raise RuntimeError(f"the sample web could not start: {self._error}") from self._error
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._start())
        except OSError as error:
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        http_port, https_port, tls = self._wanted
        server = web.Server(self._handler, handler_cancellation=True, access_log=None)
        self._runner = web.ServerRunner(server, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
        await self._runner.setup()
        self.http_port = await self._listen(http_port, None)
        self._handler.ports[b"http"] = self.http_port
        if tls is not None:
            self.https_port = await self._listen(https_port, tls)
            self._handler.ports[b"https"] = self.https_port

    async def _listen(self, port: int, tls: ssl.SSLContext | None) -> int:
        assert self._runner is not None
        site = web.TCPSite(self._runner, self.host, port, ssl_context=tls)
        await site.start()
        server = site._server  # the bound socket tells the port chosen for port 0
        assert isinstance(server, asyncio.base_events.Server)
        return int(server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        """Stop serving and wait for the thread; safe to call twice."""
        if not self._thread.is_alive():
            return
        if self._runner is not None:
            future = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
            future.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def url(self, host: str, path: str = "/", *, https: bool = False) -> str:
        """The URL of ``path`` on the virtual host ``host``, with this server's port."""
        if https and self.https_port is None:
            raise ValueError("this sample web was started without TLS: pass tls= to serve()")
        port = self.https_port if https else self.http_port
        return page_url(host, path, scheme="https" if https else "http", port=port)

    def urls(self, scheme: str = "http", *, kinds: Collection[SiteKind] | None = None) -> list[str]:
        """Every page URL (of ``kinds``), with this server's port."""
        port = self.https_port if scheme == "https" else self.http_port
        return self.web.urls(scheme, port=port, kinds=kinds)

    def __enter__(self) -> RunningWeb:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(
    sample: SampleWeb,
    *,
    host: str = "127.0.0.1",
    http_port: int = 0,
    https_port: int = 0,
    tls: ssl.SSLContext | None = None,
    latency_ms: float = 0.0,
) -> RunningWeb:
    """Start serving ``sample`` in a background thread (HTTPS too when ``tls`` is given)."""
    running = RunningWeb(
        sample,
        host=host,
        http_port=http_port,
        https_port=https_port,
        tls=tls,
        latency_ms=latency_ms,
    )
    return running.start()


__all__ = ["RunningWeb", "request_host", "serve"]

"""Shared test kit for the prober: loopback DNS, the test CA, probe settings, threaded servers.

Fixtures (made available to every test under ``tests/probe`` by ``tests/probe/conftest.py``):

* ``test_ca``: a :class:`~jingwang.demo.testca.TestCA` for the whole session.
* ``loopback_dns``: a running :class:`~jingwang.demo.dns.LoopbackDNS`; every ``*.test`` name
  answers 127.0.0.1 unless a test sets it otherwise (``loopback_dns.set(...)``).
* ``probe_settings``: the ``settings`` fixture with ``probe_resolver`` pointed at that server,
  ``probe_allow_loopback`` and ``probe_allow_any_port`` on, ``probe_ca_file`` = the test CA,
  and short timeouts (2 s first byte, 4 s total).

Helpers: :func:`serve_app` runs an ``aiohttp.web.Application`` in a background thread (HTTP, or
HTTPS with ``ssl=``) and counts hits per (Host, path); :func:`serve_raw` runs a bare asyncio
TCP handler (slow drips, resets, hand-written responses); :func:`tls_for` issues a leaf and
returns its server ``SSLContext``.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from jingwang.demo.dns import LoopbackDNS
from jingwang.demo.testca import ServerTLS, TestCA
from jingwang.settings import Settings

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class RunningServer:
    """A server in a background thread: its port and a hit counter per (host, path)."""

    port: int = 0
    hits: Counter[tuple[str, str]] = field(default_factory=Counter)
    connections: int = 0

    def url(self, host: str = "127.0.0.1", path: str = "/", *, https: bool = False) -> str:
        return f"{'https' if https else 'http'}://{host}:{self.port}{path}"

    @property
    def total_hits(self) -> int:
        return sum(self.hits.values())


@contextmanager
def _loop_thread(
    start: Callable[[asyncio.AbstractEventLoop], Awaitable[Callable[[], Awaitable[None]]]],
) -> Iterator[None]:
    """Run ``start`` in a fresh loop in a thread; its returned coroutine function stops it."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failure: list[BaseException] = []
    stopper: list[Callable[[], Awaitable[None]]] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            stopper.append(loop.run_until_complete(start(loop)))
        except BaseException as exc:  # reported to the test thread below
            failure.append(exc)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.run_until_complete(stopper[0]())
        loop.run_until_complete(loop.shutdown_asyncgens())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    if failure:
        thread.join(5)
        loop.close()
        raise failure[0]
    try:
        yield
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@contextmanager
def serve_app(
    app: web.Application, *, ssl: ssl.SSLContext | None = None
) -> Iterator[RunningServer]:
    """Serve ``app`` on 127.0.0.1 (a free port) in a background thread."""
    server = RunningServer()

    @web.middleware
    async def count(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        host = (request.headers.get("Host") or "").rsplit(":", 1)[0]
        server.hits[(host, request.path)] += 1
        return await handler(request)

    app.middlewares.append(count)

    async def start(_: asyncio.AbstractEventLoop) -> Callable[[], Awaitable[None]]:
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl)
        await site.start()
        server.port = runner.addresses[0][1]
        return runner.cleanup

    with _loop_thread(start):
        yield server


@contextmanager
def serve_raw(handler: RawHandler, *, ssl: ssl.SSLContext | None = None) -> Iterator[RunningServer]:
    """Serve a bare TCP ``handler(reader, writer)`` on 127.0.0.1; counts connections."""
    server = RunningServer()
    tasks: set[asyncio.Task[None]] = set()

    async def wrapped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server.connections += 1
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
            tasks.discard(task)

    async def start(_: asyncio.AbstractEventLoop) -> Callable[[], Awaitable[None]]:
        listener = await asyncio.start_server(wrapped, "127.0.0.1", 0, ssl=ssl)
        server.port = listener.sockets[0].getsockname()[1]

        async def stop() -> None:
            listener.close()
            for task in list(tasks):
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await listener.wait_closed()

        return stop

    with _loop_thread(start):
        yield server


def tls_for(
    ca: TestCA,
    names: list[str],
    directory: Path,
    *,
    expired: bool = False,
    self_signed: bool = False,
) -> ssl.SSLContext:
    """A server ``SSLContext`` with a leaf for ``names`` from ``ca`` (or a broken variant)."""
    cert, key = ca.issue(names, directory, expired=expired, self_signed=self_signed)
    return ServerTLS(cert, key).context()


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return TestCA.create(tmp_path_factory.mktemp("testca"))


@pytest.fixture
def loopback_dns() -> Iterator[LoopbackDNS]:
    with LoopbackDNS() as server:
        yield server


@pytest.fixture
def probe_settings(settings: Settings, loopback_dns: LoopbackDNS, test_ca: TestCA) -> Settings:
    return settings.model_copy(
        update={
            "probe_resolver": loopback_dns.address,
            "probe_allow_loopback": True,
            "probe_allow_any_port": True,
            "probe_ca_file": test_ca.cert_path,
            "probe_first_byte_timeout_seconds": 2.0,
            "probe_total_timeout_seconds": 4.0,
            "probe_connect_timeout_seconds": 2.0,
        }
    )


# Processes, read from /proc (fetch workers are children of the runner that started them) ------


FETCH_WORKER = b"jingwang.probe.workers"  # in a fetch worker's command line


def children_of(parents: set[int], command: bytes = FETCH_WORKER) -> set[int]:
    """The running (not zombie) processes whose parent is one of ``parents`` and whose command
    line holds ``command``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        pid = int(stat.parent.name)
        fields = _stat_fields(pid)
        if fields is None or fields[0] == "Z" or int(fields[1]) not in parents:
            continue
        try:
            if command in (stat.parent / "cmdline").read_bytes():
                found.add(pid)
        except OSError:
            continue
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` exists and has not exited (a zombie has)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def _stat_fields(pid: int) -> list[str] | None:
    """``/proc/PID/stat`` after the command name: state, parent pid, …; None when gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


__all__ = [
    "RunningServer",
    "children_of",
    "loopback_dns",
    "probe_settings",
    "running",
    "serve_app",
    "serve_raw",
    "test_ca",
    "tls_for",
]

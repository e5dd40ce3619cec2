"""Fetch workers: processes that probe, write the evidence and store it, for one campaign runner.

A campaign runner on its own does everything in one process, so it can use one core: the
fetching, parsing and WARC writing, which need no database, compete for one GIL with the
claims and inserts, which do. With ``probe_fetch_workers`` set to N, the runner starts N
worker processes (``python -m jingwang.probe.workers``) and keeps only the database work:

* the runner claims targets and hands each to the worker with the fewest probes in flight;
* the worker probes it (:func:`~jingwang.probe.probe.probe_url`, a screenshot when enabled),
  says so (:data:`NETWORK_DONE`: the runner's slot for a fetch is free again), writes its
  WARC and stores every artefact in the blob store durably
  (:func:`~jingwang.probe.prepare.prepare`, :func:`~jingwang.probe.prepare.store`,
  batched like the runner's writes), then sends back the row columns, the artefacts' digests
  and sizes, and the few facts recording needs (:class:`~jingwang.probe.prepare.ProbeFacts`),
  never the page bytes;
* the runner records the capture, evidence rows and events in its usual batched transaction.

So the evidence is the same whichever process made it, and so is crash safety: a row is
committed only after its blobs are on disk, and a runner killed at any point leaves leases
that expire (a probe in flight may be repeated, never recorded twice). A worker that dies
loses the probes it had in flight: the runner puts each back in the queue
(:func:`~jingwang.probe.frontier.requeue`; after ``probe_max_attempts`` tries it is marked
failed, so a page that kills its worker every time ends as a failure, not a loop), and the next
probe starts a new worker. Workers that keep dying before they answer anything (a broken
install) stop the run with :class:`FetchPoolBroken` instead of failing every target. When the
runner's pipe closes (the runner ended, or was killed) a worker exits.

The pipe carries length-prefixed pickles (``>I`` length, then the pickle) between the runner
and the worker it started: the two trust each other as one program does. A probe that would be
retried (429 or 503 while attempts are left: ``may_retry``) is not written; the runner puts it
back in the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import pickle
import struct
import sys
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from jingwang.errors import NotConfigured
from jingwang.probe.prepare import Prepared, ProbeFacts, prepare, store
from jingwang.probe.types import BACKOFF_STATUSES
from jingwang.settings import Settings

if TYPE_CHECKING:
    from jingwang.probe.fetch import Fetcher
    from jingwang.probe.resolver import Resolver
    from jingwang.probe.screenshot import SharedBrowser
    from jingwang.store import BlobStore

log = logging.getLogger(__name__)

_HEADER: Final = struct.Struct(">I")
_READ_SIZE: Final = 2**16  # bytes a pipe read asks for
_HIGH_WATER: Final = 2**20  # bytes waiting in a pipe's buffer before a sender waits
STORE_BATCH: Final = 32  # finished probes whose blobs a worker stores with one durability step
AFFINITY_SLACK: Final = 4  # a host's own worker may have this many more probes in flight
PYTHON = sys.executable  # the interpreter a worker runs in: this one
MAX_BARREN: Final = 3  # workers in a row that may die before answering before the run stops
NETWORK_DONE: Final = None  # a worker's first word on a probe: fetched, now being written
READY: Final = 0  # the probe number of a worker's first message: started, ready to probe
READY_TIMEOUT_S: Final = 60.0  # a pool waits this long for its workers to say they are ready
STOP_TIMEOUT_S: Final = 10.0  # a worker given EOF that has not exited by then is killed


class FetchWorkerError(RuntimeError):
    """A fetch worker failed a probe (the probe raised there)."""


class FetchWorkerLost(FetchWorkerError):
    """The fetch worker exited while the probe was in flight: it was never answered."""


class FetchPoolBroken(NotConfigured):
    """Fetch workers keep exiting before they answer anything (a broken install or setting):
    the run stops rather than fail every target."""

    code = "probe.fetch_workers_broken"


@dataclass(frozen=True)
class Fetched:
    """A probe done by a worker: its facts, and its evidence (stored; None: not written, as a
    probe the runner will retry)."""

    facts: ProbeFacts
    prepared: Prepared | None


# the pipe ---------------------------------------------------------------------------------------


def _frame(message: Any) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(body)) + body


async def _messages(reader: asyncio.StreamReader) -> AsyncIterator[Any]:
    """Every message on the pipe, in order, until it ends (a message cut short by the other
    side's death is dropped). It reads whatever has arrived, not one message at a time: a
    worker answers many probes at once."""
    buffer = bytearray()
    while chunk := await reader.read(_READ_SIZE):
        buffer += chunk
        start = 0
        while len(buffer) - start >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer, start)
            end = start + _HEADER.size + size
            if end > len(buffer):
                break
            yield pickle.loads(buffer[start + _HEADER.size : end])  # noqa: S301 (our own child)
            start = end
        del buffer[:start]


class _Outbox:
    """Messages to the other side of a pipe, sent together: every message of one turn of the
    event loop goes in one write (one system call, one wake-up of the reader)."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self._frames: list[bytes] = []

    def send(self, message: Any) -> None:
        if not self._frames:
            asyncio.get_running_loop().call_soon(self.flush)
        self._frames.append(_frame(message))

    def flush(self) -> None:
        """Write what was sent so far (the other side may be gone: then it is dropped)."""
        if not self._frames:
            return
        data = b"".join(self._frames)
        self._frames.clear()
        if not self.writer.is_closing():
            self.writer.write(data)

    async def drain(self) -> None:
        """Wait while the pipe is full (the other side reads slower than this one sends)."""
        if self.writer.transport.get_write_buffer_size() > _HIGH_WATER:
            with contextlib.suppress(ConnectionError):  # gone: its reader sees the pipe end
                await self.writer.drain()


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# the runner's side ------------------------------------------------------------------------------


class _Worker:
    """One worker process and the probes it has in flight."""

    def __init__(self, process: asyncio.subprocess.Process, number: int) -> None:
        self.process = process
        assert process.stdin is not None
        self.outbox = _Outbox(process.stdin)
        self.number = number
        self.waiting: dict[int, asyncio.Future[Fetched]] = {}
        self.on_fetched: dict[int, Callable[[], None]] = {}  # told when the network part ends
        self.alive = True
        self.ready = asyncio.Event()  # set when it says so, or when it is gone
        self.answered = 0  # answers received: a worker that dies at 0 never worked
        self.reader: asyncio.Task[None] | None = None

    async def listen(self) -> None:
        """Resolve each answer's future; when the pipe ends, fail whatever is still waiting."""
        assert self.process.stdout is not None
        try:
            async for number, outcome in _messages(self.process.stdout):
                if number == READY:
                    self.ready.set()
                    continue
                self.answered += 1
                if outcome is NETWORK_DONE:
                    told = self.on_fetched.pop(number, None)
                    if told is not None:
                        told()
                    continue
                self.on_fetched.pop(number, None)
                future = self.waiting.pop(number, None)
                if future is None or future.done():
                    continue
                if isinstance(outcome, Fetched):
                    future.set_result(outcome)
                else:
                    future.set_exception(FetchWorkerError(str(outcome)))
        except ConnectionError:
            pass  # the worker exited
        except Exception:
            log.exception("fetch worker %d sent what cannot be read; stopping it", self.number)
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        finally:
            self.alive = False
            self.ready.set()  # nothing more to wait for
            code = await self.process.wait()
            if self.waiting:
                log.error("fetch worker %d exited (status %s) mid-probe", self.number, code)
            for future in self.waiting.values():
                if not future.done():
                    gone = f"the fetch worker exited (status {code}) during the probe"
                    future.set_exception(FetchWorkerLost(gone))
            self.waiting.clear()
            self.on_fetched.clear()


class FetchPool:
    """``workers`` fetch worker processes for one runner; ``async with FetchPool(...) as pool``.

    ``blob_root`` is the file blob store's folder the workers store into (the runner's own).
    """

    def __init__(self, settings: Settings, blob_root: Path, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"a fetch pool needs at least one worker, not {workers}")
        self.settings = settings
        self.blob_root = blob_root
        self.size = workers
        self._workers: list[_Worker] = []
        self._started = 0
        self._barren = 0  # workers in a row that exited without answering anything
        self._replacing = asyncio.Lock()
        self._next_id = 0

    async def __aenter__(self) -> FetchPool:
        """Start the workers and wait (up to :data:`READY_TIMEOUT_S`) until each has loaded
        its code and says it is ready, or is gone: the first probes do not wait behind their
        start-up. A worker that died meanwhile is replaced at the first probe, as always."""
        for _ in range(self.size):
            self._workers.append(await self._start())
        waits = [worker.ready.wait() for worker in self._workers]
        try:
            await asyncio.wait_for(asyncio.gather(*waits), READY_TIMEOUT_S)
        except TimeoutError:
            log.warning("fetch workers not ready after %.0f s; probing anyway", READY_TIMEOUT_S)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(self._stop(worker) for worker in self._workers))
        self._workers.clear()

    @property
    def started(self) -> int:
        """Worker processes started so far (more than ``size`` when some died)."""
        return self._started

    async def probe(
        self,
        url: str,
        profile: str,
        *,
        may_retry: bool,
        host: str | None = None,
        on_fetched: Callable[[], None] | None = None,
    ) -> Fetched:
        """Probe ``url`` in a worker; raises :class:`FetchWorkerError` when the probe raised
        there or the worker died meanwhile.

        ``on_fetched`` is called when the worker says the probe's network part is over (the
        page and its screenshot fetched), before its evidence is written and stored.

        Probes of one host go to the same worker while it is not much busier than the least
        busy one: its resolver cache and kept-alive connections serve them all.
        """
        worker = await self._pick(host if host is not None else _host_of(url))
        self._next_id += 1
        number = self._next_id
        future: asyncio.Future[Fetched] = asyncio.get_running_loop().create_future()
        worker.waiting[number] = future
        if on_fetched is not None:
            worker.on_fetched[number] = on_fetched
        if not worker.alive:  # it died since it was picked, after failing what it held
            future.set_exception(FetchWorkerLost("the fetch worker exited before the probe"))
        worker.outbox.send((number, url, profile, may_retry))  # a dead worker: listen() fails it
        await worker.outbox.drain()
        return await future

    async def _pick(self, host: str) -> _Worker:
        if not all(worker.alive for worker in self._workers):
            async with self._replacing:  # one replacement per dead worker, not one per caller
                await self._replace_dead()
        home = self._workers[zlib.crc32(host.encode("utf-8", "replace")) % len(self._workers)]
        least = min(self._workers, key=lambda worker: len(worker.waiting))
        slack = max(AFFINITY_SLACK, self.settings.probe_concurrency // (4 * len(self._workers)))
        return home if len(home.waiting) - len(least.waiting) <= slack else least

    async def _replace_dead(self) -> None:
        for index, worker in enumerate(self._workers):
            if not worker.alive:
                self._barren = self._barren + 1 if worker.answered == 0 else 0
                if self._barren > MAX_BARREN:
                    raise FetchPoolBroken(
                        f"{self._barren} fetch workers in a row exited before answering; "
                        "their errors are in the log above; fix that, or set "
                        "probe_fetch_workers = 0 to fetch in the runner's own process"
                    )
                log.warning("fetch worker %d is gone; starting another", worker.number)
                await self._stop(worker)
                self._workers[index] = await self._start()

    async def _start(self) -> _Worker:
        self._started += 1
        process = await asyncio.create_subprocess_exec(
            PYTHON,
            "-m",
            "jingwang.probe.workers",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        worker = _Worker(process, self._started)
        worker.outbox.send((self.settings, str(self.blob_root)))
        worker.reader = asyncio.create_task(worker.listen())
        return worker

    async def _stop(self, worker: _Worker) -> None:
        worker.outbox.flush()
        stdin = worker.process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()
            with contextlib.suppress(ConnectionError):
                await stdin.wait_closed()
        try:
            await asyncio.wait_for(worker.process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("fetch worker %d did not stop; killing it", worker.number)
            worker.process.kill()
            await worker.process.wait()
        if worker.reader is not None:
            await worker.reader


# the worker's side ------------------------------------------------------------------------------


class _Serving:
    """A worker's state: probes in flight, and the finished ones waiting to be stored."""

    def __init__(
        self,
        settings: Settings,
        blobs: BlobStore,
        resolver: Resolver,
        fetcher: Fetcher,
        browser: SharedBrowser | None,
        out: _Outbox,
    ) -> None:
        self.settings, self.blobs = settings, blobs
        self.resolver, self.fetcher, self.browser = resolver, fetcher, browser
        self.out = out
        self.finished: list[tuple[int, Prepared]] = []
        self.wake = asyncio.Event()
        self.closing = False  # set when no probe is left: store what is finished, then return

    async def probe(self, number: int, url: str, profile: str, may_retry: bool) -> None:
        from jingwang.probe.probe import probe_url

        try:
            result = await probe_url(
                url,
                settings=self.settings,
                profile=profile,
                resolver=self.resolver,
                fetcher=self.fetcher,
            )
            facts = ProbeFacts.of(result)
            if may_retry and facts.status in BACKOFF_STATUSES:
                self._send(number, Fetched(facts, None))
                return
            shot = await self._screenshot(result) if self.browser is not None else None
            self._send(number, NETWORK_DONE)
            self.finished.append((number, prepare(result, screenshot=shot, settings=self.settings)))
            self.wake.set()
        except Exception as exc:  # the runner marks the target failed with this
            log.exception("probe of %s failed in a fetch worker", url)
            self._send(number, f"{type(exc).__name__}: {exc}")

    async def _screenshot(self, result: Any) -> bytes | None:
        """The page's screenshot in this worker's Chromium (None for a page that has none)."""
        from jingwang.probe.guard import AddressPolicy
        from jingwang.probe.screenshot import take_screenshot

        return await take_screenshot(
            result,
            settings=self.settings,
            policy=AddressPolicy.from_settings(self.settings),
            resolver=self.resolver,
            browser=self.browser,
        )

    async def store_finished(self) -> None:
        """Store finished probes' blobs in batches (in a thread: fsync waits on the disk), then
        answer each with its evidence, stored."""
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.finished:
                batch = self.finished[:STORE_BATCH]
                del self.finished[:STORE_BATCH]
                prepared = [item for _, item in batch]
                try:
                    await asyncio.to_thread(store, self.blobs, prepared)
                except Exception as exc:
                    log.exception("storing %d probes' evidence failed", len(batch))
                    for number, _ in batch:
                        self._send(number, f"storing the evidence failed: {exc}")
                    continue
                for number, item in batch:
                    self._send(number, Fetched(item.facts, item.stored()))
            if self.closing:
                return

    def _send(self, number: int, outcome: Fetched | str | None) -> None:
        self.out.send((number, outcome))


@contextlib.asynccontextmanager
async def _pipes(read_fd: int, write_fd: int) -> AsyncIterator[tuple[Any, Any]]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    read_pipe = os.fdopen(read_fd, "rb", buffering=0)
    write_pipe = os.fdopen(write_fd, "wb", buffering=0)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), read_pipe)
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, write_pipe
    )
    writer = asyncio.StreamWriter(transport, protocol, reader, loop)
    try:
        yield reader, writer
    finally:
        writer.close()


async def _serve(read_fd: int, write_fd: int) -> None:
    from jingwang.probe.fetch import Fetcher
    from jingwang.probe.resolver import Resolver
    from jingwang.store.blobs import FileBlobStore

    async with _pipes(read_fd, write_fd) as (reader, writer):
        messages = _messages(reader)
        try:
            settings, blob_root = await anext(messages)
        except StopAsyncIteration:
            return
        if not isinstance(settings, Settings):
            raise TypeError("a fetch worker's first message is its settings")
        resolver = Resolver.from_settings(settings)
        async with AsyncExitStack() as stack:
            fetcher = await stack.enter_async_context(Fetcher(settings))
            browser = None
            if settings.probe_screenshots:
                from jingwang.probe.screenshot import SharedBrowser

                browser = await stack.enter_async_context(SharedBrowser(settings))
            out = _Outbox(writer)
            serving = _Serving(
                settings, FileBlobStore(Path(blob_root)), resolver, fetcher, browser, out
            )
            # Everything made so far (modules, settings, the session) lives as long as the
            # worker: out of the collector's sight, it is not scanned again at every collection.
            gc.freeze()
            out.send((READY, None))
            storing = asyncio.create_task(serving.store_finished())
            probes: set[asyncio.Task[None]] = set()
            try:
                # until the runner closes the pipe (done, or gone)
                async for number, url, profile, may_retry in messages:
                    task = asyncio.create_task(serving.probe(number, url, profile, may_retry))
                    probes.add(task)
                    task.add_done_callback(probes.discard)
                    await out.drain()
                if probes:
                    await asyncio.gather(*probes)
                serving.closing = True
                serving.wake.set()
                await storing
                out.flush()
                await writer.drain()
            finally:
                storing.cancel()
                await asyncio.gather(storing, return_exceptions=True)


def main() -> int:
    """The worker process: the protocol runs over this process's stdin and the stdout it was
    started with; anything else written to stdout goes to stderr instead."""
    protocol_out = os.dup(1)
    os.dup2(2, 1)
    logging.basicConfig(level=logging.WARNING, format="fetch worker: %(levelname)s %(message)s")
    try:
        asyncio.run(_serve(0, protocol_out))
    except (BrokenPipeError, ConnectionError):
        return 0  # the runner is gone: nobody is left to answer
    return 0


if __name__ == "__main__":
    # Run as the module itself, not as __main__, so what it pickles names jingwang.probe.workers.
    from jingwang.probe.workers import main as worker_main

    sys.exit(worker_main())


__all__ = ["FetchPool", "FetchPoolBroken", "FetchWorkerError", "FetchWorkerLost", "Fetched"]

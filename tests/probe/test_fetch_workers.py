"""Fetch workers (:mod:`jingwang.probe.workers`): real worker processes against a loopback site.

What a worker sends back must be what the runner would have recorded itself: the WARC stored
under its digest with its size, the settings in its warcinfo, the row columns; a probe that
will be retried is not written; a worker that dies fails only the probes it had in flight, and
the next probe gets a new worker.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from campaignkit import list_campaign
from probekit import RunningServer, children_of, running, serve_app
from sqlalchemy import select

from jingwang.probe import workers
from jingwang.probe.models import Target
from jingwang.probe.runner import run_campaign
from jingwang.probe.workers import Fetched, FetchPool, FetchPoolBroken, FetchWorkerError
from jingwang.settings import Settings
from jingwang.store import Database, FileBlobStore

pytestmark = [pytest.mark.slow]

PAGE = "<html><head><title>t</title></head><body><p>粤ICP备09012345号 {path}</p></body></html>"


async def page(request: web.Request) -> web.Response:
    return web.Response(text=PAGE.format(path=request.path), content_type="text/html")


async def busy(request: web.Request) -> web.Response:
    return web.Response(status=429, headers={"Retry-After": "7"}, text="slow down")


async def stall(request: web.Request) -> web.Response:
    await asyncio.sleep(30)
    return web.Response(text="late")


@pytest.fixture
def server() -> Iterator[RunningServer]:
    app = web.Application()
    app.router.add_get("/busy", busy)
    app.router.add_get("/stall", stall)
    app.router.add_get("/{name}", page)
    with serve_app(app) as running:
        yield running


@pytest.fixture
def pool_settings(probe_settings: Settings) -> Settings:
    return probe_settings.model_copy(
        update={
            "probe_screenshots": False,
            "probe_total_timeout_seconds": 60.0,
            "probe_first_byte_timeout_seconds": 60.0,
        }
    )


def test_a_worker_stores_the_evidence_and_sends_back_only_what_recording_needs(
    pool_settings: Settings, server: RunningServer, tmp_path: Path
) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")
    urls = [server.url(f"w{i}.test", f"/p{i}") for i in range(6)]

    async def go() -> list[Fetched]:
        async with FetchPool(pool_settings, blobs.root, 2) as pool:
            return list(
                await asyncio.gather(*(pool.probe(u, "android", may_retry=True) for u in urls))
            )

    fetched = asyncio.run(go())
    for url, item in zip(urls, fetched, strict=True):
        assert item.facts.url == url
        assert item.facts.status == 200
        prepared = item.prepared
        assert prepared is not None
        assert prepared.columns["url"] == url
        assert prepared.columns["outcome"] == "ok"
        warc = prepared.warc
        assert warc.data == b""  # the bytes stayed in the worker: they are in the store
        stored = blobs.path_of(warc.digest).read_bytes()
        assert len(stored) == warc.size
        assert hashlib.sha256(stored).hexdigest() == warc.digest
        # the warcinfo record names the limits the capture was made under, as record_probe's does
        assert b"jingwang-probe-max-redirects: 10" in gzip.decompress(stored)
    assert {item.facts.url for item in fetched} == set(urls)


def test_a_pool_is_entered_once_its_workers_have_loaded_their_code(
    pool_settings: Settings, tmp_path: Path
) -> None:
    async def go() -> tuple[list[bool], list[bool], set[str]]:
        async with FetchPool(pool_settings, tmp_path / "blobs", 2) as pool:
            ready = [worker.ready.is_set() for worker in pool._workers]
            alive = [worker.alive for worker in pool._workers]
            loaded = set(await _modules_of_a_worker(pool_settings, tmp_path))
            return ready, alive, loaded

    ready, alive, loaded = asyncio.run(go())
    assert ready == [True, True]
    assert alive == [True, True]
    # a worker loads no database code: no SQLAlchemy, no models, no migrations
    assert not loaded & {"sqlalchemy", "alembic", "jingwang.probe.models", "jingwang.store.engine"}


async def _modules_of_a_worker(settings: Settings, tmp_path: Path) -> list[str]:
    """The modules a worker process has loaded once ready (a worker started by hand, which
    prints them when its pipe closes)."""
    script = (
        "import sys, atexit; "
        "atexit.register(lambda: print(' '.join(sys.modules), file=sys.stderr)); "
        "from jingwang.probe.workers import main; sys.exit(main())"
    )
    process = await asyncio.create_subprocess_exec(
        workers.PYTHON,
        "-c",
        script,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(workers._frame((settings, str(tmp_path / "blobs"))))
    assert await anext(workers._messages(process.stdout)) == (workers.READY, None)
    process.stdin.close()
    _, err = await process.communicate()
    return err.decode().split()


def test_a_probe_that_will_be_retried_is_not_written(
    pool_settings: Settings, server: RunningServer, tmp_path: Path
) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")
    url = server.url("busy.test", "/busy")

    async def go() -> tuple[Fetched, Fetched]:
        async with FetchPool(pool_settings, blobs.root, 1) as pool:
            retried = await pool.probe(url, "android", may_retry=True)
            last = await pool.probe(url, "android", may_retry=False)  # attempts used up
            return retried, last

    retried, last = asyncio.run(go())
    assert retried.prepared is None
    assert (retried.facts.status, retried.facts.retry_after) == (429, "7")
    assert last.prepared is not None
    assert last.prepared.columns["http_status"] == 429
    stored = [p for p in blobs.root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(stored) == 1  # the last answer's WARC only


def test_a_dead_worker_fails_its_probes_in_flight_and_is_replaced(
    pool_settings: Settings, server: RunningServer, tmp_path: Path
) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")

    async def go() -> tuple[BaseException | None, Fetched, int]:
        async with FetchPool(pool_settings, blobs.root, 1) as pool:
            stalled = asyncio.create_task(
                pool.probe(server.url("s.test", "/stall"), "android", may_retry=True)
            )
            for _ in range(200):  # until the worker is waiting on the stalled answer
                if server.hits[("s.test", "/stall")]:
                    break
                await asyncio.sleep(0.05)
            (worker,) = pool._workers
            os.kill(worker.process.pid, signal.SIGKILL)
            error = None
            try:
                await stalled
            except FetchWorkerError as exc:
                error = exc
            after = await pool.probe(server.url("a.test", "/after"), "android", may_retry=True)
            return error, after, pool.started

    error, after, started = asyncio.run(go())
    assert error is not None
    assert "exited" in str(error)
    assert after.prepared is not None
    assert after.facts.status == 200
    assert started == 2


def test_workers_exit_when_the_runner_goes_away(
    pool_settings: Settings, server: RunningServer, tmp_path: Path
) -> None:
    """The pipe closing is the signal: a runner that is killed leaves no worker behind."""
    blobs = FileBlobStore(tmp_path / "blobs")

    async def go() -> list[int]:
        pool = FetchPool(pool_settings, blobs.root, 2)
        await pool.__aenter__()
        await pool.probe(server.url("x.test", "/x"), "android", may_retry=True)
        pids = [worker.process.pid for worker in pool._workers]
        for worker in pool._workers:  # as the kernel does when the runner dies
            assert worker.process.stdin is not None
            worker.process.stdin.close()
        for worker in pool._workers:
            await asyncio.wait_for(worker.process.wait(), 20)
        return pids

    for pid in asyncio.run(go()):
        assert not running(pid)


@pytest.mark.browser
def test_a_worker_takes_the_screenshot_in_its_own_chromium(
    chromium: Path, pool_settings: Settings, server: RunningServer, tmp_path: Path
) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")
    settings = pool_settings.model_copy(update={"probe_screenshots": True})

    async def go() -> Fetched:
        async with FetchPool(settings, blobs.root, 1) as pool:
            return await pool.probe(server.url("shot.test", "/shot"), "android", may_retry=True)

    fetched = asyncio.run(go())
    assert fetched.prepared is not None
    kinds = {item.kind: item for item in fetched.prepared.artefacts}
    assert set(kinds) == {"warc", "screenshot"}
    png = blobs.path_of(kinds["screenshot"].digest).read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) == kinds["screenshot"].size


# The runner with a pool: a lost probe is probed again; a pool that cannot start stops the run.


class _FirstStalls:
    """``/slow`` stalls its first request (long enough to kill the worker under it)."""

    def __init__(self) -> None:
        self.hits = 0

    async def slow(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.hits == 1:
            await asyncio.sleep(30)
        return web.Response(text=PAGE.format(path=request.path), content_type="text/html")


@pytest.mark.db
def test_a_probe_lost_with_its_worker_is_probed_again(
    pool_settings: Settings, db: Database, tmp_path: Path
) -> None:
    stalls = _FirstStalls()
    app = web.Application()
    app.router.add_get("/slow", stalls.slow)
    app.router.add_get("/{name}", page)
    settings = pool_settings.model_copy(
        update={"probe_fetch_workers": 1, "probe_host_delay_seconds": 0.0, "probe_concurrency": 4}
    )
    blobs = FileBlobStore(settings.resolved_blob_dir)
    with serve_app(app) as server:
        urls = [server.url("lost.test", "/slow"), server.url("fine.test", "/a")]
        with db.session() as session:
            campaign_id = list_campaign(session, urls).id
        stop = threading.Event()

        def kill_the_stalled_worker() -> None:
            while stalls.hits == 0 and not stop.is_set():
                time.sleep(0.05)
            for pid in children_of({os.getpid()}):  # the pool's workers
                os.kill(pid, signal.SIGKILL)

        killer = threading.Thread(target=kill_the_stalled_worker)
        killer.start()
        try:
            report = run_campaign(settings, db, blobs, campaign_id, max_seconds=60)
        finally:
            stop.set()
            killer.join()
    assert stalls.hits == 2  # probed again after its worker died, and answered then
    assert (report.stopped, report.recorded, report.failed) == ("done", 2, 0)
    assert report.retried in (1, 2)  # the other page too, when the worker died before answering
    with db.session() as session:
        (lost,) = session.scalars(select(Target).where(Target.url == urls[0]))
        assert (lost.state, lost.attempts) == ("done", 2)
        assert lost.capture_id is not None


@pytest.mark.db
def test_workers_that_cannot_start_stop_the_run_and_fail_no_target(
    pool_settings: Settings, db: Database, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "PYTHON", "/bin/false")  # every worker exits at once
    settings = pool_settings.model_copy(update={"probe_fetch_workers": 2})
    with db.session() as session:
        campaign_id = list_campaign(session, [server.url("x.test", f"/p{i}") for i in range(3)]).id
    blobs = FileBlobStore(settings.resolved_blob_dir)
    with pytest.raises(FetchPoolBroken, match="exited before answering"):
        run_campaign(settings, db, blobs, campaign_id, max_seconds=60)
    with db.session() as session:
        states = set(session.scalars(select(Target.state).where(Target.campaign_id == campaign_id)))
        assert states <= {"queued"}  # put back, not failed: the next run (or worker) takes them

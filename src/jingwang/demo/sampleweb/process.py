"""Run the sample web in a separate (spawned) process, for benchmarks.

A benchmark's prober and the sample web must not share one GIL, or the server's work is
counted against the prober. The child generates the web from the same arguments (the web
itself holds renderers that do not pickle), serves it, sends its ports back, and stops when
told. ``hits`` is not shared across the process boundary: use :func:`~.server.serve` in tests.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType

from jingwang.demo.sampleweb.generator import generate
from jingwang.demo.sampleweb.model import page_url
from jingwang.demo.sampleweb.server import serve
from jingwang.demo.sampleweb.sites import SiteSpec

START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class WebArgs:
    """What the child needs to build and serve the web (all picklable)."""

    seed: int = 2009
    sites: int = 200
    pages_per_site: int = 10
    hostile: bool = True
    named: tuple[SiteSpec, ...] | None = None
    host: str = "127.0.0.1"
    http_port: int = 0
    https_port: int = 0
    tls_files: tuple[str, str] | None = None  # (cert PEM, key PEM) for HTTPS
    latency_ms: float = 0.0


def _child(args: WebArgs, conn: Connection) -> None:
    sample = generate(
        args.seed,
        args.sites,
        pages_per_site=args.pages_per_site,
        hostile=args.hostile,
        named=args.named,
    )
    tls = None
    if args.tls_files:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(*args.tls_files)
    with serve(
        sample,
        host=args.host,
        http_port=args.http_port,
        https_port=args.https_port,
        tls=tls,
        latency_ms=args.latency_ms,
    ) as running:
        conn.send((running.http_port, running.https_port))
        conn.recv()  # any message, or the parent going away, means stop
    conn.close()


class ServerProcess:
    """A sample web served by a child process; a context manager."""

    def __init__(self, args: WebArgs) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(target=_child, args=(args, child_conn), daemon=True)
        self._process.start()
        child_conn.close()
        if not self._conn.poll(START_TIMEOUT_S):
            self.stop()
            raise RuntimeError("the sample web process did not report its ports in time")
        self.http_port, self.https_port = self._conn.recv()

    def url(self, host: str, path: str = "/", *, https: bool = False) -> str:
        port = self.https_port if https else self.http_port
        return page_url(host, path, scheme="https" if https else "http", port=port)

    def stop(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(BrokenPipeError, OSError):  # the child may be gone
                self._conn.send("stop")
            self._process.join(10)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._conn.close()
        self._process.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_process(
    seed: int = 2009,
    sites: int = 200,
    *,
    pages_per_site: int = 10,
    hostile: bool = True,
    named: Sequence[SiteSpec] | None = None,
    host: str = "127.0.0.1",
    http_port: int = 0,
    https_port: int = 0,
    tls_files: tuple[str, str] | None = None,
    latency_ms: float = 0.0,
) -> ServerProcess:
    """Generate ``generate(seed, sites, …)`` in a child process and serve it there."""
    args = WebArgs(
        seed,
        sites,
        pages_per_site,
        hostile,
        None if named is None else tuple(named),
        host,
        http_port,
        https_port,
        tls_files,
        latency_ms,
    )
    return ServerProcess(args)


__all__ = ["ServerProcess", "WebArgs", "serve_process"]

"""Run the web app under uvicorn, with its worker: what ``jingwang serve`` (and the demo) do.

:func:`run_server` migrates an empty database, starts uvicorn on the app from
:func:`~jingwang.web.create_app`, starts the worker supervisor once the server listens, calls
``on_ready`` with the URL, and returns after SIGINT or SIGTERM once both have stopped.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterator

import uvicorn

from jingwang.errors import NotConfigured
from jingwang.settings import Settings
from jingwang.store import create_database, current_revision, head_revision, upgrade
from jingwang.web.app import create_app
from jingwang.web.supervisor import WorkerSupervisor, worker_env

log = logging.getLogger(__name__)
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class _Server(uvicorn.Server):
    """uvicorn's server, plus a ready hook, and a clean exit (status 0) on SIGINT/SIGTERM."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[str], None]) -> None:
        super().__init__(config)
        self.on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            self.on_ready(self.url())

    def url(self) -> str:
        host, port = self.config.host, self.config.port
        for server in self.servers:
            for sock in server.sockets:
                port = sock.getsockname()[1]  # the real one when asked for port 0
        if host in ("", "0.0.0.0", "::"):  # noqa: S104 - only to print a reachable URL
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn re-raises the signal after shutting down, so the process would end by
        # SIGINT/SIGTERM instead of exiting 0; a requested stop is not a failure here.
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def prepare_database(settings: Settings) -> None:
    """Migrate an empty database to the newest schema; warn about an outdated one."""
    db = create_database(settings.resolved_database_url)
    try:
        current, head = current_revision(db), head_revision(db)
        if current is None and head is not None:
            log.info("empty database: migrating to the newest schema (%s)", head)
            upgrade(db)
        elif current != head:
            log.warning(
                "database schema is at %s, the newest is %s: run `jingwang db upgrade` "
                "(/readyz answers 503 until then)",
                current,
                head,
            )
    finally:
        db.dispose()


def run_server(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    with_worker: bool | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM; ``None`` arguments fall back to the settings.

    ``on_ready(url)`` is called once the server listens (``port=0`` picks a free port; the
    URL has the real one). Raises :class:`NotConfigured` when the server cannot start.
    """
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": settings.port if port is None else port}
    )
    with_worker = settings.serve_worker if with_worker is None else with_worker
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
    prepare_database(settings)
    supervisor = WorkerSupervisor(worker_env(settings)) if with_worker else None

    def ready(url: str) -> None:
        log.info("jingwang is listening on %s", url)
        if supervisor is not None:
            supervisor.start()
        if on_ready is not None:
            on_ready(url)

    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,  # use the process's logging, configured above
        server_header=False,
        lifespan="on",
        # Only the named proxies may tell us the client's address and scheme; anyone else
        # could otherwise dodge per-address login throttling with a forged header.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    server = _Server(config, ready)
    try:
        server.run()
    except SystemExit as exc:  # uvicorn exits when it cannot bind or the app cannot start
        raise NotConfigured(
            f"the web server could not start on {settings.host}:{settings.port} (see the log "
            "above); is the port in use? choose another with --port",
            host=settings.host,
            port=settings.port,
        ) from exc
    finally:
        if supervisor is not None:
            supervisor.stop()
    log.info("jingwang stopped")


__all__ = ["prepare_database", "run_server"]

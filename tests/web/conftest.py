"""Web fixtures: TestClients on real apps, and a real `jingwang serve` process."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jingwang.settings import Settings
from jingwang.web import create_app

STARTUP_DEADLINE_S = 60.0
SHUTDOWN_DEADLINE_S = 30.0


@pytest.fixture
def client_for() -> Iterator[Callable[[FastAPI], TestClient]]:
    """Started TestClients (lifespan run) for apps a test builds; all closed afterwards."""
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(TestClient(app))


@pytest.fixture
def client(settings: Settings, client_for: Callable[[FastAPI], TestClient]) -> TestClient:
    """The app on an empty (unmigrated) database and the in-memory queue."""
    return client_for(create_app(settings))


@pytest.fixture
def live_client(live_settings: Settings, client_for: Callable[[FastAPI], TestClient]) -> TestClient:
    """The app on a migrated database and a SQLite queue."""
    return client_for(create_app(live_settings))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def settings_env(settings: Settings) -> dict[str, str]:
    """This environment with ``settings``' data dir, database and queue as JINGWANG_* vars."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINGWANG_")}
    env.update(
        JINGWANG_DATA_DIR=str(settings.data_dir),
        JINGWANG_DATABASE_URL=settings.resolved_database_url,
        JINGWANG_QUEUE_URL=settings.resolved_queue_url,
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def env_for() -> Callable[[Settings], dict[str, str]]:
    """Builds the environment that hands settings to a child process."""
    return settings_env


@dataclass
class ServeProcess:
    """A running ``python -m jingwang serve --no-worker`` and where it listens."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def interrupt(self) -> int:
        """SIGINT, then the exit status (fails the test past the deadline)."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(SHUTDOWN_DEADLINE_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"serve did not stop after SIGINT:\n{self.output()}")


@pytest.fixture
def start_serve(tmp_path: Path) -> Iterator[Callable[..., ServeProcess]]:
    """Starts ``jingwang serve`` (``--no-worker`` unless asked) on a free port."""
    started: list[ServeProcess] = []

    def start(
        settings: Settings, *, worker: bool = False, env: dict[str, str] | None = None
    ) -> ServeProcess:
        port = free_port()
        log = tmp_path / f"serve-{len(started)}.log"
        worker_flag = "--worker" if worker else "--no-worker"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "jingwang", "serve", worker_flag, "--port", str(port)],
                env={**settings_env(settings), **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its worker shares the group: stopped with it
            )
        served = ServeProcess(process, f"http://127.0.0.1:{port}", log)
        started.append(served)
        wait_until_healthy(served)
        return served

    yield start
    for served in started:
        stop_group(served.process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop ``jingwang serve`` and its worker: SIGTERM, then SIGKILL to the whole group."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a worker the server left behind
    process.wait()


@pytest.fixture
def serve_process(
    live_settings: Settings, start_serve: Callable[..., ServeProcess]
) -> ServeProcess:
    """``jingwang serve`` on a migrated database, answering /healthz."""
    return start_serve(live_settings)


def wait_until_healthy(served: ServeProcess) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            pytest.fail(f"serve exited with {served.process.returncode}:\n{served.output()}")
        try:
            if httpx.get(f"{served.url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"serve did not answer /healthz in {STARTUP_DEADLINE_S} s:\n{served.output()}")

"""`jingwang serve` as a real process, and the worker supervisor with real child processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings
from jingwang.web.supervisor import WorkerSupervisor, worker_command, worker_env

DEADLINE_S = 30.0


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def assert_gone(pid: int | None) -> None:
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.slow
def test_serve_answers_and_exits_0_on_sigint(serve_process):
    assert httpx.get(f"{serve_process.url}/readyz").status_code == 200
    home = httpx.get(f"{serve_process.url}/")
    assert home.status_code == 200
    assert "server" not in home.headers  # no software banner
    assert serve_process.interrupt() == 0, serve_process.output()
    assert f"listening on {serve_process.url}" in serve_process.output()


@pytest.mark.slow
def test_serve_migrates_an_empty_database_first(settings, start_serve):
    served = start_serve(settings)  # a fresh data dir: no database file yet
    assert httpx.get(f"{served.url}/readyz").status_code == 200, served.output()
    assert served.interrupt() == 0
    assert "empty database: migrating" in served.output()


@pytest.mark.slow
def test_serve_with_a_worker_stops_both_on_sigint(live_settings, start_serve):
    served = start_serve(live_settings, worker=True)
    wait_for(lambda: "worker started" in served.output(), "the worker to be started")
    assert httpx.get(f"{served.url}/healthz").status_code == 200
    assert served.interrupt() == 0, served.output()
    assert served.process.returncode == 0


def test_worker_env_carries_every_setting(settings: Settings):
    secret = settings.model_copy(update={"queue_url": "redis://q.test:6379/0"})
    env = worker_env(secret, base={"PATH": "/bin", "JINGWANG_STALE": "x"})
    assert env["PATH"] == "/bin"
    assert "JINGWANG_STALE" not in env
    assert env["JINGWANG_QUEUE_URL"] == "redis://q.test:6379/0"
    assert env["JINGWANG_SECRET_KEY"] == settings.secret_key.get_secret_value()
    assert env["JINGWANG_SERVE_WORKER"] == "true"
    assert env["JINGWANG_DATA_DIR"] == str(settings.data_dir.resolve())
    assert worker_command()[1:] == ["-m", "jingwang", "worker"]


def test_worker_env_round_trips_through_settings(settings: Settings, monkeypatch):
    # Lists travel as JSON: give each list setting a value to carry.
    lists = {
        k: [8081]
        if k.endswith("_ports")
        else [Path("/srv/extra.lex")]
        if k.endswith("_paths")
        else ["example.module"]
        for k, v in settings.model_dump().items()
        if isinstance(v, list)
    }
    sent = settings.model_copy(update={**lists, "data_dir": settings.data_dir.resolve()})
    for name, value in worker_env(sent, base={}).items():
        monkeypatch.setenv(name, value)
    assert Settings() == sent


@pytest.mark.slow
def test_supervisor_restarts_a_crashing_worker_and_stops(settings: Settings):
    crashing = [sys.executable, "-c", "raise SystemExit(3)"]
    supervisor = WorkerSupervisor(
        worker_env(settings), command=crashing, first_delay=0.01, max_delay=0.05
    )
    supervisor.start()
    wait_for(lambda: supervisor.starts >= 3, "three starts of the crashing worker")
    supervisor.stop()


@pytest.mark.slow
def test_supervisor_terminates_a_running_worker(settings: Settings, tmp_path):
    marker = tmp_path / "started"
    sleeper = [
        sys.executable,
        "-c",
        f"import pathlib, time; pathlib.Path({str(marker)!r}).touch(); time.sleep(600)",
    ]
    supervisor = WorkerSupervisor(worker_env(settings), command=sleeper, stop_timeout=20)
    supervisor.start()
    wait_for(marker.exists, "the worker to start")
    supervisor.stop()  # returns only once the child is gone
    assert supervisor.starts == 1
    assert_gone(supervisor.last_pid)


@pytest.mark.slow
def test_supervisor_kills_a_worker_that_ignores_sigterm(settings: Settings, tmp_path):
    marker = tmp_path / "started"
    stubborn = [
        sys.executable,
        "-c",
        "import pathlib, signal, time; "
        f"signal.signal({int(signal.SIGTERM)}, signal.SIG_IGN); "
        f"pathlib.Path({str(marker)!r}).touch(); time.sleep(600)",
    ]
    supervisor = WorkerSupervisor(worker_env(settings), command=stubborn, stop_timeout=0.5)
    supervisor.start()
    wait_for(marker.exists, "the worker to start")
    supervisor.stop()
    assert supervisor.starts == 1
    assert_gone(supervisor.last_pid)


@pytest.mark.slow
def test_serve_on_a_busy_port_says_so_and_exits_unavailable(settings, env_for):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "jingwang", "serve", "--no-worker", "--port", str(port)],
            env=env_for(settings),
            capture_output=True,
            text=True,
            timeout=DEADLINE_S,
            check=False,
        )
    assert result.returncode == ExitCode.UNAVAILABLE, result.stderr
    assert "choose another with --port" in result.stderr

"""Keep one ``jingwang worker`` process running beside the web server.

``jingwang serve`` on one machine runs the web app and one worker together. The worker is a
child process with the same settings (passed as ``JINGWANG_*`` variables, so a TOML file or
CLI flags given to ``serve`` reach it too). When it exits, it is started again after a
back-off that doubles up to a limit, and reset once a run lasted long enough; the web server
is never taken down with it. The child gets its own session, so a Ctrl-C in the terminal
reaches only ``serve``, which then stops the worker in order: SIGTERM, wait, SIGKILL.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr

from jingwang.settings import ENV_PREFIX, Settings

log = logging.getLogger(__name__)


def worker_command() -> list[str]:
    return [sys.executable, "-m", "jingwang", "worker"]


def worker_env(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this environment) with every setting as a ``JINGWANG_*`` variable."""
    env = {
        name: value
        for name, value in (os.environ if base is None else base).items()
        if not name.startswith(ENV_PREFIX)
    }
    as_json = settings.model_dump(mode="json")
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        env[f"{ENV_PREFIX}{name.upper()}"] = _env_value(value, as_json[name])
    return env


def _env_value(value: object, json_value: object) -> str:
    """How pydantic-settings reads ``value`` back: plain text, or JSON for lists and dicts."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Path):
        return str(value.resolve())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(json_value)


class WorkerSupervisor:
    """Runs ``command`` in a background thread and restarts it whenever it exits."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        command: Sequence[str] | None = None,
        first_delay: float = 1.0,
        max_delay: float = 60.0,
        healthy_after: float = 60.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.env = env
        self.command = list(command or worker_command())
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.healthy_after = healthy_after
        self.stop_timeout = stop_timeout
        self.starts = 0  # how many times the command was started
        self.last_pid: int | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop restarting, terminate the running worker and wait for it."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            process = self._spawn()
            if process is not None:
                self._watch(process)
                if self._stopping.is_set():
                    self._terminate(process)
                    return
            failures = 0 if time.monotonic() - started >= self.healthy_after else failures + 1
            delay = min(self.max_delay, self.first_delay * 2 ** max(failures - 1, 0))
            log.warning(
                "worker %s; starting it again in %.1f s",
                "could not start" if process is None else f"exited with code {process.returncode}",
                delay,
            )
            if self._stopping.wait(delay):
                return

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        try:
            # S603: the command is this interpreter and fixed arguments, not outside input.
            process = subprocess.Popen(  # noqa: S603
                self.command, env=self.env, start_new_session=True
            )
        except OSError as exc:
            log.error("cannot start the worker %s: %s", self.command, exc)
            return None
        self.starts += 1
        self.last_pid = process.pid
        log.info("worker started (pid %d)", process.pid)
        return process

    def _watch(self, process: subprocess.Popen[bytes]) -> None:
        """Return when the process exits or the supervisor is asked to stop."""
        while process.poll() is None:
            if self._stopping.wait(0.2):
                return

    def _terminate(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is not None:
            return
        log.info("stopping the worker (pid %d)", process.pid)
        process.terminate()
        try:
            process.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            log.warning("worker did not stop within %.0f s; killing it", self.stop_timeout)
            process.kill()
            process.wait()


__all__ = ["WorkerSupervisor", "worker_command", "worker_env"]

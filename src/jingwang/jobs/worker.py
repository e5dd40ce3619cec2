"""A worker process: Huey consumer threads plus the loop that feeds them.

**The loop.** Huey's periodic tasks fire at most once a minute (crontab granularity) and would
run inside a consumer thread, competing with jobs. So each worker runs its own small loop
thread instead: every ``jobs_dispatch_interval_seconds`` it materialises due schedules,
reconciles expired leases, dispatches due jobs and runs the sequencer
(:meth:`JobRuntime.tick`). Every worker runs it; the steps are safe to run concurrently (see
each module), so there is no leader to elect and no single point of failure.

**Stopping.** SIGTERM or SIGINT stops the loop, lets the consumer threads finish the jobs they
are running (up to ``jobs_lease_seconds``), then gives back the leases of jobs still running
(they go back to ``queued`` without counting the attempt) and returns. A worker killed with
SIGKILL gives nothing back; its leases expire and other workers' reconcilers take the jobs back.

**Draining.** :meth:`Worker.drain` runs everything that is due in the calling thread and
returns when nothing is left: for scripts, cron and tests.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from types import FrameType

from jingwang.errors import ConfigError
from jingwang.jobs.lease import release_job
from jingwang.jobs.runtime import JobRuntime
from jingwang.jobs.schedules import ensure_default_schedules

log = logging.getLogger(__name__)

HEALTH_CHECK_SECONDS = 5.0
MAX_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class DrainReport:
    rounds: int
    dispatched: int  # jobs sent to the queue during the drain
    messages: int  # queue messages this process executed (0 in immediate mode)


class Worker:
    def __init__(self, runtime: JobRuntime, threads: int) -> None:
        self.runtime = runtime
        self.threads = threads

    def run(self, stop: threading.Event, *, handle_signals: bool = True) -> None:
        """Consume jobs until ``stop`` is set (or SIGTERM / SIGINT arrives)."""
        if self.runtime.immediate:
            raise ConfigError(
                "a worker needs a shared queue: queue_url memory:// runs jobs inline in the "
                "process that sends them; use the default SQLite queue or postgresql://…"
            )
        ensure_default_schedules(self.runtime.db, self.runtime.settings)
        consumer = self.runtime.huey.create_consumer(
            workers=self.threads,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            max_delay=min(MAX_POLL_SECONDS, self.runtime.settings.jobs_dispatch_interval_seconds),
            shutdown_timeout=self.runtime.settings.jobs_lease_seconds,
        )
        consumer.start()
        if handle_signals:  # after start(): Huey's consumer installs handlers of its own
            _stop_on_signals(stop)
        loop = threading.Thread(target=self._loop, args=(stop,), name="jobs-loop", daemon=True)
        loop.start()
        log.info("worker started: %d consumer threads", self.threads)
        try:
            while not stop.wait(HEALTH_CHECK_SECONDS):
                consumer.check_worker_health()
        finally:
            stop.set()
            loop.join()
            consumer.stop(graceful=True)
            self._release_leases()
            log.info("worker stopped")

    def drain(self, max_rounds: int = 10_000) -> DrainReport:
        """Run every due job (and what it makes due) in this thread, then return."""
        dispatched = messages = 0
        rounds = 0
        for rounds in range(1, max_rounds + 1):  # noqa: B007 - `rounds` is reported
            report = self.runtime.tick()
            ran = self._execute_pending()
            dispatched += len(report.dispatched)
            messages += ran
            if not report.dispatched and not report.scheduled and not ran:
                break
        self.runtime.sequencer.run()
        return DrainReport(rounds, dispatched, messages)

    def _loop(self, stop: threading.Event) -> None:
        interval = self.runtime.settings.jobs_dispatch_interval_seconds
        while not stop.is_set():
            started = time.monotonic()
            self.runtime.tick()
            stop.wait(max(0.0, interval - (time.monotonic() - started)))

    def _execute_pending(self) -> int:
        huey, ran = self.runtime.huey, 0
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            ran += 1
        return ran

    def _release_leases(self) -> None:
        for claim in self.runtime.runner.active_claims():
            if release_job(self.runtime.db, claim):
                log.warning("job %s still running at shutdown: lease given back", claim.job_id)


def _stop_on_signals(stop: threading.Event) -> None:
    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping after running jobs finish", signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle)


__all__ = ["DrainReport", "Worker"]

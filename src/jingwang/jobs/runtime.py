"""The job runtime of one process: the Huey instance, its one task, the runner and the loop step.

Built explicitly (:func:`build_runtime`), never at import. The only Huey task is
``jingwang.run_job(job_id)``; every job kind runs through it, so Huey's registry never needs to
know about kinds. With ``queue_url = memory://`` Huey runs tasks inline the moment they are
sent, so :meth:`JobRuntime.tick` (or :meth:`JobRuntime.dispatch`) runs due jobs in the calling
process: unit tests and ``--queue-url memory://`` scripts use that.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from huey import Huey

from jingwang.errors import ConfigError
from jingwang.jobs.dispatcher import Dispatched, dispatch_due
from jingwang.jobs.kinds import JobKindRegistry, load_job_modules
from jingwang.jobs.queue import make_huey
from jingwang.jobs.reconciler import ReconcileReport, reconcile
from jingwang.jobs.runner import JobRunner
from jingwang.jobs.schedules import materialise_schedules
from jingwang.jobs.sequencer import OutboxConsumer, Sequencer, SequenceReport
from jingwang.settings import Settings
from jingwang.store import BlobStore, Database, FileBlobStore

log = logging.getLogger(__name__)

RUN_JOB_TASK = "jingwang.run_job"
T = TypeVar("T")


@dataclass(frozen=True)
class TickReport:
    """What one pass of the loop did. ``errors`` names the steps that failed (and were logged)."""

    scheduled: list[int] = field(default_factory=list)
    reconciled: ReconcileReport = field(default_factory=ReconcileReport)
    dispatched: list[Dispatched] = field(default_factory=list)
    sequenced: SequenceReport = field(default_factory=SequenceReport)
    errors: list[str] = field(default_factory=list)


class JobRuntime:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        huey: Huey,
        blobs: BlobStore,
        sequencer: Sequencer,
        kinds: JobKindRegistry,
    ) -> None:
        self.settings, self.db, self.huey, self.blobs = settings, db, huey, blobs
        self.sequencer, self.kinds = sequencer, kinds
        self.runner = JobRunner(settings, db, blobs, sequencer, kinds)
        self._task: Any = huey.task(name=RUN_JOB_TASK)(self.runner.run)

    @property
    def immediate(self) -> bool:
        """True when sent jobs run inline (``memory://`` queue)."""
        return bool(self.huey.immediate)

    def send(self, job_id: int, priority: int = 0) -> None:
        """Put "run job ``job_id``" on the queue (runs it now in immediate mode)."""
        self.huey.enqueue(self._task.s(job_id, priority=priority))

    def dispatch(self, *, now: dt.datetime | None = None) -> list[Dispatched]:
        return dispatch_due(self.db, self.settings, self.send, now=now)

    def tick(self, *, now: dt.datetime | None = None) -> TickReport:
        """One pass of the worker loop: schedules, expired leases, due jobs, outbox events."""
        errors: list[str] = []
        scheduled: list[int] = _step(
            "schedules", errors, [], lambda: materialise_schedules(self.db, now=now)
        )
        reconciled = _step(
            "reconcile",
            errors,
            ReconcileReport(),
            lambda: reconcile(self.db, self.settings, now=now),
        )
        dispatched: list[Dispatched] = _step("dispatch", errors, [], lambda: self.dispatch(now=now))
        sequenced = _step("sequence", errors, SequenceReport(), self.sequencer.run)
        return TickReport(scheduled, reconciled, dispatched, sequenced, errors)


def _step(name: str, errors: list[str], fallback: T, fn: Callable[[], T]) -> T:
    try:
        return fn()
    except Exception as exc:  # one failing step must not stop the others or the loop
        log.exception("worker loop step %s failed", name)
        errors.append(f"{name}: {type(exc).__name__}: {exc}")
        return fallback


def build_runtime(
    settings: Settings,
    db: Database,
    *,
    consumers: Sequence[OutboxConsumer] = (),
    huey: Huey | None = None,
    blobs: BlobStore | None = None,
) -> JobRuntime:
    """Load the job kinds (built-in and ``job_modules``) and wire the runtime of this process."""
    if settings.jobs_heartbeat_seconds >= settings.jobs_lease_seconds:
        raise ConfigError(
            f"jobs_heartbeat_seconds ({settings.jobs_heartbeat_seconds}) must be shorter than "
            f"jobs_lease_seconds ({settings.jobs_lease_seconds}); a third of it is a good value"
        )
    kinds = load_job_modules(settings.job_modules)
    sequencer = Sequencer(db, consumers, settings.outbox_batch_size)
    return JobRuntime(
        settings,
        db,
        huey or make_huey(settings),
        blobs or FileBlobStore(settings.resolved_blob_dir),
        sequencer,
        kinds,
    )


__all__ = ["RUN_JOB_TASK", "JobRuntime", "TickReport", "build_runtime"]

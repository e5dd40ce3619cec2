"""Run one job: win its lease, keep the lease alive while the handler works, record the outcome.

This is the body of the one Huey task (``jingwang.run_job``). It trusts nothing in the message
but the job id: the row says whether the job still needs running, and the lease says who may.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from enum import StrEnum
from types import TracebackType
from typing import Any

from pydantic import BaseModel

from jingwang.jobs.errors import InvalidPayload, LeaseLost, PermanentFailure
from jingwang.jobs.kinds import JobContext, JobKindRegistry
from jingwang.jobs.lease import Claim, claim_job, complete_job, fail_job, renew_lease
from jingwang.jobs.models import JobState
from jingwang.jobs.sequencer import Sequencer
from jingwang.settings import Settings
from jingwang.store import BlobStore, Database

log = logging.getLogger(__name__)


class RunOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    RETRYING = "retrying"
    DEAD = "dead"
    SKIPPED = "skipped"  # not waiting to run: another worker has it, it is done or cancelled
    LEASE_LOST = "lease_lost"  # cancelled or taken over while running; nothing recorded


class LeaseKeeper:
    """Renews a lease from a background thread every ``interval`` seconds while a handler runs.

    ``beat()`` is what the handler's ``ctx.heartbeat()`` calls: it raises ``LeaseLost`` once the
    lease is gone, and renews at most every ``interval / 2`` seconds itself.
    """

    def __init__(self, renew: Callable[[], bool], interval: float) -> None:
        self._renew = renew
        self._interval = interval
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._last = time.monotonic()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lease-keeper", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def beat(self) -> None:
        if not self.lost.is_set() and time.monotonic() - self._last >= self._interval / 2:
            self._renew_now()
        if self.lost.is_set():
            raise LeaseLost("this job was cancelled or another worker took it over; stop now")

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            if not self._renew_now():
                return

    def _renew_now(self) -> bool:
        with self._lock:
            if self.lost.is_set():
                return False
            try:
                ok = self._renew()
            except Exception:  # database hiccup: try again at the next beat
                log.warning("could not renew a job lease; will retry", exc_info=True)
                return True
            self._last = time.monotonic()
            if not ok:
                self.lost.set()
            return ok


class JobRunner:
    """Runs jobs by id. One per process; safe to call from many consumer threads."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        blobs: BlobStore,
        sequencer: Sequencer,
        kinds: JobKindRegistry,
    ) -> None:
        self.settings, self.db, self.blobs = settings, db, blobs
        self.sequencer, self.kinds = sequencer, kinds
        self._prefix = f"{socket.gethostname()}:{os.getpid()}"
        self._active: dict[int, Claim] = {}
        self._active_lock = threading.Lock()

    def active_claims(self) -> list[Claim]:
        """Leases this process holds right now (released on shutdown)."""
        with self._active_lock:
            return list(self._active.values())

    def run(self, job_id: int) -> RunOutcome:
        owner = f"{self._prefix}:{uuid.uuid4().hex[:12]}"
        claim = claim_job(self.db, job_id, owner, self.settings)
        if claim is None:
            log.debug("job %s is not waiting to run; skipping this message", job_id)
            return RunOutcome.SKIPPED
        log.info("running job %s (%s), attempt %s", job_id, claim.kind, claim.attempt)
        with self._active_lock:
            self._active[job_id] = claim
        try:
            return self._run_claimed(claim)
        finally:
            with self._active_lock:
                self._active.pop(job_id, None)

    def _run_claimed(self, claim: Claim) -> RunOutcome:
        def renew() -> bool:
            return renew_lease(self.db, claim, self.settings)

        with LeaseKeeper(renew, self.settings.jobs_heartbeat_seconds) as keeper:
            try:
                result = self._execute(claim, keeper)
            except LeaseLost:
                log.warning("job %s: lease lost while running; result discarded", claim.job_id)
                return RunOutcome.LEASE_LOST
            except Exception as exc:
                return self._failed(claim, exc)
        summary = result.model_dump(mode="json") if result is not None else None
        if not complete_job(self.db, claim, summary):
            log.warning("job %s finished after losing its lease; result discarded", claim.job_id)
            return RunOutcome.LEASE_LOST
        log.info("job %s (%s) succeeded", claim.job_id, claim.kind)
        return RunOutcome.SUCCEEDED

    def _execute(self, claim: Claim, keeper: LeaseKeeper) -> BaseModel | None:
        kind_cls = self.kinds.get(claim.kind)
        payload = kind_cls.parse(claim.payload)
        ctx = JobContext(
            settings=self.settings,
            db=self.db,
            blobs=self.blobs,
            sequencer=self.sequencer,
            job_id=claim.job_id,
            kind=claim.kind,
            attempt=claim.attempt,
            max_attempts=claim.max_attempts,
            beat=keeper.beat,
        )
        return kind_cls().run(ctx, payload)

    def _failed(self, claim: Claim, exc: Exception) -> RunOutcome:
        permanent = isinstance(exc, PermanentFailure | InvalidPayload)
        state = fail_job(self.db, claim, _describe(exc), self.settings, permanent=permanent)
        if state is None:
            return RunOutcome.LEASE_LOST
        log.warning(
            "job %s (%s) attempt %s failed: %s; now %s",
            claim.job_id,
            claim.kind,
            claim.attempt,
            exc,
            state.value,
        )
        return RunOutcome.DEAD if state == JobState.DEAD else RunOutcome.RETRYING


def _describe(exc: BaseException) -> str:
    """``Type: message`` and the innermost frames of the traceback, for ``last_error``."""
    frames: list[Any] = traceback.format_exception(exc, limit=-3)
    return f"{type(exc).__name__}: {exc}\n" + "".join(frames[1:])


__all__ = ["JobRunner", "LeaseKeeper", "RunOutcome"]

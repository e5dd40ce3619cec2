"""Leases: the compare-and-set updates that decide which worker owns a job, and what it did.

Every change to a running job is one conditional ``UPDATE … WHERE id = :id AND <expected
state/owner>``; the row count says whether it applied. Two workers racing for one job both
send the claim; the database applies one and the other matches no row (SQLite serialises
writers; PostgreSQL re-checks the WHERE clause after the first writer commits). So a duplicated
queue message is harmless, and a worker that lost its lease cannot record a result.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, update
from sqlalchemy.orm import Session

from jingwang.jobs.events import JobDead
from jingwang.jobs.models import Job, JobState
from jingwang.settings import Settings
from jingwang.store import Database
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit

MAX_ERROR_CHARS = 4000  # stored in the job row, traceback included
MAX_EVENT_ERROR_CHARS = 500  # in the JobDead event (and so the audit log): the first line only


@dataclass(frozen=True)
class Claim:
    """A won lease: what the worker needs to run the job."""

    job_id: int
    owner: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int


def attempt_limit(job_max: int | None, settings: Settings) -> int:
    return job_max or settings.jobs_max_attempts


def retry_delay(attempt: int, settings: Settings, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): exponential, capped, jittered.

    The ceiling doubles per attempt from ``jobs_retry_base_seconds`` up to
    ``jobs_retry_max_seconds``; the delay is drawn from [ceiling / 2, ceiling] so failing jobs
    of one burst spread out instead of retrying in lockstep.
    """
    ceiling = min(
        settings.jobs_retry_max_seconds, settings.jobs_retry_base_seconds * 2 ** (attempt - 1)
    )
    return (rng or random).uniform(ceiling / 2, ceiling)


def claim_job(db: Database, job_id: int, owner: str, settings: Settings) -> Claim | None:
    """Take the lease on a job waiting to run; None when it is not waiting (any more).

    A dispatched job, or a queued one that is due: the reconciler may have put a dispatched
    job back to ``queued`` while its message waited behind a long queue, and that message must
    still be able to run it, or a backlog longer than a lease would starve every job.
    """
    now = utcnow()
    waiting = or_(
        Job.state == JobState.DISPATCHED,
        and_(Job.state == JobState.QUEUED, Job.run_at <= now),
    )
    stmt = (
        update(Job)
        .where(Job.id == job_id, waiting)
        .values(
            state=JobState.RUNNING,
            lease_owner=owner,
            lease_expires_at=now + dt.timedelta(seconds=settings.jobs_lease_seconds),
            heartbeat_at=now,
            attempts=Job.attempts + 1,
            updated_at=now,
        )
        .returning(Job.kind, Job.payload, Job.attempts, Job.max_attempts)
        .execution_options(synchronize_session=False)
    )
    with db.session() as session:
        row = session.execute(stmt).one_or_none()
    if row is None:
        return None
    limit = attempt_limit(row.max_attempts, settings)
    return Claim(job_id, owner, row.kind, dict(row.payload), row.attempts, limit)


def renew_lease(db: Database, claim: Claim, settings: Settings) -> bool:
    """Extend the lease; False when the job was cancelled or taken over."""
    now = utcnow()
    values = {
        "lease_expires_at": now + dt.timedelta(seconds=settings.jobs_lease_seconds),
        "heartbeat_at": now,
    }
    with db.session() as session:
        return _owned_update(session, claim, values) == 1


def complete_job(db: Database, claim: Claim, result: dict[str, Any] | None) -> bool:
    """Record success; False when the lease was lost (the result is then discarded)."""
    now = utcnow()
    values = {"state": JobState.SUCCEEDED, "result": result, "finished_at": now, **_no_lease()}
    with db.session() as session:
        return _owned_update(session, claim, values) == 1


def fail_job(
    db: Database, claim: Claim, error: str, settings: Settings, *, permanent: bool = False
) -> JobState | None:
    """Record a failure: back to ``queued`` after a back-off, or ``dead`` when out of attempts.

    Returns the new state, or None when the lease was lost.
    """
    now = utcnow()
    error = error[:MAX_ERROR_CHARS]
    dead = permanent or claim.attempt >= claim.max_attempts
    values: dict[str, Any] = {"last_error": error, **_no_lease()}
    if dead:
        values.update(state=JobState.DEAD, finished_at=now)
    else:
        delay = retry_delay(claim.attempt, settings)
        values.update(state=JobState.QUEUED, run_at=now + dt.timedelta(seconds=delay))
    with db.session() as session:
        if _owned_update(session, claim, values) != 1:
            return None
        if dead:
            headline = error.splitlines()[0][:MAX_EVENT_ERROR_CHARS] if error else None
            event = JobDead(
                object_id=str(claim.job_id),
                kind=claim.kind,
                attempts=claim.attempt,
                last_error=headline,
            )
            emit(session, event)
    return JobState.DEAD if dead else JobState.QUEUED


def release_job(db: Database, claim: Claim) -> bool:
    """Give a running job back (worker shutting down): queued now, this attempt not counted."""
    now = utcnow()
    values = {"state": JobState.QUEUED, "run_at": now, "attempts": Job.attempts - 1, **_no_lease()}
    with db.session() as session:
        return _owned_update(session, claim, values) == 1


def _no_lease() -> dict[str, Any]:
    return {"lease_owner": None, "lease_expires_at": None, "updated_at": utcnow()}


def _owned_update(session: Session, claim: Claim, values: dict[str, Any]) -> int:
    stmt = (
        update(Job)
        .where(
            Job.id == claim.job_id,
            Job.state == JobState.RUNNING,
            Job.lease_owner == claim.owner,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = cast(CursorResult[Any], session.execute(stmt))
    return result.rowcount


__all__ = [
    "Claim",
    "attempt_limit",
    "claim_job",
    "complete_job",
    "fail_job",
    "release_job",
    "renew_lease",
    "retry_delay",
]

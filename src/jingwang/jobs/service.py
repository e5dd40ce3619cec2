"""Job services: enqueue in the caller's transaction; look up, list, cancel and retry jobs.

Every function takes an explicit session and writes nothing outside it, so a job commits or
rolls back together with the domain change that asked for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwang.core.events import SYSTEM_ACTOR, EventActor
from jingwang.jobs.errors import JobNotFound, JobStateConflict
from jingwang.jobs.events import JobCancelled, JobRetried
from jingwang.jobs.kinds import JobKind, load_job_modules
from jingwang.jobs.models import TERMINAL_STATES, Job, JobState
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit

RETRYABLE_STATES = (JobState.DEAD, JobState.CANCELLED, JobState.QUEUED)
CANCELLABLE_STATES = (JobState.QUEUED, JobState.DISPATCHED, JobState.RUNNING)


class JobInfo(BaseModel):
    """The public view of a job (CLI ``--json``, the web API)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    state: JobState
    payload: dict[str, Any]
    attempts: int
    max_attempts: int | None
    priority: int
    run_at: dt.datetime
    lease_owner: str | None
    lease_expires_at: dt.datetime | None
    heartbeat_at: dt.datetime | None
    last_error: str | None
    idempotency_key: str | None
    result: dict[str, Any] | None
    created_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None


def enqueue(
    session: Session,
    kind: str | type[JobKind[Any]],
    payload: Mapping[str, Any] | BaseModel | None = None,
    *,
    idempotency_key: str | None = None,
    run_at: dt.datetime | None = None,
    priority: int = 0,
    max_attempts: int | None = None,
) -> Job:
    """Add a job in the caller's transaction and return it.

    The payload is validated against the kind's model now (``InvalidPayload`` names the field).
    With an ``idempotency_key`` that is already used, the existing job is returned instead;
    if that job is of another kind, :class:`JobStateConflict` says so.
    """
    kind_cls = kind if isinstance(kind, type) else load_job_modules().get(kind)
    data = kind_cls.parse(payload or {}).model_dump(mode="json")
    if idempotency_key is not None:
        existing = _find_by_key(session, idempotency_key, kind_cls.name)
        if existing is not None:
            return existing
    job = Job(
        kind=kind_cls.name,
        payload=data,
        state=JobState.QUEUED,
        attempts=0,
        max_attempts=max_attempts or kind_cls.max_attempts,
        priority=priority,
        run_at=run_at or utcnow(),
        idempotency_key=idempotency_key,
    )
    return _insert_once(session, job)


def enqueue_new(
    session: Session,
    kind: str | type[JobKind[Any]],
    payloads: Sequence[Mapping[str, Any] | BaseModel],
    *,
    priority: int = 0,
    max_attempts: int | None = None,
) -> list[int]:
    """Add one job of ``kind`` per payload in the caller's transaction, due now; their ids.

    :func:`enqueue` without an idempotency key, for callers that need only the ids: one INSERT
    for all, no ORM objects (a campaign runner enqueues a job with every batch it records).
    """
    if not payloads:
        return []
    kind_cls = kind if isinstance(kind, type) else load_job_modules().get(kind)
    now = utcnow()
    rows = [
        {
            "kind": kind_cls.name,
            "payload": kind_cls.parse(payload).model_dump(mode="json"),
            "state": JobState.QUEUED,
            "attempts": 0,
            "max_attempts": max_attempts or kind_cls.max_attempts,
            "priority": priority,
            "run_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for payload in payloads
    ]
    return [int(row[0]) for row in session.execute(_INSERT_JOBS, rows)]


_JOBS = cast(Table, Job.__table__)
_INSERT_JOBS = insert(_JOBS).returning(_JOBS.c.id, sort_by_parameter_order=True)


def _insert_once(session: Session, job: Job) -> Job:
    """Insert ``job``; when its idempotency key won a race meanwhile, return that job instead."""
    if job.idempotency_key is None:  # nothing to race for: no savepoint
        session.add(job)
        session.flush()
        return job
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:
        # Another transaction committed the same key between our look-up and insert.
        existing = None
        if job.idempotency_key is not None:
            existing = _find_by_key(session, job.idempotency_key, job.kind)
        if existing is None:
            raise
        return existing
    return job


def _find_by_key(session: Session, key: str, kind: str) -> Job | None:
    job = session.scalars(select(Job).where(Job.idempotency_key == key)).one_or_none()
    if job is not None and job.kind != kind:
        raise JobStateConflict(
            f"idempotency key {key!r} already belongs to job {job.id} of kind {job.kind!r}",
            job_id=job.id,
        )
    return job


def get_job(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise JobNotFound(
            f"no job with id {job_id}; `jingwang jobs list` shows them", job_id=job_id
        )
    return job


def list_jobs(
    session: Session,
    *,
    state: JobState | None = None,
    kind: str | None = None,
    limit: int = 100,
    before: int | None = None,
) -> list[Job]:
    """The newest jobs first, optionally of one state and/or kind (``before``: ids below)."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if before is not None:
        query = query.where(Job.id < before)
    if state is not None:
        query = query.where(Job.state == state)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return list(session.scalars(query))


def cancel_job(session: Session, job_id: int, *, actor: EventActor = SYSTEM_ACTOR) -> Job:
    """Cancel a job that has not finished. A running handler loses its lease at its next beat.

    Cancelling a cancelled job changes nothing; a succeeded or dead job cannot be cancelled.
    """
    job = _locked(session, job_id)
    if job.state == JobState.CANCELLED:
        return job
    if job.state not in CANCELLABLE_STATES:
        raise JobStateConflict(
            f"job {job_id} is {job.state.value}; only an unfinished job can be cancelled",
            job_id=job_id,
        )
    previous = job.state
    now = utcnow()
    job.state, job.finished_at, job.updated_at = JobState.CANCELLED, now, now
    job.lease_owner = job.lease_expires_at = None
    session.flush()
    emit(
        session,
        JobCancelled(
            object_id=str(job.id), kind=job.kind, previous_state=previous.value, actor=actor
        ),
    )
    return job


def retry_job(session: Session, job_id: int, *, actor: EventActor = SYSTEM_ACTOR) -> Job:
    """Queue a dead or cancelled job again with fresh attempts, or run a waiting one now."""
    job = _locked(session, job_id)
    if job.state not in RETRYABLE_STATES:
        hint = "enqueue a new job instead" if job.state in TERMINAL_STATES else "it is in progress"
        raise JobStateConflict(
            f"job {job_id} is {job.state.value}; {hint}", job_id=job_id, state=job.state.value
        )
    previous, previous_attempts = job.state, job.attempts
    now = utcnow()
    job.state, job.run_at, job.updated_at, job.finished_at = JobState.QUEUED, now, now, None
    if previous != JobState.QUEUED:
        job.attempts = 0
    session.flush()
    emit(
        session,
        JobRetried(
            object_id=str(job.id),
            kind=job.kind,
            previous_state=previous.value,
            previous_attempts=previous_attempts,
            actor=actor,
        ),
    )
    return job


def _locked(session: Session, job_id: int) -> Job:
    """The job, row-locked until commit on PostgreSQL (SQLite's transaction lock suffices)."""
    job = session.scalars(
        select(Job)
        .where(Job.id == job_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if job is None:
        raise JobNotFound(
            f"no job with id {job_id}; `jingwang jobs list` shows them", job_id=job_id
        )
    return job


__all__ = [
    "JobInfo",
    "cancel_job",
    "enqueue",
    "enqueue_new",
    "get_job",
    "list_jobs",
    "retry_job",
]

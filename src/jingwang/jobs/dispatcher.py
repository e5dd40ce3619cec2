"""The dispatcher: moves due jobs from ``queued`` to ``dispatched`` and sends "run job N" to Huey.

Several dispatchers (one per worker process) may run at once. Each moves jobs with a
conditional ``UPDATE … WHERE state = 'queued' … RETURNING id`` and sends messages only for the
rows it moved; on PostgreSQL ``FOR UPDATE SKIP LOCKED`` also keeps them from picking the same
rows. Messages are sent after the commit, so a worker never sees a message before the row.

A dispatched job holds the dispatcher's lease for ``jobs_lease_seconds``: if its message is lost
(queue emptied, backend restarted) the reconciler puts it back to ``queued`` and it is sent
again. A late message still runs its job if the job is waiting (dispatched, or queued and due),
so a slow queue cannot starve jobs; a duplicate is harmless because only one claim can win.

Back-pressure: at most ``DISPATCH_LIMIT`` jobs wait in the queue at once (dispatched but not yet
claimed), so a backlog stays in the database, where priorities still apply, instead of piling
up in Huey.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jingwang.jobs.models import Job, JobState
from jingwang.settings import Settings
from jingwang.store import Database
from jingwang.store.base import utcnow

DISPATCH_LIMIT = 100

SendFn = Callable[[int, int], None]
"""Hands "run job ``id``" with ``priority`` to the queue."""


@dataclass(frozen=True)
class Dispatched:
    job_id: int
    priority: int


def dispatch_due(
    db: Database,
    settings: Settings,
    send: SendFn,
    *,
    now: dt.datetime | None = None,
    limit: int = DISPATCH_LIMIT,
) -> list[Dispatched]:
    """Dispatch due queued jobs, highest priority first; return what was sent."""
    now = now or utcnow()
    moved = _move_due(db, settings, now, limit)
    for job in moved:
        send(job.job_id, job.priority)
    return moved


def _move_due(db: Database, settings: Settings, now: dt.datetime, limit: int) -> list[Dispatched]:
    with db.session() as session:
        due = _due(session, now, limit)
        if not due:
            return []
        moved = set(
            session.scalars(
                update(Job)
                .where(Job.id.in_([d.job_id for d in due]), Job.state == JobState.QUEUED)
                .values(
                    state=JobState.DISPATCHED,
                    lease_owner=None,
                    lease_expires_at=now + dt.timedelta(seconds=settings.jobs_lease_seconds),
                    updated_at=now,
                )
                .returning(Job.id)
                .execution_options(synchronize_session=False)
            )
        )
    return [d for d in due if d.job_id in moved]


def _due(session: Session, now: dt.datetime, limit: int) -> list[Dispatched]:
    """Due queued jobs, best first, no more than the room left under ``limit``."""
    waiting = session.scalar(
        select(func.count()).select_from(Job).where(Job.state == JobState.DISPATCHED)
    )
    room = limit - (waiting or 0)
    if room <= 0:
        return []
    rows = session.execute(
        select(Job.id, Job.priority)
        .where(Job.state == JobState.QUEUED, Job.run_at <= now)
        .order_by(Job.priority.desc(), Job.run_at, Job.id)
        .limit(room)
        .with_for_update(skip_locked=True)
    )
    return [Dispatched(row.id, row.priority) for row in rows]


__all__ = ["DISPATCH_LIMIT", "Dispatched", "SendFn", "dispatch_due"]

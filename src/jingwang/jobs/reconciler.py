"""The reconciler: takes back jobs whose lease expired.

A ``running`` job whose lease expired belonged to a worker that died or hung past its lease
(killed, machine lost, stuck without heartbeats). A ``dispatched`` job whose lease expired had
its queue message lost or stuck. Both go back to ``queued`` to run now, and the dispatcher sends
them again; a crashed run counts as an attempt, so a job that kills its worker every time ends
``dead`` instead of looping forever.

Each change is a conditional update that re-checks the expiry, so two reconcilers, or a worker
renewing its lease at the last moment, cannot be overruled.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from jingwang.jobs.events import JobDead
from jingwang.jobs.lease import attempt_limit
from jingwang.jobs.models import LEASED_STATES, Job, JobState
from jingwang.settings import Settings
from jingwang.store import Database
from jingwang.store.base import utcnow
from jingwang.store.outbox import emit

log = logging.getLogger(__name__)

RECONCILE_LIMIT = 500
DEAD_AFTER_CRASH = (
    "the last attempt stopped without a result (its worker died or lost its lease) "
    "and no attempts are left"
)


@dataclass(frozen=True)
class ReconcileReport:
    requeued: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)


def reconcile(
    db: Database, settings: Settings, *, now: dt.datetime | None = None
) -> ReconcileReport:
    """Requeue (or bury) jobs whose lease expired before ``now``."""
    now = now or utcnow()
    report = ReconcileReport()
    with db.session() as session:
        expired = session.execute(
            select(Job.id, Job.state, Job.kind, Job.attempts, Job.max_attempts)
            .where(Job.state.in_(LEASED_STATES), Job.lease_expires_at < now)
            .order_by(Job.id)
            .limit(RECONCILE_LIMIT)
        ).all()
        buried: list[JobDead] = []
        for row in expired:
            limit = attempt_limit(row.max_attempts, settings)
            if row.state == JobState.RUNNING and row.attempts >= limit:
                if _bury(session, row.id, now):
                    report.dead.append(row.id)
                    buried.append(_dead_event(row.id, row.kind, row.attempts))
            elif _requeue(session, row.id, now):
                report.requeued.append(row.id)
        for event in buried:  # events last: emitting holds the outbox lock until commit
            emit(session, event)
    if report.requeued or report.dead:
        log.warning("expired leases: requeued %s, dead %s", report.requeued, report.dead)
    return report


def _take_back(session: Session, job_id: int, now: dt.datetime, **values: Any) -> bool:
    stmt = (
        update(Job)
        .where(Job.id == job_id, Job.state.in_(LEASED_STATES), Job.lease_expires_at < now)
        .values(lease_owner=None, lease_expires_at=None, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], session.execute(stmt)).rowcount == 1


def _requeue(session: Session, job_id: int, now: dt.datetime) -> bool:
    return _take_back(session, job_id, now, state=JobState.QUEUED, run_at=now)


def _bury(session: Session, job_id: int, now: dt.datetime) -> bool:
    return _take_back(
        session, job_id, now, state=JobState.DEAD, finished_at=now, last_error=DEAD_AFTER_CRASH
    )


def _dead_event(job_id: int, kind: str, attempts: int) -> JobDead:
    return JobDead(object_id=str(job_id), kind=kind, attempts=attempts, last_error=DEAD_AFTER_CRASH)


__all__ = ["RECONCILE_LIMIT", "ReconcileReport", "reconcile"]

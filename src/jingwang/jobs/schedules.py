"""Named recurring jobs: the dispatcher turns each due schedule slot into exactly one job row.

A schedule's ``next_run_at`` is its next slot. When it is due, the job for that slot is
enqueued with the idempotency key ``schedule:<name>:<slot>``, and ``next_run_at`` moves to the
first slot after now (slots missed while nothing ran are skipped, not made up in a burst). Two
dispatchers that see the same due slot both try; the unique idempotency key leaves one job, and
the move of ``next_run_at`` is a compare-and-set on the old slot.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwang.errors import InvalidInput, JingwangError
from jingwang.jobs.kinds import load_job_modules
from jingwang.jobs.models import JobSchedule
from jingwang.jobs.service import enqueue
from jingwang.settings import Settings
from jingwang.store import Database
from jingwang.store.base import utcnow

log = logging.getLogger(__name__)


class ScheduleSpec(BaseModel):
    """A schedule to create (also the public view, with ``next_run_at`` and ``enabled``)."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    kind: str
    payload: dict[str, Any] = {}
    interval_seconds: int
    enabled: bool = True
    next_run_at: dt.datetime | None = None


# Created by `ensure_default_schedules` when a worker starts; operators may disable them.
DEFAULT_SCHEDULES = (
    ScheduleSpec(name="blobs.verify.weekly", kind="blobs.verify", interval_seconds=7 * 86400),
    # The worker loop runs the sequencer every few seconds; this is the backstop.
    ScheduleSpec(
        name="system.sequence_outbox.hourly", kind="system.sequence_outbox", interval_seconds=3600
    ),
    ScheduleSpec(name="audit.checkpoint.periodic", kind="audit.checkpoint", interval_seconds=600),
    # A full registry audit a day; incremental runs are enqueued after imports or by hand.
    ScheduleSpec(
        name="registry.audit.daily",
        kind="registry.audit",
        payload={"mode": "full"},
        interval_seconds=86400,
    ),
    # Starts the next round of scheduled probing campaigns whose time has come.
    ScheduleSpec(name="probe.schedule.periodic", kind="probe.schedule", interval_seconds=300),
)
# Default schedules whose interval a setting decides: the setting wins at every worker start.
INTERVAL_SETTINGS = {"audit.checkpoint.periodic": "audit_checkpoint_interval_seconds"}


def slot_key(name: str, slot: dt.datetime) -> str:
    return f"schedule:{name}:{slot.astimezone(dt.UTC).isoformat()}"


def next_slot(slot: dt.datetime, interval_seconds: int, now: dt.datetime) -> dt.datetime:
    """The first slot ``slot + k * interval`` (k >= 1) later than ``now``."""
    behind = (now - slot).total_seconds()
    steps = max(1, math.floor(behind / interval_seconds) + 1)
    return slot + dt.timedelta(seconds=steps * interval_seconds)


def add_schedule(
    session: Session, spec: ScheduleSpec, *, now: dt.datetime | None = None
) -> JobSchedule:
    """Create a schedule; its payload is checked against the kind now."""
    if spec.interval_seconds < 1:
        raise InvalidInput(
            "a schedule's interval must be at least 1 second", field="interval_seconds"
        )
    kind = load_job_modules().get(spec.kind)
    schedule = JobSchedule(
        name=spec.name,
        kind=kind.name,
        payload=kind.parse(spec.payload).model_dump(mode="json"),
        interval_seconds=spec.interval_seconds,
        next_run_at=spec.next_run_at or now or utcnow(),
        enabled=spec.enabled,
    )
    session.add(schedule)
    session.flush()
    return schedule


def default_schedules(settings: Settings | None = None) -> tuple[ScheduleSpec, ...]:
    """The default schedules, with the intervals ``settings`` choose (:data:`INTERVAL_SETTINGS`)."""
    if settings is None:
        return DEFAULT_SCHEDULES
    return tuple(
        spec.model_copy(
            update={"interval_seconds": getattr(settings, INTERVAL_SETTINGS[spec.name])}
        )
        if spec.name in INTERVAL_SETTINGS
        else spec
        for spec in DEFAULT_SCHEDULES
    )


def ensure_default_schedules(db: Database, settings: Settings | None = None) -> None:
    """Create the default schedules missing (by name), first due one interval from now.

    Existing schedules are never changed, so an operator's edits (or disabling one) stick;
    only an interval that a setting decides follows that setting.
    """
    now = utcnow()
    for default in default_schedules(settings):
        first = now + dt.timedelta(seconds=default.interval_seconds)
        spec = default.model_copy(update={"next_run_at": first})
        with db.session() as session:
            existing = session.scalars(
                select(JobSchedule).where(JobSchedule.name == spec.name)
            ).first()
            if existing is not None:
                if settings is not None and spec.name in INTERVAL_SETTINGS:
                    _follow_setting(existing, spec.interval_seconds, now)
                continue
            try:
                with session.begin_nested():
                    add_schedule(session, spec)
            except IntegrityError:  # another worker created it at the same moment
                log.debug("default schedule %s created concurrently", spec.name, exc_info=True)


def _follow_setting(schedule: JobSchedule, interval: int, now: dt.datetime) -> None:
    if schedule.interval_seconds == interval:
        return
    log.info("schedule %s: interval %ss from the settings", schedule.name, interval)
    schedule.interval_seconds = interval
    schedule.next_run_at = min(schedule.next_run_at, now + dt.timedelta(seconds=interval))


def list_schedules(session: Session) -> list[JobSchedule]:
    return list(session.scalars(select(JobSchedule).order_by(JobSchedule.name)))


def materialise_schedules(db: Database, *, now: dt.datetime | None = None) -> list[int]:
    """Enqueue one job per due slot of every enabled schedule; return the jobs' ids."""
    now = now or utcnow()
    created: list[int] = []
    with db.session() as session:
        due = session.scalars(
            select(JobSchedule)
            .where(JobSchedule.enabled.is_(True), JobSchedule.next_run_at <= now)
            .order_by(JobSchedule.id)
            .with_for_update(skip_locked=True)
        ).all()
        for schedule in due:
            job_id = _materialise(session, schedule, now)
            if job_id is not None:
                created.append(job_id)
    return created


def _materialise(session: Session, schedule: JobSchedule, now: dt.datetime) -> int | None:
    slot = schedule.next_run_at
    try:
        with session.begin_nested():
            job = enqueue(
                session,
                schedule.kind,
                schedule.payload,
                idempotency_key=slot_key(schedule.name, slot),
                run_at=slot,
            )
    except JingwangError as exc:  # e.g. a kind whose module this worker does not load
        log.error("schedule %s: cannot create its job: %s", schedule.name, exc)
        return None
    moved = session.execute(
        update(JobSchedule)
        .where(JobSchedule.id == schedule.id, JobSchedule.next_run_at == slot)
        .values(next_run_at=next_slot(slot, schedule.interval_seconds, now), last_job_id=job.id)
        .execution_options(synchronize_session=False)
    )
    return job.id if cast(CursorResult[Any], moved).rowcount == 1 else None


def spec_of(schedule: JobSchedule) -> ScheduleSpec:
    return ScheduleSpec.model_validate(schedule)


__all__ = [
    "DEFAULT_SCHEDULES",
    "INTERVAL_SETTINGS",
    "ScheduleSpec",
    "add_schedule",
    "default_schedules",
    "ensure_default_schedules",
    "list_schedules",
    "materialise_schedules",
    "next_slot",
    "slot_key",
    "spec_of",
]

"""Job rows (the truth about every job) and named recurring schedules.

A job's life::

                 dispatcher             worker wins the lease
    queued ─────────────────► dispatched ─────────────────► running ──────► succeeded
      ▲  ▲                        │                         │   │
      │  └── lease expired ───────┘                         │   └─ failed, no attempts left,
      ├───── lease expired (worker died), attempts left ────┤      or PermanentFailure ──► dead
      └───── failed, attempts left: run_at = now + back-off ┘
    dead, cancelled ──────────── retry (a person) ─────────► queued (fresh attempts)
    queued, dispatched, running ── cancel (a person) ──────► cancelled
    running ── worker stopping (SIGTERM) hands it back ──► queued (attempt not counted)

``dispatched`` and ``running`` hold a lease (``lease_expires_at``): the dispatcher's lease on a
dispatched job, the worker's on a running one. When it expires the reconciler puts the job back
to ``queued`` (or ``dead`` when a crashed run used the last attempt).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Enum, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jingwang.store.base import Base, UTCDateTime, utcnow

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
_ID = BigInteger().with_variant(Integer(), "sqlite")


class JobState(StrEnum):
    QUEUED = "queued"
    DISPATCHED = "dispatched"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    DEAD = "dead"
    CANCELLED = "cancelled"


LEASED_STATES = (JobState.DISPATCHED, JobState.RUNNING)
TERMINAL_STATES = (JobState.SUCCEEDED, JobState.DEAD, JobState.CANCELLED)

_STATE_TYPE = Enum(
    JobState,
    name="job_state",
    native_enum=False,
    create_constraint=True,
    length=16,
    values_callable=lambda states: [s.value for s in states],
)


class Job(Base):
    """One unit of background work. Its row, not the queue message, is the truth."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_due", "state", "run_at"),
        Index("ix_jobs_lease", "state", "lease_expires_at"),
        Index("ix_jobs_kind", "kind"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[JobState] = mapped_column(_STATE_TYPE, default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Empty: the kind's own limit, else the `jobs_max_attempts` setting.
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Unique when set (both backends allow many NULLs in a unique column).
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state.value}>"


class JobSchedule(Base):
    """A named recurring job: every ``interval_seconds`` the dispatcher creates one job row."""

    __tablename__ = "job_schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    next_run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_job_id: Mapped[int | None] = mapped_column(_ID)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<JobSchedule {self.name} every {self.interval_seconds}s>"


__all__ = ["LEASED_STATES", "TERMINAL_STATES", "Job", "JobSchedule", "JobState"]

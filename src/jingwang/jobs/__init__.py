"""Background jobs. The database is the truth: job rows with leases, dispatched through Huey.

Enqueue work in the same transaction as the change that needs it::

    with db.session() as session:
        report = submit_report(session, ...)
        enqueue(session, "probe.capture", {"url": report.url}, idempotency_key=f"r{report.id}")

A worker process (``jingwang worker``) dispatches due jobs to Huey, runs them under a lease
(:mod:`jingwang.jobs.lease`), takes back jobs of dead workers (:mod:`jingwang.jobs.reconciler`),
creates jobs from schedules (:mod:`jingwang.jobs.schedules`) and publishes outbox events
(:mod:`jingwang.jobs.sequencer`). Job kinds are small classes (:mod:`jingwang.jobs.kinds`).
"""

from jingwang.jobs.errors import (
    InvalidPayload,
    JobNotFound,
    JobStateConflict,
    LeaseLost,
    PermanentFailure,
    UnknownJobKind,
)
from jingwang.jobs.kinds import JOB_KINDS, JobContext, JobKind, load_job_modules
from jingwang.jobs.models import Job, JobSchedule, JobState
from jingwang.jobs.runtime import JobRuntime, TickReport, build_runtime
from jingwang.jobs.schedules import ScheduleSpec, add_schedule, list_schedules
from jingwang.jobs.sequencer import Sequencer, SequenceReport
from jingwang.jobs.service import (
    JobInfo,
    cancel_job,
    enqueue,
    enqueue_new,
    get_job,
    list_jobs,
    retry_job,
)
from jingwang.jobs.worker import DrainReport, Worker
from jingwang.store.outbox import Delivery, OutboxConsumer

__all__ = [
    "JOB_KINDS",
    "Delivery",
    "DrainReport",
    "InvalidPayload",
    "Job",
    "JobContext",
    "JobInfo",
    "JobKind",
    "JobNotFound",
    "JobRuntime",
    "JobSchedule",
    "JobState",
    "JobStateConflict",
    "LeaseLost",
    "OutboxConsumer",
    "PermanentFailure",
    "ScheduleSpec",
    "SequenceReport",
    "Sequencer",
    "TickReport",
    "UnknownJobKind",
    "Worker",
    "add_schedule",
    "build_runtime",
    "cancel_job",
    "enqueue",
    "enqueue_new",
    "get_job",
    "list_jobs",
    "list_schedules",
    "load_job_modules",
    "retry_job",
]

"""Errors of the jobs package, each with a stable ``code``.

::

    NotFound
    └── JobNotFound              jobs.not_found         no job (or schedule) with that id
    Conflict
    └── JobStateConflict         jobs.state_conflict    e.g. cancelling a job that succeeded
    InvalidInput
    ├── UnknownJobKind           jobs.unknown_kind      no loaded kind has that name
    └── InvalidPayload           jobs.invalid_payload   the payload fails the kind's model
    JobError
    ├── LeaseLost                jobs.lease_lost        this worker no longer owns the job
    └── PermanentFailure         jobs.permanent_failure a handler says: do not retry
"""

from __future__ import annotations

from jingwang.errors import Conflict, InvalidInput, JobError, NotFound


class JobNotFound(NotFound):
    code = "jobs.not_found"


class JobStateConflict(Conflict):
    code = "jobs.state_conflict"


class UnknownJobKind(InvalidInput):
    code = "jobs.unknown_kind"


class InvalidPayload(InvalidInput):
    code = "jobs.invalid_payload"


class LeaseLost(JobError):
    """Raised by ``ctx.heartbeat()`` when the job was cancelled or taken over: stop working."""

    code = "jobs.lease_lost"


class PermanentFailure(JobError):
    """A handler raises this when retrying cannot help; the job goes straight to ``dead``."""

    code = "jobs.permanent_failure"


__all__ = [
    "InvalidPayload",
    "JobNotFound",
    "JobStateConflict",
    "LeaseLost",
    "PermanentFailure",
    "UnknownJobKind",
]

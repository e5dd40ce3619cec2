"""Events of the jobs package. Stored shapes: add fields only with defaults, never rename.

Not every transition is an event: enqueueing, dispatching and a successful run happen thousands
of times a day and live in the job rows. Events mark what an operator or auditor must see:
a job given up on, and a person cancelling or retrying one, and what a verification found.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from jingwang.core.events import DomainEvent


class JobDead(DomainEvent):
    """A job used its last attempt (or failed permanently) and will not run again by itself."""

    name: ClassVar[str] = "jobs.job_dead"
    object_type: ClassVar[str] = "job"

    kind: str
    attempts: int
    last_error: str | None = None


class JobCancelled(DomainEvent):
    """A person cancelled a job that had not finished."""

    name: ClassVar[str] = "jobs.job_cancelled"
    object_type: ClassVar[str] = "job"

    kind: str
    previous_state: str


class JobRetried(DomainEvent):
    """A person sent a dead, cancelled or waiting job back to the queue."""

    name: ClassVar[str] = "jobs.job_retried"
    object_type: ClassVar[str] = "job"

    kind: str
    previous_state: str
    previous_attempts: int


class BlobsVerified(DomainEvent):
    """Every blob in a blob store was re-hashed; ``failed`` no longer match their address."""

    name: ClassVar[str] = "store.blobs_verified"
    object_type: ClassVar[str] = "blob_store"

    total: int
    passed: int
    failed: int
    failed_digests: list[str] = Field(default_factory=list)  # the first 100 of them


__all__ = ["BlobsVerified", "JobCancelled", "JobDead", "JobRetried"]

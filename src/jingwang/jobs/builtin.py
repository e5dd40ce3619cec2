"""Built-in job kinds: ``blobs.verify`` and ``system.sequence_outbox``."""

from __future__ import annotations

import logging
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from jingwang.errors import JobError
from jingwang.jobs.events import BlobsVerified
from jingwang.jobs.kinds import JobContext, JobKind
from jingwang.store.outbox import emit

log = logging.getLogger(__name__)

FAILED_DIGESTS_KEPT = 100
HEARTBEAT_EVERY_BLOBS = 100


class VerifyBlobsPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VerifyBlobsResult(BaseModel):
    total: int
    passed: int
    failed: int
    failed_digests: list[str]


class VerifyBlobs(JobKind[VerifyBlobsPayload]):
    """Re-hash every blob in the blob store; count those that no longer match their address.

    Idempotent: it only reads blobs. Each run emits one ``store.blobs_verified`` event, so the
    audit log shows when evidence was last checked and what was found.
    """

    name = "blobs.verify"
    payload_model = VerifyBlobsPayload
    description: ClassVar[str] = "Re-hash every evidence blob and report the ones that rotted."

    def run(self, ctx: JobContext, payload: VerifyBlobsPayload) -> VerifyBlobsResult:
        total, failed = 0, []
        for digest in ctx.blobs.digests():
            total += 1
            if not ctx.blobs.verify(digest):
                failed.append(digest)
            if total % HEARTBEAT_EVERY_BLOBS == 0:
                ctx.heartbeat()
        if failed:
            log.error("%d of %d blobs fail verification, first: %s", len(failed), total, failed[0])
        result = VerifyBlobsResult(
            total=total,
            passed=total - len(failed),
            failed=len(failed),
            failed_digests=failed[:FAILED_DIGESTS_KEPT],
        )
        with ctx.db.session() as session:
            store_id = f"{ctx.blobs.name}:{ctx.settings.resolved_blob_dir}"
            emit(session, BlobsVerified(object_id=store_id, **result.model_dump()))
        return result


class SequenceOutboxPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_batches: int = Field(100, ge=1, description="Stop after this many batches.")


class SequenceOutboxResult(BaseModel):
    published: int
    batches: int
    locked_out: bool
    stopped_at: int | None
    error: str | None


class SequenceOutbox(JobKind[SequenceOutboxPayload]):
    """Publish unpublished outbox events to their consumers (the audit log).

    Worker loops do this every few seconds; this kind lets a schedule or an operator do it too.
    Idempotent: the sequencer publishes each event once however often it runs. Fails (and so
    retries) when a consumer refuses an event.
    """

    name = "system.sequence_outbox"
    payload_model = SequenceOutboxPayload
    description: ClassVar[str] = "Publish pending domain events to the audit log, in order."

    def run(self, ctx: JobContext, payload: SequenceOutboxPayload) -> SequenceOutboxResult:
        report = ctx.sequencer.run(max_batches=payload.max_batches)
        if report.stopped_at is not None:
            raise JobError(
                f"the sequencer stopped at outbox event {report.stopped_at}: {report.error}",
                outbox_id=report.stopped_at,
            )
        return SequenceOutboxResult(
            published=report.published,
            batches=report.batches,
            locked_out=report.locked_out,
            stopped_at=report.stopped_at,
            error=report.error,
        )


__all__ = ["FAILED_DIGESTS_KEPT", "SequenceOutbox", "VerifyBlobs"]

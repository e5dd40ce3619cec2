"""The ``audit.checkpoint`` job kind: sign the audit log's head on a schedule.

Built in (listed in :data:`jingwang.jobs.kinds.BUILTIN_MODULES`); the default schedule
``audit.checkpoint.periodic`` runs it every ``audit_checkpoint_interval_seconds``. Idempotent:
a head that already has a checkpoint is not signed again. A missing or unusable key and a log
that does not verify are permanent failures: retrying cannot fix them, and the dead job (an
audit entry of its own) tells the operator what to do.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from jingwang.audit.checkpoints import make_checkpoint
from jingwang.audit.keys import signing_key_for
from jingwang.errors import ConfigError, Conflict, NotConfigured
from jingwang.jobs.errors import PermanentFailure
from jingwang.jobs.kinds import JobContext, JobKind


class CheckpointPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckpointResult(BaseModel):
    created: bool
    checkpoint_id: int | None
    seq: int | None  # the head signed (or already signed); None for an empty log
    key_id: str | None


class CheckpointAuditLog(JobKind[CheckpointPayload]):
    """Verify the entries since the last checkpoint and sign the head with the Ed25519 key."""

    name = "audit.checkpoint"
    payload_model = CheckpointPayload
    description: ClassVar[str] = "Sign the audit log's head (a checkpoint) with the audit key."

    def run(self, ctx: JobContext, payload: CheckpointPayload) -> CheckpointResult:
        try:
            key = signing_key_for(ctx.settings, create=True)
            outcome = make_checkpoint(ctx.db, key)
        except (NotConfigured, ConfigError, Conflict) as exc:
            raise PermanentFailure(f"{exc.code}: {exc}", cause=exc.code) from exc
        checkpoint = outcome.checkpoint
        return CheckpointResult(
            created=outcome.created,
            checkpoint_id=checkpoint.id if checkpoint else None,
            seq=checkpoint.seq if checkpoint else None,
            key_id=checkpoint.key_id if checkpoint else None,
        )


__all__ = ["CheckpointAuditLog", "CheckpointPayload", "CheckpointResult"]

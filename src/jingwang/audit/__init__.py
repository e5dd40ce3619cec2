"""The audit log: append-only, hash-chained entries, one per published domain event.

The sequencer hands every outbox event to :class:`AuditLogConsumer`, which appends one entry
per event in the same transaction that marks the event published. :func:`verify_chain` walks
the chain and names the first entry that was edited, deleted, inserted or reordered.
:func:`make_checkpoint` signs the head with an Ed25519 key kept outside the database
(:mod:`jingwang.audit.keys`), and :func:`verify_log` checks chain and checkpoints with only
public keys: passed, failed or unknown, with the problems found.
"""

from jingwang.audit.chain import AuditRecord, compute_hash
from jingwang.audit.checkpoints import (
    CheckpointInfo,
    CheckpointOutcome,
    checkpoint_message,
    make_checkpoint,
)
from jingwang.audit.keys import SigningKey, VerifyKey
from jingwang.audit.log import (
    AuditEntryInfo,
    AuditLogConsumer,
    append_entry,
    latest_entries,
    record_from_event,
)
from jingwang.audit.models import GENESIS_HASH, AuditCheckpoint, AuditEntry
from jingwang.audit.report import LogVerification, Problem, Verdict, verify_log
from jingwang.audit.verify import BreakReason, VerifyResult, verify_chain

__all__ = [
    "GENESIS_HASH",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditEntryInfo",
    "AuditLogConsumer",
    "AuditRecord",
    "BreakReason",
    "CheckpointInfo",
    "CheckpointOutcome",
    "LogVerification",
    "Problem",
    "SigningKey",
    "Verdict",
    "VerifyKey",
    "VerifyResult",
    "append_entry",
    "checkpoint_message",
    "compute_hash",
    "latest_entries",
    "make_checkpoint",
    "record_from_event",
    "verify_chain",
    "verify_log",
]
